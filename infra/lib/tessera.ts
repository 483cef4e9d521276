import { Tags, type App } from 'aws-cdk-lib';
import type { EnvironmentConfig } from '../config/index.js';
import { applyFeatureFlags } from './feature-flags.js';
import { registerEnvironmentName } from './naming.js';
import { DataDrStack } from './stacks/data-dr-stack.js';
import { DataStack } from './stacks/data-stack.js';
import { DocumentsDrStack } from './stacks/documents-dr-stack.js';
import { DocumentsStack } from './stacks/documents-stack.js';
import { NetworkStack } from './stacks/network-stack.js';
import { SecurityStack } from './stacks/security-stack.js';
import { ApiStack } from './stacks/api-stack.js';
import { AppStack } from './stacks/app-stack.js';
import { EdgeStack } from './stacks/edge-stack.js';
import { EdgeWafStack } from './stacks/edge-waf-stack.js';
import { MonitoringStack } from './stacks/monitoring-stack.js';

/** The stacks of one Tessera environment, in deployment order. */
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
  /** Payment API compute (Fargate or EC2), HTTPS load balancer and its WAF. */
  readonly app: AppStack;
  /** Static content behind CloudFront. */
  readonly edge: EdgeStack;
  /** The CLOUDFRONT web ACL in us-east-1, when the primary region is another one. */
  readonly edgeWaf?: EdgeWafStack;
  /** The partner API with mutual TLS, when `api.enabled`. */
  readonly api?: ApiStack;
  /** Alarms, security metric filters, the dashboard and the budget; reads every other stack's `monitoring`. */
  readonly monitoring: MonitoringStack;
}

/** Builds every stack of one environment into `app`. Stack ids: `Tessera-<env>-<Name>`. */
export function buildTessera(app: App, config: EnvironmentConfig): TesseraStacks {
  applyFeatureFlags(app);
  registerEnvironmentName(app, config.envName);
  for (const [key, value] of Object.entries(config.tags)) Tags.of(app).add(key, value);

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

  const appStack = new AppStack(app, `${prefix}-App`, {
    env,
    config,
    vpc: network.vpc,
    keys: security.keys,
    database: data.databaseAccess,
    documents: documents.paymentApiDocuments,
    operationsTopic: security.topics.operations,
    description: `Tessera ${config.envName}: payment API on ${config.compute === 'fargate' ? 'ECS Fargate' : 'EC2 Auto Scaling'} behind an HTTPS load balancer with WAF`,
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

  // Last: it reads what the stacks above hand over (ADR 0039). A new stack adds its `monitoring` here.
  const monitoring = new MonitoringStack(app, `${prefix}-Monitoring`, {
    env,
    config,
    topics: security.topics,
    alertsKey: security.alertsKey,
    auditLogGroup: security.auditLogGroup,
    sources: [data.monitoring, appStack.monitoring, ...(api ? [api.monitoring] : [])],
    description: `Tessera ${config.envName}: alarms, security metric filters, dashboard and monthly budget`,
  });

  return {
    security,
    network,
    data,
    dataDr,
    documents,
    documentsDr,
    app: appStack,
    edge,
    edgeWaf,
    api,
    monitoring,
  };
}
