import { Aspects, Tags, type App } from 'aws-cdk-lib';
import type { ComputeMode } from '../config/app.js';
import type { EnvironmentConfig } from '../config/index.js';
import { KmsCreateGrantGuard } from './constructs/kms-create-grant-guard.js';
import { LambdaPermissionSourceAccount } from './constructs/lambda-permission-source-account.js';
import { applyFeatureFlags } from './feature-flags.js';
import { registerEnvironmentName } from './naming.js';
import { DataDrStack } from './stacks/data-dr-stack.js';
import { DataStack } from './stacks/data-stack.js';
import { DocumentsDrStack } from './stacks/documents-dr-stack.js';
import { DocumentsStack } from './stacks/documents-stack.js';
import { NetworkStack } from './stacks/network-stack.js';
import { PeeringStack } from './stacks/peering-stack.js';
import { ProcessingStack } from './stacks/processing-stack.js';
import { SecurityStack } from './stacks/security-stack.js';
import { AnalyticsPeeringStack } from './stacks/analytics-peering-stack.js';
import { AnalyticsStack } from './stacks/analytics-stack.js';
import { ApiStack } from './stacks/api-stack.js';
import { AppStack } from './stacks/app-stack.js';
import { EdgeStack } from './stacks/edge-stack.js';
import { EdgeWafStack } from './stacks/edge-waf-stack.js';
import { MonitoringStack } from './stacks/monitoring-stack.js';

/** The stacks of one Tessera environment, in deployment order. */
const COMPUTE_DESCRIPTIONS: Readonly<Record<ComputeMode, string>> = {
  fargate: 'ECS Fargate',
  ec2: 'EC2 Auto Scaling',
  eks: 'Amazon EKS',
};

export interface TesseraStacks {
  readonly security: SecurityStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
  /** The data tier's side in the DR region (backup copy vault). */
  readonly dataDr: DataDrStack;
  /** The documents bucket (settlement reports, statements, dispute evidence) and its replication. */
  readonly documents: DocumentsStack;
  /** The documents replica in the DR region, when `documents.replication.enabled`. */
  readonly documentsDr?: DocumentsDrStack;
  /** The events queue (FIFO, KMS, DLQ) the payment API's relay publishes to and its workers consume. */
  readonly processing: ProcessingStack;
  /** Payment API compute (Fargate or EC2), HTTPS load balancer and its WAF. */
  readonly app: AppStack;
  /** Static content behind CloudFront. */
  readonly edge: EdgeStack;
  /** The CLOUDFRONT web ACL in us-east-1, when the primary region is another one. */
  readonly edgeWaf?: EdgeWafStack;
  /** The partner API with mutual TLS, when `api.enabled`. */
  readonly api?: ApiStack;
  /** The analytics VPC in `accounts.analytics`, when `peering.enabled`. */
  readonly analytics?: AnalyticsStack;
  /** The peering request, payment routes, NACL entries and zone, when `peering.enabled`. */
  readonly peering?: PeeringStack;
  /** The analytics routes, DNS option and zone association, when `peering.enabled`. */
  readonly analyticsPeering?: AnalyticsPeeringStack;
  /** Alarms, security metric filters, the dashboard and the budget; reads every other stack's `monitoring`. */
  readonly monitoring: MonitoringStack;
}

