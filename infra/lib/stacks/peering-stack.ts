import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/index.js';
import { acknowledge } from '../compliance/acknowledge.js';
import { readerGrantsSql, readerRevokeSql } from '../constructs/data/analytics-read-access.js';
import { POSTGRES_PORT } from '../constructs/data/postgres.js';
import type { TierNetworkAcls } from '../constructs/network/tier-network-acls.js';
import { tierSubnetCidrs } from '../constructs/network/tiered-ip-addresses.js';
import { TIER_OFFSETS } from '../constructs/network/tiered-vpc.js';
import { addAclEntries } from '../constructs/peering/analytics-network-acls.js';
import { PeeringApiCall, type PeeringApiCallProps } from '../constructs/peering/peering-api-call.js';
import { toRemovalPolicy } from '../removal-policy.js';
import type { AnalyticsReaderAccess } from './data-stack.js';

export interface PeeringStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /** The payment VPC (requester side). */
  readonly vpc: ec2.IVpc;
  /** The payment VPC's per-tier NACLs; the peering's entries are resources of this stack. */
  readonly nacls: TierNetworkAcls;
  /** The analytics VPC id and accepter role (another account: weak references, ADR 0038). */
  readonly analytics: { readonly vpcId: string; readonly accepterRoleArn: string };
  /** The Aurora reader endpoint analytics reads from (hostname). */
  readonly readerEndpoint: string;
  /** Key of the peering API calls' provider log. */
  readonly logsKey: kms.IKey;
  /** The analytics read role, granted its tables here (after the App stack has migrated the database). */
  readonly reader: AnalyticsReaderAccess;
}

/** Rule numbers of the peering's entries in the payment NACLs: before the tier rules (100…) and after them. */
const APP_DENY_RULE = 90;
const DATA_RULES_FROM = 300;

/**
 * The payment account's side of the peering (ADR 0037): the `VPCPeeringConnection` request (accepted by
 * CloudFormation through the analytics accepter role), routes to the analytics VPC from the app and data
 * route tables, the payment NACL entries for PostgreSQL from the analytics private tier (and the explicit
 * denial of everything else on the app tier), DNS resolution across the peering for this side, and the
 * payment private hosted zone with the reader's name, authorized for association with the analytics VPC.
 */
export class PeeringStack extends Stack {
  readonly connection: ec2.CfnVPCPeeringConnection;
  readonly zone: route53.PrivateHostedZone;
  /** The reader's name in the payment zone. */
  readonly readerName: string;

