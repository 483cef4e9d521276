import type { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { IDatabaseAccess } from './database-access.js';
import type { AuroraPostgresCluster } from './aurora-postgres-cluster.js';
import type { PostgresProxy } from './postgres-proxy.js';
import { assertRoleName, cloneOf, POSTGRES_PORT } from './postgres.js';
import type { SecretRotationFunction } from './secret-rotation-function.js';

export interface RotatingDatabaseUserSecretProps {
  /** The cluster the user lives in; the secret is attached to it (host, port, engine). */
  readonly cluster: rds.IDatabaseCluster;
  /** The master user secret the rotation function logs in with to create and alter the alternating users. */
  readonly masterSecret: secretsmanager.ISecret;
  /**
   * Key of the master secret.
   * @default - the same key as this secret (`encryptionKey`)
   */
  readonly masterSecretKey?: kms.IKey;
  /** Login name of the first of the two alternating users (the second is `<username>_clone`). */
  readonly username: string;
  readonly databaseName: string;
  /** Key the secret is encrypted with. */
  readonly encryptionKey: kms.IKey;
  /** Function implementing the rotation steps; it is granted what it needs on both secrets. */
  readonly rotationFunction: SecretRotationFunction;
  /** Time between rotations (Secrets Manager allows 4 hours to 1000 days). */
  readonly rotationInterval: Duration;
  /**
   * Secret description.
   * @default - names the user and database
   */
  readonly description?: string;
}

/** The rotation intervals Secrets Manager accepts: four hours to 1000 days. */
const SECRETS_MANAGER_MIN_ROTATION_HOURS = 4;
const SECRETS_MANAGER_MAX_ROTATION_DAYS = 1000;
/** Characters that need quoting in a libpq connection string or a URL. */
const EXCLUDED_PASSWORD_CHARACTERS = ` %+~\`#$&*()|[]{}:;<>?!'/@"\\=,.^`;

/**
 * The Secrets Manager secret of one application database user, in the JSON shape the multi-user rotation
 * contract expects (`engine`, `host`, `port`, `dbname`, `username`, `password`, `masterarn`, `ssl`), rotated
 * by our own function. Secrets Manager generates the first password at deploy time, so no password is ever
 * part of the template.
 */
export class RotatingDatabaseUserSecret extends Construct {
  /** The secret, attached to the cluster. */
  readonly secret: secretsmanager.ISecret;
  readonly rotationSchedule: secretsmanager.RotationSchedule;
  /** The base role; it owns the schema. */
  readonly username: string;
  /** The two logins the rotation alternates between: the base role and its clone. */
  readonly usernames: readonly [string, string];
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: RotatingDatabaseUserSecretProps) {
    super(scope, id);
    assertRoleName('database user secret: username', props.username);
    const hours = props.rotationInterval.toHours({ integral: false });
    if (hours < SECRETS_MANAGER_MIN_ROTATION_HOURS || hours > SECRETS_MANAGER_MAX_ROTATION_DAYS * 24) {
      throw new Error(
        `database user secret: rotationInterval ${props.rotationInterval.toHumanString()} must be between ${SECRETS_MANAGER_MIN_ROTATION_HOURS} hours and ${SECRETS_MANAGER_MAX_ROTATION_DAYS} days (what Secrets Manager accepts)`,
      );
    }
    this.username = props.username;
    this.usernames = [props.username, cloneOf(props.username)];
    this.databaseName = props.databaseName;

    const secret = new secretsmanager.Secret(this, 'Secret', {
      description: props.description ?? `PostgreSQL user ${props.username} of database ${props.databaseName}`,
      encryptionKey: props.encryptionKey,
      generateSecretString: {
        secretStringTemplate: Stack.of(this).toJsonString({
          engine: 'postgres',
          username: props.username,
          dbname: props.databaseName,
          masterarn: props.masterSecret.secretArn,
          ssl: true,
        }),
        generateStringKey: 'password',
        passwordLength: 32,
        excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
      },
    });
    this.secret = secret.attach(props.cluster);

    // The schedule sees the secret without its key: CDK would otherwise grant the key to the function through
    // the key policy, which cannot reference a role of another stack. The function gets the key below instead.
    const scheduled = secretsmanager.Secret.fromSecretAttributes(this, 'Scheduled', {
      secretCompleteArn: this.secret.secretArn,
    });
    this.rotationSchedule = new secretsmanager.RotationSchedule(this, 'Rotation', {
      secret: scheduled,
      rotationLambda: props.rotationFunction.function,
      automaticallyAfter: props.rotationInterval,
    });
    // The first rotation runs at deployment and logs in to the writer: wait for the instances, not just the cluster.
    this.rotationSchedule.node.addDependency(props.cluster);
    // Not masterSecret.grantRead(): it would grant the master secret's key through the key policy (see above).
    props.rotationFunction.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [props.masterSecret.secretArn],
      }),
    );
    const keyArns = [props.encryptionKey.keyArn, (props.masterSecretKey ?? props.encryptionKey).keyArn];
    props.rotationFunction.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [...new Set(keyArns)],
        conditions: {
          StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
        },
      }),
    );
  }

  /**
   * This user as clients see it through `proxy`: the proxy endpoint, the database, the base role, this secret,
   * and `securityGroup` (which the caller has admitted to the proxy) to attach. `grantConnect` grants both logins.
   */
  accessThrough(proxy: PostgresProxy, securityGroup: ec2.ISecurityGroup): IDatabaseAccess {
    return {
      endpoint: proxy.proxy.endpoint,
      port: POSTGRES_PORT,
      databaseName: this.databaseName,
      ownerRole: this.username,
      secret: this.secret,
      securityGroup,
      grantConnect: (grantee) => proxy.grantConnect(grantee, ...this.usernames),
    };
  }

  /**
   * This user as clients see it without a proxy (ADR 0049): the cluster's writer endpoint, verified against the
   * RDS CA bundle, and `rds-db:connect` on the cluster's resource id for both logins (which hold rds_iam).
   */
  accessDirect(database: AuroraPostgresCluster, securityGroup: ec2.ISecurityGroup): IDatabaseAccess {
    return {
      endpoint: database.cluster.clusterEndpoint.hostname,
      port: POSTGRES_PORT,
      certificateAuthority: 'rds',
      databaseName: this.databaseName,
      ownerRole: this.username,
      secret: this.secret,
      securityGroup,
      grantConnect: (grantee) => {
        for (const user of this.usernames) database.cluster.grantConnect(grantee, user);
      },
    };
  }
}
