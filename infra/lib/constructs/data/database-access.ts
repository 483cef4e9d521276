import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * Everything a client needs to use the database as the application user, handed over ready-made by the data
 * tier (ADR 0018): the client attaches `securityGroup`, connects to `endpoint` with TLS as the secret's
 * current `username` and an IAM token, and runs its migrations as `ownerRole`.
 */
export interface IDatabaseAccess {
  /** Host name clients connect to: the RDS Proxy endpoint, or the cluster's writer endpoint without a proxy. */
  readonly endpoint: string;
  /**
   * `rds`: the endpoint presents a certificate of the Amazon RDS CAs (the cluster itself), which the system
   * trust store lacks, so clients verify it against the RDS CA bundle. Unset: a certificate that chains to a
   * public root (RDS Proxy's ACM certificate), verified against the system store.
   */
  readonly certificateAuthority?: 'rds';
  readonly port: number;
  readonly databaseName: string;
  /** The alternating users' base role: it owns the schema, so migrations `SET ROLE` to it. */
  readonly ownerRole: string;
  /**
   * The application user's rotating secret. Clients read only its `username` (it alternates between the base
   * role and its clone); the login uses IAM tokens, never the password (ADR 0011).
   */
  readonly secret: secretsmanager.ISecret;
  /** Attach to the client: it may reach the endpoint on `port`, nothing else. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Lets `grantee` connect with IAM authentication as either alternating user. */
  grantConnect(grantee: iam.IGrantable): void;
}
