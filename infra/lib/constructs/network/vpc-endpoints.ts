import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Interface endpoint names (the service's DNS prefix) and the CDK service each maps to. */
export const INTERFACE_ENDPOINT_SERVICES = {
  secretsmanager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  kms: ec2.InterfaceVpcEndpointAwsService.KMS,
  'ecr.api': ec2.InterfaceVpcEndpointAwsService.ECR,
  'ecr.dkr': ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
  sts: ec2.InterfaceVpcEndpointAwsService.STS,
  ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
  ssmmessages: ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES,
  ec2messages: ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES,
  monitoring: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
  xray: ec2.InterfaceVpcEndpointAwsService.XRAY,
  events: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
  ec2: ec2.InterfaceVpcEndpointAwsService.EC2,
  'eks-auth': ec2.InterfaceVpcEndpointAwsService.EKS_AUTH,
  elasticloadbalancing: ec2.InterfaceVpcEndpointAwsService.ELASTIC_LOAD_BALANCING,
} as const satisfies Record<string, ec2.InterfaceVpcEndpointAwsService>;

export type InterfaceEndpointKey = keyof typeof INTERFACE_ENDPOINT_SERVICES;

/** An AWS-owned bucket the S3 gateway endpoint can admit: its statement id, its name in a region, the actions. */
export interface AwsOwnedBucket {
  readonly sid: string;
  readonly bucketName: (region: string) => string;
  readonly actions: readonly string[];
}

/** AWS-owned buckets by name. Another entry is one line here (and its name in the config's list). */
export const AWS_OWNED_BUCKETS = {
  // Image layers pulled through ECR (Fargate tasks and EC2 instances alike).
  'ecr-image-layers': {
    sid: 'EcrImageLayers',
    bucketName: (region) => `prod-${region}-starport-layer-bucket`,
    actions: ['s3:GetObject'],
  },
  // Amazon Linux 2023 package repositories (EC2 instances install Docker from them at boot).
  'amazon-linux-repositories': {
    sid: 'AmazonLinux2023PackageRepositories',
    bucketName: (region) => `al2023-repos-${region}-de612dc2`,
    actions: ['s3:GetObject'],
  },
  // CloudFormation's custom-resource responses: a provider function in the VPC PUTs its answer to a pre-signed
  // URL in this bucket, named with the region without dashes (cloudformation-custom-resource-response-useast1).
  // Without it the stack waits for the response until it times out.
  'cloudformation-responses': {
    sid: 'CloudFormationCustomResourceResponses',
    bucketName: (region) => `cloudformation-custom-resource-response-${region.replace(/-/g, '')}`,
    actions: ['s3:PutObject'],
  },
} as const satisfies Record<string, AwsOwnedBucket>;

export type AwsOwnedBucketKey = keyof typeof AWS_OWNED_BUCKETS;

export interface VpcEndpointsProps {
  readonly vpc: ec2.IVpc;
  /** Subnets that hold the interface endpoint ENIs and get the gateway endpoint routes. */
  readonly subnets: ec2.SubnetSelection;
  /** Interface endpoints to create, each with private DNS. */
  readonly interfaceEndpoints: readonly InterfaceEndpointKey[];
  /**
   * Zones of `subnets` that hold the interface endpoints' network interfaces (billed per AZ-hour). Clients in
   * the other zones reach them across zones through the same private DNS name.
   * @default - every zone of `subnets`
   */
  readonly interfaceAvailabilityZones?: readonly string[];
  /** CIDR allowed to call the interface endpoints on 443 (the VPC CIDR, as a literal). */
  readonly clientCidr: string;
  /**
   * Limit the S3 and DynamoDB gateway endpoints to resources owned by these accounts, so the endpoints cannot
   * move data to someone else's bucket or table.
   * @default - the endpoints allow any resource
   */
  readonly resourceAccounts?: readonly string[];
  /**
   * AWS-owned buckets of this region the S3 endpoint admits besides the accounts' own, with only their actions
   * (an endpoint limited to `resourceAccounts` would refuse them). Requires `resourceAccounts`.
   * @default - none
   */
  readonly awsOwnedBuckets?: readonly AwsOwnedBucketKey[];
}

/**
 * Gateway endpoints for S3 and DynamoDB, and interface endpoints with private DNS, so workloads reach AWS
 * APIs without crossing the NAT. Interface endpoints admit HTTPS from the VPC CIDR only.
 */
export class VpcEndpoints extends Construct {
  readonly gateway: { readonly s3: ec2.GatewayVpcEndpoint; readonly dynamodb: ec2.GatewayVpcEndpoint };
  readonly interfaces: Readonly<Partial<Record<InterfaceEndpointKey, ec2.InterfaceVpcEndpoint>>>;
  /** Security group of every interface endpoint: HTTPS in from `clientCidr`, nothing out. */
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    this.gateway = {
      s3: new ec2.GatewayVpcEndpoint(this, 'S3', {
        vpc: props.vpc,
        service: ec2.GatewayVpcEndpointAwsService.S3,
        subnets: [props.subnets],
      }),
      dynamodb: new ec2.GatewayVpcEndpoint(this, 'DynamoDb', {
        vpc: props.vpc,
        service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
        subnets: [props.subnets],
      }),
    };
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Interface VPC endpoints: HTTPS from inside the VPC only',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(
      ec2.Peer.ipv4(props.clientCidr),
      ec2.Port.tcp(443),
      'HTTPS to AWS APIs from the VPC',
    );
    const accounts = props.resourceAccounts ?? [];
    const awsOwnedBuckets = props.awsOwnedBuckets ?? [];
    if (awsOwnedBuckets.length > 0 && accounts.length === 0) {
      throw new Error(
        `awsOwnedBuckets [${awsOwnedBuckets.join(', ')}] only apply with resourceAccounts: an endpoint without them already admits every bucket`,
      );
    }
    if (accounts.length > 0) this.restrictTo(accounts, awsOwnedBuckets);

    const zones = props.interfaceAvailabilityZones;
    if (zones !== undefined && zones.length === 0) {
      throw new Error('interfaceAvailabilityZones must name at least one zone, got none');
    }
    const interfaceSubnets: ec2.SubnetSelection =
      zones === undefined ? props.subnets : { ...props.subnets, availabilityZones: [...zones] };
    const interfaces: Partial<Record<InterfaceEndpointKey, ec2.InterfaceVpcEndpoint>> = {};
    for (const key of new Set(props.interfaceEndpoints)) {
      interfaces[key] = new ec2.InterfaceVpcEndpoint(this, endpointId(key), {
        vpc: props.vpc,
        service: INTERFACE_ENDPOINT_SERVICES[key],
        subnets: interfaceSubnets,
        privateDnsEnabled: true,
        securityGroups: [this.securityGroup],
        open: false,
      });
    }
    this.interfaces = interfaces;
  }

  private restrictTo(accounts: readonly string[], awsOwnedBuckets: readonly AwsOwnedBucketKey[]): void {
    const { region, partition } = Stack.of(this);
    if (awsOwnedBuckets.length > 0 && Token.isUnresolved(region)) {
      throw new Error(
        'awsOwnedBuckets need a stack with a concrete region: their names contain it (for example cloudformation-custom-resource-response-useast1)',
      );
    }
    const ownResources = (actions: string[]): iam.PolicyStatement =>
      new iam.PolicyStatement({
        sid: 'OwnAccountResourcesOnly',
        principals: [new iam.AnyPrincipal()],
        actions,
        resources: ['*'],
        conditions: { StringEquals: { 'aws:ResourceAccount': [...accounts] } },
      });
    this.gateway.s3.addToPolicy(ownResources(['s3:*']));
    for (const key of new Set(awsOwnedBuckets)) {
      const bucket: AwsOwnedBucket = AWS_OWNED_BUCKETS[key];
      this.gateway.s3.addToPolicy(
        new iam.PolicyStatement({
          sid: bucket.sid,
          principals: [new iam.AnyPrincipal()],
          actions: [...bucket.actions],
          resources: [`arn:${partition}:s3:::${bucket.bucketName(region)}/*`],
        }),
      );
    }
    this.gateway.dynamodb.addToPolicy(ownResources(['dynamodb:*']));
  }
}

function endpointId(key: string): string {
  return key
    .split('.')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}
