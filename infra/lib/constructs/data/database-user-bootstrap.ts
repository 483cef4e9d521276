import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { assertRoleName, cloneOf } from './postgres.js';

export interface DatabaseUserBootstrapProps {
  /** The cluster, with the RDS Data API enabled. */
  readonly cluster: rds.IDatabaseCluster;
  /** The master user secret the statement runs as. */
  readonly masterSecret: secretsmanager.ISecret;
  /** Key of the master secret. */
  readonly secretsKey: kms.IKey;
  readonly databaseName: string;
  /** The base role of the application user (the rotation function alternates it with `<username>_clone`). */
  readonly username: string;
  /** Network of the function that calls the Data API (needs a route to the RDS Data API, e.g. the app tier). */
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Keep the provider's log group when the stack goes away. */
  readonly retainLogs: boolean;
  /**
   * The statement to run instead of {@link bootstrapSql} (for example the analytics read role's,
   * analytics-read-access.ts); it must be idempotent and carry no secret.
   * @default bootstrapSql(username)
   */
  readonly statement?: string;
}

/** How the application's users log in: through RDS Proxy with their passwords, or directly with IAM tokens. */
export type UserLogin = 'password' | 'iam';

/**
 * The one statement that has to exist before the first rotation: the application's base role (NOLOGIN, no
 * password: the rotation function gives logins and passwords to it and to its clone), its database privileges,
 * and the pgaudit extension. With `iam` logins (no RDS Proxy, ADR 0049) the base role and its clone hold
 * `rds_iam`, which makes RDS accept IAM tokens (and only tokens) for them; with `password` logins the
 * statement takes `rds_iam` back, so switching back to the proxy works. Idempotent, and it carries no secret.
 */
export function bootstrapSql(username: string, login: UserLogin = 'password'): string {
  // The name is written into SQL: only plain lowercase identifiers pass.
  assertRoleName('database user bootstrap: username', username);
  const clone = cloneOf(username);
  const holdsRdsIam = (role: string) =>
    'EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid ' +
    `JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = 'rds_iam' AND u.rolname = '${role}')`;
  const roleExists = (role: string) => `EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '${role}')`;
  const iamGrants =
    login === 'iam'
      ? [
          // rds_iam exists on every RDS and Aurora PostgreSQL; the guard lets the statement run elsewhere too.
          `IF ${roleExists('rds_iam')} THEN`,
          `GRANT rds_iam TO ${username};`,
          `IF ${roleExists(clone)} THEN GRANT rds_iam TO ${clone}; END IF;`,
          'END IF;',
        ]
      : [
          `IF ${holdsRdsIam(username)} THEN REVOKE rds_iam FROM ${username}; END IF;`,
          `IF ${holdsRdsIam(clone)} THEN REVOKE rds_iam FROM ${clone}; END IF;`,
        ];
  return [
    'DO $bootstrap$ BEGIN',
    `IF NOT ${roleExists(username)} THEN`,
    `CREATE ROLE ${username} NOLOGIN;`,
    'END IF;',
    `EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO ${username}', current_database());`,
    // PostgreSQL 15+ no longer lets every role create in the public schema; the migrations create their tables there.
    `GRANT USAGE, CREATE ON SCHEMA public TO ${username};`,
    ...iamGrants,
    // Always available on Aurora PostgreSQL; the guard lets the same statement run on a plain PostgreSQL.
    "IF EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'pgaudit') THEN",
    'CREATE EXTENSION IF NOT EXISTS pgaudit;',
    'END IF;',
    'END $bootstrap$',
  ].join(' ');
}

/**
 * Runs {@link bootstrapSql} as the master user through the RDS Data API once the writer exists, so a fresh
 * environment can rotate (and therefore use) its application secret without a manual database step.
 * See docs/adr for why this is not left to the rotation function or to the application's migrations.
 */
export class DatabaseUserBootstrap extends Construct {
  readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: DatabaseUserBootstrapProps) {
    super(scope, id);
    const call: cr.AwsSdkCall = {
      service: 'RDSData',
      action: 'executeStatement',
      parameters: {
        resourceArn: props.cluster.clusterArn,
        secretArn: props.masterSecret.secretArn,
        database: props.databaseName,
        sql: props.statement ?? bootstrapSql(props.username),
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${props.username}-role-bootstrap`),
      // The result set is empty; keep the response (and the provider log) free of anything else.
      outputPaths: ['numberOfRecordsUpdated'],
      logging: cr.Logging.withDataHidden(),
    };
    const logGroup = new logs.LogGroup(this, 'ProviderLog', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.resource = new cr.AwsCustomResource(this, 'Resource', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['rds-data:ExecuteStatement'],
          resources: [props.cluster.clusterArn],
        }),
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [props.masterSecret.secretArn],
        }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.secretsKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
          },
        }),
      ]),
      installLatestAwsSdk: false,
      timeout: Duration.minutes(2),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      logGroup,
    });
    // The Data API needs a running writer, not just the cluster resource.
    this.resource.node.addDependency(props.cluster);
    this.acknowledgeProviderFindings();
  }

  private acknowledgeProviderFindings(): void {
    // The provider is CDK's singleton function for AwsCustomResource, created at stack level.
    const providerId = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
    const provider = Stack.of(this).node.findChild(providerId);
    acknowledge(
      provider,
      'NIST.800.53.R5-LambdaConcurrency',
      'Deployment-time provider invoked only by CloudFormation, once per create/update of the bootstrap resource; it has no other trigger, so its concurrency is bounded by deployments',
    );
    acknowledge(
      provider,
      'NIST.800.53.R5-LambdaDLQ',
      'CloudFormation invokes the provider and waits for its response; a failure fails the deployment (and is visible in the stack events), so there is no asynchronous event to dead-letter',
    );
    // The provider only calls HTTPS endpoints (the Data API and the CloudFormation response URL): narrow the
    // egress of the security group CDK creates for it, which otherwise allows everything.
    const providerGroup = provider.node.findChild('SecurityGroup').node.defaultChild as ec2.CfnSecurityGroup;
    providerGroup.addPropertyOverride('SecurityGroupEgress', [
      {
        CidrIp: '0.0.0.0/0',
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        Description: 'HTTPS to the RDS Data API and the CloudFormation response URL',
      },
    ]);
    const role = provider.node.findChild('ServiceRole');
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole is the AWS-maintained policy for writing the provider log (CreateLogStream/PutLogEvents) to its KMS-encrypted log group',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'AWSLambdaVPCAccessExecutionRole is the AWS-maintained policy Lambda needs to attach the provider to the VPC (network interface create/describe/delete), actions without resource-level permissions',
    );
    const policy = this.resource.node.findChild('CustomResourcePolicy');
    const inline =
      'Policy bound one-to-one to the bootstrap call: Data API ExecuteStatement on this cluster, read of its master secret, decrypt through Secrets Manager only; inline so it is deleted with the resource';
    acknowledge(policy, ['PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy'], inline);
  }
}
