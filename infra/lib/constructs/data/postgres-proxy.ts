import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import type { AuroraPostgresCluster } from './aurora-postgres-cluster.js';
import { POSTGRES_PORT } from './postgres.js';

export interface PostgresProxyProps {
  readonly vpc: ec2.IVpc;
  /** Subnets of the database tier. */
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly database: AuroraPostgresCluster;
  /** Secrets of the database users clients may connect as. */
  readonly secrets: secretsmanager.ISecret[];
  /** Key the secrets are encrypted with; the proxy may decrypt through Secrets Manager only. */
  readonly secretsKey: kms.IKey;
  /**
   * Proxy name, unique in the account and region.
   * @default - generated
   */
  readonly proxyName?: string;
}

/**
 * RDS Proxy in front of the cluster: clients must use TLS and IAM authentication; the proxy logs in to the
 * database with the users' Secrets Manager secrets. Its security group has no ingress until a client is
 * allowed in with `connections.allowDefaultPortFrom(...)` and no egress except PostgreSQL to the cluster.
 */
export class PostgresProxy extends Construct implements ec2.IConnectable {
  readonly proxy: rds.DatabaseProxy;
  readonly securityGroup: ec2.SecurityGroup;
  readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: PostgresProxyProps) {
    super(scope, id);
    if (props.secrets.length === 0) {
      throw new Error('postgres proxy: secrets must list at least one database user secret, got none');
    }
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'RDS Proxy: 5432 from the service, 5432 to the database',
      allowAllOutbound: false,
    });
    // The target is the cluster seen through its literal port: the proxy then admits itself on 5432 rather than
    // on the cluster's port attribute, which compliance rules cannot evaluate.
    const target = rds.DatabaseCluster.fromDatabaseClusterAttributes(this, 'Target', {
      clusterIdentifier: props.database.cluster.clusterIdentifier,
      engine: props.database.engine,
      port: POSTGRES_PORT,
      securityGroups: [props.database.securityGroup],
    });
    // The proxy's role reads the secrets and decrypts them through Secrets Manager. The secrets are handed over
    // without their key: CDK would grant the key through the key policy, which cannot name a role of this stack
    // when the key lives in another one.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('rds.amazonaws.com'),
      description: 'RDS Proxy: read the database user secrets',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [props.secretsKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
        },
      }),
    );
    const secrets = props.secrets.map((secret, index) =>
      secretsmanager.Secret.fromSecretAttributes(this, `Secret${index + 1}`, {
        secretCompleteArn: secret.secretArn,
      }),
    );
    this.proxy = new rds.DatabaseProxy(this, 'Proxy', {
      proxyTarget: rds.ProxyTarget.fromCluster(target),
      dbProxyName: props.proxyName,
      secrets,
      role,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      requireTLS: true,
      iamAuth: true,
      // Debug logging writes SQL text, which may carry payment data, to CloudWatch Logs.
      debugLogging: false,
      idleClientTimeout: Duration.minutes(30),
      borrowTimeout: Duration.seconds(30),
      maxConnectionsPercent: 90,
    });
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(POSTGRES_PORT),
    });
    // The imported target hides the instances from the proxy's target group: register only once they exist.
    this.proxy.node.findChild('ProxyTargetGroup').node.addDependency(props.database.cluster);
    const inline =
      'Policy of the proxy role: read of the listed user secrets and decrypt of their key through Secrets Manager only; inline keeps it bound one-to-one to this role and deleted with it';
    acknowledge(role, ['PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy'], inline);
  }

  /** Lets `grantee` open IAM-authenticated connections through the proxy as any of `dbUsers`. */
  grantConnect(grantee: iam.IGrantable, ...dbUsers: string[]): void {
    for (const user of dbUsers) this.proxy.grantConnect(grantee, user);
  }
}
