import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { acknowledge } from '../../compliance/acknowledge.js';
import { acknowledgeVpcNodeFunction } from '../lambda-acknowledgements.js';
import { ESM_BUNDLING } from '../lambda-bundling.js';
import type { PartnerPkiBucket } from './partner-pki-bucket.js';

const HANDLER = fileURLToPath(
  new URL('../../../../services/functions/src/client-certificate-authorizer/handler.ts', import.meta.url),
);
const LOCKFILE = fileURLToPath(new URL('../../../../package-lock.json', import.meta.url));

export interface ClientCertificateAuthorizerFunctionProps {
  readonly vpc: ec2.IVpc;
  /** Subnets with a route to the S3 gateway endpoint (the app tier). */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The S3 prefix list of the region: the function's one destination (the revocation list through the gateway endpoint). */
  readonly s3PrefixListId: string;
  /** Where the revocation list lives; the function may read that one object. */
  readonly pki: PartnerPkiBucket;
  /** How long an execution environment reuses the list it read (REVOCATION_LIST_TTL_SECONDS). */
  readonly revocationListTtl: Duration;
  /** Concurrent executions reserved for (and capping) the function. */
  readonly reservedConcurrency: number;
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /**
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The partner API's REQUEST authorizer (`services/functions/src/client-certificate-authorizer/`), bundled with
 * esbuild for nodejs22.x on ARM64, in the app tier with HTTPS to S3 only. It applies the shared rule of
 * `@tessera/pki` to the client certificate API Gateway verified: revocation, validity and merchant binding.
 */
export class ClientCertificateAuthorizerFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: ClientCertificateAuthorizerFunctionProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description:
        'Client certificate authorizer: HTTPS to S3 (revocation list) through the gateway endpoint',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(
      ec2.Peer.prefixList(props.s3PrefixListId),
      ec2.Port.tcp(443),
      'HTTPS to S3 through the gateway endpoint',
    );
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description:
        'Partner API REQUEST authorizer: revocation list, validity and merchant binding of the client certificate',
      entry: HANDLER,
      handler: 'handler',
      depsLockFilePath: LOCKFILE,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrency,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        REVOCATION_LIST_BUCKET: props.pki.bucket.bucketName,
        REVOCATION_LIST_KEY: props.pki.revocationListKey,
        REVOCATION_LIST_TTL_SECONDS: String(props.revocationListTtl.toSeconds()),
      },
      bundling: ESM_BUNDLING,
    });
    props.pki.grantReadRevocationList(this.function);
    this.acknowledgeFindings();
  }

  private acknowledgeFindings(): void {
    acknowledgeVpcNodeFunction(this.function);
    acknowledge(
      this.function,
      'NIST.800.53.R5-LambdaDLQ',
      'API Gateway invokes the authorizer synchronously for each request and answers 500 when it fails; there is no asynchronous event a dead-letter queue could receive',
    );
    acknowledge(
      this.function.node.findChild('ServiceRole'),
      ['PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy'],
      'Policy bound one-to-one to the authorizer role: s3:GetObject on the revocation list object and kms:Decrypt through S3 only; inline so it is created and deleted with the role',
    );
  }
}