/** Builds every stack of one environment into `app`. Stack ids: `Tessera-<env>-<Name>`. */
export function buildTessera(app: App, config: EnvironmentConfig): TesseraStacks {
  applyFeatureFlags(app);
  registerEnvironmentName(app, config.envName);
  for (const [key, value] of Object.entries(config.tags)) Tags.of(app).add(key, value);
  // Every customer managed key, whichever stack creates it, may be granted only to AWS services (PCI DSS 3.6.1).
  Aspects.of(app).add(new KmsCreateGrantGuard());
  // Every Lambda permission for an AWS service is limited to this account (confused deputy, e.g. rotation).
  Aspects.of(app).add(new LambdaPermissionSourceAccount());

  const env = { account: config.accounts.payment, region: config.regions.primary };
  const prefix = `Tessera-${config.envName}`;

  const security = new SecurityStack(app, `${prefix}-Security`, {
    env,
    config,
    description: `Tessera ${config.envName}: KMS keys per purpose and the account security baseline`,
  });

  const network = new NetworkStack(app, `${prefix}-Network`, {
    env,
    config,
    logsKey: security.keys.logs,
    complianceTopic: security.topics.compliance,
    description: `Tessera ${config.envName}: payment VPC, NAT, endpoints, NACLs and flow logs`,
  });

  const dataDr = new DataDrStack(app, `${prefix}-DataDr`, {
    env: { account: config.accounts.payment, region: config.regions.dr },
    config,
    description: `Tessera ${config.envName}: DR-region vault for the database backup copies`,
  });

  const data = new DataStack(app, `${prefix}-Data`, {
    env,
    config,
    vpc: network.vpc,
    alertTopic: security.topics.operations,
    keys: security.keys,
    description: `Tessera ${config.envName}: Aurora PostgreSQL, RDS Proxy, rotated database user, AWS Backup`,
  });
  // Backup copies target the DR vault by name: deploy it first.
  data.addStackDependency(dataDr);

  const documentsDr = config.documents.replication.enabled
    ? new DocumentsDrStack(app, `${prefix}-DocumentsDr`, {
        env: { account: config.accounts.payment, region: config.regions.dr },
        config,
        description: `Tessera ${config.envName}: DR-region replica of the documents bucket, its key and latency alarm`,
      })
    : undefined;
  const documents = new DocumentsStack(app, `${prefix}-Documents`, {
    env,
    config,
    operationsTopic: security.topics.operations,
    description: `Tessera ${config.envName}: documents bucket (KMS, versioning, lifecycle to Deep Archive) and its replication`,
  });
  // Replication names the replica bucket and key by name: S3 needs them to exist, so deploy the DR side first.
  if (documentsDr) documents.addStackDependency(documentsDr);

  const processing = new ProcessingStack(app, `${prefix}-Processing`, {
    env,
    config,
    description: `Tessera ${config.envName}: FIFO events queue and dead-letter queue (KMS, TLS-only) for the payment API's outbox`,
  });

  const appStack = new AppStack(app, `${prefix}-App`, {
    env,
    config,
    vpc: network.vpc,
    keys: security.keys,
    database: data.databaseAccess,
    documents: documents.paymentApiDocuments,
    settlementReports: documents.settlementReports,
    events: processing.events,
    operationsTopic: security.topics.operations,
    complianceTopic: security.topics.compliance,
    description: `Tessera ${config.envName}: payment API on ${COMPUTE_DESCRIPTIONS[config.compute]} behind an HTTPS load balancer with WAF`,
  });

  // CloudFront only accepts web ACLs from us-east-1.
  const edgeWaf =
    config.regions.primary === 'us-east-1'
      ? undefined
      : new EdgeWafStack(app, `${prefix}-EdgeWaf`, {
          env: { account: config.accounts.payment, region: 'us-east-1' },
          config,
          description: `Tessera ${config.envName}: CloudFront web ACL (us-east-1)`,
        });
  const edge = new EdgeStack(app, `${prefix}-Edge`, {
    env,
    config,
    apiUrl: appStack.apiUrl,
    logsKey: security.keys.logs,
    edgeWaf,
    description: `Tessera ${config.envName}: static content in S3 behind CloudFront with OAC and WAF`,
  });

  const api = config.api.enabled
    ? new ApiStack(app, `${prefix}-Api`, {
        env,
        config,
        vpc: network.vpc,
        keys: security.keys,
        loadBalancer: appStack.loadBalancer,
        description: `Tessera ${config.envName}: partner API on API Gateway with mutual TLS, private integration to the payment API`,
      })
    : undefined;

  const peering = config.peering.enabled
    ? buildPeering(app, config, prefix, { security, network, data, app: appStack })
    : {};
  // Last: it reads what the stacks above hand over (ADR 0039). A new stack adds its `monitoring` here.
  const monitoring = new MonitoringStack(app, `${prefix}-Monitoring`, {
    env,
    config,
    topics: security.topics,
    alertsKey: security.alertsKey,
    auditLogGroup: security.auditLogGroup,
    sources: [data.monitoring, processing.monitoring, appStack.monitoring, ...(api ? [api.monitoring] : [])],
    description: `Tessera ${config.envName}: alarms, security metric filters, dashboard and monthly budget`,
  });

  return {
    security,
    network,
    data,
    dataDr,
    documents,
    documentsDr,
    processing,
    app: appStack,
    edge,
    edgeWaf,
    api,
    ...peering,
    monitoring,
  };
}

/**
 * The analytics account's VPC and its peering with the payment VPC (ADR 0037), in deployment order:
 * Analytics (analytics account) → Peering (payment account, after Network, Data and App) → AnalyticsPeering
 * (analytics account). Values cross accounts as weak references (Fn::GetStackOutput, ADR 0038), which CDK does
 * not order, so the dependencies are explicit.
 */
function buildPeering(
  app: App,
  config: EnvironmentConfig,
  prefix: string,
  stacks: Pick<TesseraStacks, 'security' | 'network' | 'data' | 'app'>,
): Pick<TesseraStacks, 'analytics' | 'peering' | 'analyticsPeering'> {
  const { security, network, data } = stacks;
  if (!data.analyticsReader) throw new Error('peering needs the Data stack built with peering.enabled');
  const analyticsEnv = { account: config.accounts.analytics, region: config.regions.primary };
  const analytics = new AnalyticsStack(app, `${prefix}-Analytics`, {
    env: analyticsEnv,
    config,
    description: `Tessera ${config.envName}: analytics VPC, NAT, NACLs, flow logs, peering accepter role, private zone`,
  });
  const peering = new PeeringStack(app, `${prefix}-Peering`, {
    env: { account: config.accounts.payment, region: config.regions.primary },
    config,
    vpc: network.vpc,
    nacls: network.nacls,
    analytics: { vpcId: analytics.vpc.vpcId, accepterRoleArn: analytics.accepterRole.role.roleArn },
    readerEndpoint: data.cluster.clusterReadEndpoint.hostname,
    logsKey: security.keys.logs,
    reader: data.analyticsReader,
    description: `Tessera ${config.envName}: VPC peering to analytics, routes, NACL entries, payment private zone`,
  });
  peering.addStackDependency(analytics);
  // The read grants need the tables, which the payment API's migrations create when the App stack starts it.
  peering.addStackDependency(stacks.app);
  const analyticsPeering = new AnalyticsPeeringStack(app, `${prefix}-AnalyticsPeering`, {
    env: analyticsEnv,
    config,
    vpcId: analytics.vpc.vpcId,
    privateSubnets: analytics.privateSubnets,
    peeringConnectionId: peering.connection.ref,
    paymentZoneId: peering.zone.hostedZoneId,
    logsKey: analytics.logsKey,
    description: `Tessera ${config.envName}: analytics routes to the payment VPC, DNS over the peering, zone association`,
  });
  analyticsPeering.addStackDependency(peering);
  return { analytics, peering, analyticsPeering };
}