  constructor(scope: Construct, id: string, props: PeeringStackProps) {
    super(scope, id, props);
    const { config, vpc, nacls } = props;
    const { network, peering } = config;
    const region = config.regions.primary;
    const removalPolicy = toRemovalPolicy(config.removalPolicy);
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const analyticsPrivateCidrs = tierSubnetCidrs(
      network.vpcCidrs.analytics,
      TIER_OFFSETS.private,
      config.availabilityZones.length,
    );

    this.connection = new ec2.CfnVPCPeeringConnection(this, 'Connection', {
      vpcId: vpc.vpcId,
      peerVpcId: props.analytics.vpcId,
      peerOwnerId: config.accounts.analytics,
      peerRegion: region,
      peerRoleArn: props.analytics.accepterRoleArn,
      tags: [{ key: 'Name', value: `tessera-${config.envName}-payment-analytics` }],
    });
    const pcx = this.connection.ref;

    for (const [tier, subnets] of [
      ['App', vpc.selectSubnets({ subnetGroupName: 'app' }).subnets],
      ['Data', vpc.selectSubnets({ subnetGroupName: 'data' }).subnets],
    ] as const) {
      subnets.forEach((subnet, i) => {
        new ec2.CfnRoute(this, `${tier}RouteToAnalytics${i + 1}`, {
          routeTableId: subnet.routeTable.routeTableId,
          destinationCidrBlock: network.vpcCidrs.analytics,
          vpcPeeringConnectionId: pcx,
        });
      });
    }

    // The data tier answers the analytics private tier on PostgreSQL; the app tier has nothing to say to it.
    const dataIn = analyticsPrivateCidrs.map((cidr, i) => ({
      id: `PostgresFromAnalytics${i + 1}`,
      cidr,
      ports: [POSTGRES_PORT, POSTGRES_PORT] as const,
    }));
    const dataOut = analyticsPrivateCidrs.map((cidr, i) => ({
      id: `RepliesToAnalytics${i + 1}`,
      cidr,
      ports: [1024, 65535] as const,
    }));
    const deny = [
      { id: 'DenyAnalytics', cidr: network.vpcCidrs.analytics, ports: [0, 65535] as const, deny: true },
    ];
    const entries = new Construct(this, 'PaymentNaclEntries');
    acknowledge(
      entries,
      'AwsSolutions-VPC3',
      'PCI DSS 1.3/1.4 segmentation between the payment CDE and the analytics VPC: these entries extend the ' +
        'payment tier NACLs for the peering only (PostgreSQL between analytics and the data tier, the app tier ' +
        'denied), and every entry is asserted in tests.',
    );
    addAclEntries(entries, nacls.dataAcl, 'DataIn', ec2.TrafficDirection.INGRESS, dataIn, DATA_RULES_FROM);
    addAclEntries(entries, nacls.dataAcl, 'DataOut', ec2.TrafficDirection.EGRESS, dataOut, DATA_RULES_FROM);
    addAclEntries(entries, nacls.appAcl, 'AppIn', ec2.TrafficDirection.INGRESS, deny, APP_DENY_RULE);
    addAclEntries(entries, nacls.appAcl, 'AppOut', ec2.TrafficDirection.EGRESS, deny, APP_DENY_RULE);

    const pcxArn = this.formatArn({ service: 'ec2', resource: 'vpc-peering-connection', resourceName: pcx });
    const dnsOptions = (allow: boolean) => ({
      service: 'EC2',
      action: 'modifyVpcPeeringConnectionOptions',
      parameters: {
        VpcPeeringConnectionId: pcx,
        RequesterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: allow },
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${pcx}-requester-dns`),
    });
    new PeeringApiCall(this, 'RequesterDnsResolution', {
      purpose: 'Lets the analytics VPC resolve payment hostnames to private addresses across the peering',
      onCreate: dnsOptions(true),
      onDelete: { ...dnsOptions(false), ignoreErrorCodesMatching: 'InvalidVpcPeeringConnectionID.NotFound' },
      statements: [
        new iam.PolicyStatement({ actions: ['ec2:ModifyVpcPeeringConnectionOptions'], resources: [pcxArn] }),
      ],
      logsKey: props.logsKey,
      logRetention,
      removalPolicy,
    });

    this.zone = new route53.PrivateHostedZone(this, 'Zone', {
      zoneName: peering.zoneNames.payment,
      vpc,
      comment: `Tessera ${config.envName}: payment names the analytics VPC may resolve`,
    });
    this.readerName = `reader.${peering.zoneNames.payment}`;
    new route53.CnameRecord(this, 'ReaderRecord', {
      zone: this.zone,
      recordName: this.readerName,
      domainName: props.readerEndpoint,
      ttl: Duration.minutes(1),
      comment: 'Aurora reader endpoint (PostgreSQL 5432, TLS): the one payment endpoint analytics may use',
    });

    const zoneArn = `arn:${this.partition}:route53:::hostedzone/${this.zone.hostedZoneId}`;
    const authorization = (action: string) => ({
      service: 'Route53',
      action,
      parameters: {
        HostedZoneId: this.zone.hostedZoneId,
        VPC: { VPCId: props.analytics.vpcId, VPCRegion: region },
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${this.zone.hostedZoneId}-${props.analytics.vpcId}`),
    });
    new PeeringApiCall(this, 'ZoneAssociationAuthorization', {
      purpose: 'Authorizes the analytics account to associate its VPC with the payment private hosted zone',
      onCreate: authorization('createVPCAssociationAuthorization'),
      onDelete: {
        ...authorization('deleteVPCAssociationAuthorization'),
        ignoreErrorCodesMatching: 'VPCAssociationAuthorizationNotFound|NoSuchHostedZone',
      },
      statements: [
        new iam.PolicyStatement({
          actions: ['route53:CreateVPCAssociationAuthorization', 'route53:DeleteVPCAssociationAuthorization'],
          resources: [zoneArn],
        }),
      ],
      logsKey: props.logsKey,
      logRetention,
      removalPolicy,
    });

    this.grantAnalyticsReads(props.reader, { logsKey: props.logsKey, logRetention, removalPolicy });

    new CfnOutput(this, 'PeeringConnectionId', { value: pcx, description: 'VPC peering connection id' });
    new CfnOutput(this, 'PaymentZoneId', {
      value: this.zone.hostedZoneId,
      description: 'Payment private zone id',
    });
    new CfnOutput(this, 'ReaderName', {
      value: this.readerName,
      description: 'Name of the Aurora reader in the payment zone (analytics connects here on 5432)',
    });
    acknowledgeCrossAccountReferences(this);
  }

  /** SELECT on the non-vault tables for the read role through the RDS Data API; deleting revokes them. */
  private grantAnalyticsReads(
    reader: AnalyticsReaderAccess,
    logging: Pick<PeeringApiCallProps, 'logsKey' | 'logRetention' | 'removalPolicy'>,
  ): void {
    const statement = (sql: string) => ({
      service: 'RDSData',
      action: 'executeStatement',
      parameters: {
        resourceArn: reader.clusterArn,
        secretArn: reader.masterSecret.secretArn,
        database: reader.databaseName,
        sql,
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${reader.readerRole}-analytics-grants`),
      outputPaths: ['numberOfRecordsUpdated'],
      logging: cr.Logging.withDataHidden(),
    });
    new PeeringApiCall(this, 'AnalyticsReadGrants', {
      purpose: 'Grants the analytics read role SELECT on the non-vault tables of the payment database',
      onCreate: statement(readerGrantsSql(reader.ownerRole, reader.readerRole)),
      onDelete: statement(readerRevokeSql(reader.ownerRole, reader.readerRole)),
      statements: [
        new iam.PolicyStatement({ actions: ['rds-data:ExecuteStatement'], resources: [reader.clusterArn] }),
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [reader.masterSecret.secretArn],
        }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [reader.masterSecretKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
        }),
      ],
      ...logging,
    });
  }
}

/** A stack that reads another account's outputs: those references are weak by nature (ADR 0038). */
export function acknowledgeCrossAccountReferences(stack: Stack): void {
  Annotations.of(stack).acknowledgeWarning(
    '@aws-cdk/core:crossAccountRefsAreAlwaysWeak',
    'Cross-account values (analytics VPC id and accepter role, peering id and payment zone id) are read with ' +
      'Fn::GetStackOutput on purpose (ADR 0038); the explicit stack dependencies order the deployment.',
  );
}
