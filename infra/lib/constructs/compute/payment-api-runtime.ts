import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { IDatabaseAccess } from '../data/database-access.js';
import type { IDocumentPrefix } from '../documents/document-bucket.js';
import type { IEventQueue } from '../processing/event-queue.js';

/** The port the payment API container listens on (container contract). */
export const PAYMENT_API_PORT = 8080;

/**
 * The non-root user the payment API container runs as in both compute modes (container contract): uid:gid of
 * `node` in the official Node.js image, the Dockerfile's `USER node`. Stated in the task definition and on the
 * `docker run` line too, so the platform enforces it whatever the image says (PCI DSS 2.2.6, 7.2.5).
 */
export const PAYMENT_API_USER = '1000:1000';

/** Everything the payment API container needs at runtime, shared by the Fargate and EC2 modes. */
export interface PaymentApiRuntimeProps {
  /** The data tier's ready-made access: endpoint, database, owner role, user secret, client group, grant. */
  readonly database: IDatabaseAccess;
  /** The documents bucket prefix the API may write (`DOCUMENTS_BUCKET`, `DOCUMENTS_PREFIX`), write-only. */
  readonly documents: IDocumentPrefix;
  /** Key encryption key of the card vault (`VAULT_KEK=kms`). */
  readonly vaultKey: kms.IKey;
  /** Secret whose value is the base64 fingerprint key (`VAULT_FINGERPRINT_KEY`). */
  readonly vaultFingerprintKey: secretsmanager.ISecret;
  /** Secret whose value is the base64 service HMAC key (`SERVICE_HMAC_KEY`). */
  readonly serviceHmacKey: secretsmanager.ISecret;
  /** Key that encrypts the two secrets above and the database user's secret. */
  readonly secretsKey: kms.IKey;
  /**
   * CIDR of the load balancer in front of the service (its VPC). The service trusts the `X-Forwarded-For` of
   * these addresses for the client IP it audits and throttles failed authentications by (`TRUST_PROXY`);
   * without it every client would look like the load balancer, and one client's failures would lock out all.
   */
  readonly trustedProxyCidr: string;
  /**
   * @default 'info'
   */
  readonly logLevel?: string;
  /** The `Environment` dimension of the API's Embedded Metric Format business metrics (`METRICS_ENVIRONMENT`). */
  readonly metricsEnvironment: string;
  /** The event path the API's relay and in-service workers run (ADR 0031, ADR 0048). */
  readonly processing: PaymentApiProcessing;
}

/** What the relay, the webhook worker and the settlement worker of the payment API need. */
export interface PaymentApiProcessing {
  /** The FIFO events queue: the relay publishes to it, the workers consume it (`EVENTS_QUEUE_URL`). */
  readonly events: IEventQueue;
  /** Seconds between webhook delivery attempts (`WEBHOOK_RETRY_SCHEDULE`). */
  readonly webhookRetryScheduleSeconds: readonly number[];
  /** Days from capture until funds are available (`SETTLEMENT_DELAY_DAYS`). */
  readonly settlementDelayDays: number;
  /** UTC hour of the daily settlement run (`SETTLEMENT_HOUR_UTC`). */
  readonly settlementHourUtc: number;
  /** The documents prefix the settlement reports go to (`settlements/`), write-only, in `DOCUMENTS_BUCKET`. */
  readonly settlementReports: IDocumentPrefix;
}

/** One secret environment variable: a whole secret or one JSON field of it. */
export interface SecretBinding {
  readonly secret: secretsmanager.ISecret;
  /** JSON field of the secret; the whole secret string when absent. */
  readonly field?: string;
}

/** Where the payment API image keeps the Amazon RDS CA bundle (services/payment-api/Dockerfile). */
export const RDS_CA_BUNDLE_IN_IMAGE = '/etc/ssl/rds/global-bundle.pem';

/**
 * Plain (non-secret) environment variables of the container. The database login uses IAM tokens for the
 * user named in the secret (`DATABASE_AUTH=iam`), so no database user or password is injected.
 */
export function paymentApiEnvironment(
  scope: Construct,
  runtime: PaymentApiRuntimeProps,
): Record<string, string> {
  const { database } = runtime;
  return {
    PORT: String(PAYMENT_API_PORT),
    NODE_ENV: 'production',
    LOG_LEVEL: runtime.logLevel ?? 'info',
    AWS_REGION: Stack.of(scope).region,
    PGHOST: database.endpoint,
    PGPORT: String(database.port),
    PGDATABASE: database.databaseName,
    DATABASE_SSL: 'verify-full',
    ...(database.certificateAuthority === 'rds' ? { DATABASE_SSL_CA: RDS_CA_BUNDLE_IN_IMAGE } : {}),
    DATABASE_AUTH: 'iam',
    DATABASE_SECRET_ARN: database.secret.secretArn,
    DATABASE_OWNER_ROLE: database.ownerRole,
    VAULT_KEK: 'kms',
    VAULT_KMS_KEY_ID: runtime.vaultKey.keyArn,
    TRUST_PROXY: runtime.trustedProxyCidr,
    DOCUMENTS_BUCKET: runtime.documents.bucketName,
    DOCUMENTS_PREFIX: runtime.documents.prefix,
    METRICS_ENVIRONMENT: runtime.metricsEnvironment,
    ...processingEnvironment(runtime),
  };
}

function processingEnvironment({ processing, documents }: PaymentApiRuntimeProps): Record<string, string> {
  // The service writes every document to DOCUMENTS_BUCKET: the reports' prefix must be a prefix of that bucket.
  if (processing.settlementReports.bucketName !== documents.bucketName) {
    throw new Error(
      `settlementReports bucket '${processing.settlementReports.bucketName}' must be the documents bucket '${documents.bucketName}' (DOCUMENTS_BUCKET)`,
    );
  }
  if (processing.webhookRetryScheduleSeconds.length === 0) {
    throw new Error('webhookRetryScheduleSeconds must list at least one retry, got none');
  }
  return {
    EVENTS_QUEUE_URL: processing.events.queueUrl,
    WEBHOOK_RETRY_SCHEDULE: processing.webhookRetryScheduleSeconds.join(','),
    SETTLEMENT_DELAY_DAYS: String(processing.settlementDelayDays),
    SETTLEMENT_HOUR_UTC: String(processing.settlementHourUtc),
  };
}

/**
 * Secret environment variables of the container, resolved from Secrets Manager at start.
 *
 * The secrets are re-imported by ARN, without their key: granting a secret that knows its key would let CDK
 * grant the key through the key policy, which cannot name a role of a later stack (a dependency cycle).
 * The key is granted through the reader's own policy instead ({@link grantPaymentApiSecretsKey}).
 */
export function paymentApiSecrets(
  scope: Construct,
  runtime: PaymentApiRuntimeProps,
): Record<string, SecretBinding> {
  const imported = (id: string, secret: secretsmanager.ISecret) => importWithoutKey(scope, id, secret);
  return {
    VAULT_FINGERPRINT_KEY: { secret: imported('VaultFingerprintKey', runtime.vaultFingerprintKey) },
    SERVICE_HMAC_KEY: { secret: imported('ServiceHmacKey', runtime.serviceHmacKey) },
  };
}

/** The secret re-imported by ARN without its key, once per scope (see {@link paymentApiSecrets}). */
function importWithoutKey(
  scope: Construct,
  id: string,
  secret: secretsmanager.ISecret,
): secretsmanager.ISecret {
  return (
    (scope.node.tryFindChild(id) as secretsmanager.ISecret | undefined) ??
    secretsmanager.Secret.fromSecretCompleteArn(scope, id, secret.secretArn)
  );
}

/**
 * Grants the identity the application code runs as what the API itself calls: the vault key (encrypt,
 * decrypt, generate data keys), reading the database user's secret (for its current `username`; its key through
 * the grantee's policy, as for the injected secrets), connecting to the database as either alternating user,
 * writing under its documents prefix and the settlement reports' prefix, and publishing to and consuming the
 * events queue.
 */
export function grantPaymentApiRuntime(
  scope: Construct,
  grantee: iam.IGrantable,
  runtime: PaymentApiRuntimeProps,
): void {
  // Exactly what the vault calls: GenerateDataKey wraps new card data keys, Decrypt unwraps them.
  runtime.vaultKey.grant(grantee, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey');
  importWithoutKey(scope, 'DatabaseUserSecret', runtime.database.secret).grantRead(grantee);
  grantPaymentApiSecretsKey(scope, grantee, runtime);
  runtime.database.grantConnect(grantee);
  runtime.documents.grantWrite(grantee);
  // The relay publishes the outbox; the webhook and settlement workers consume it; settlement writes its reports.
  runtime.processing.events.grantPublish(grantee);
  runtime.processing.events.grantConsume(grantee);
  runtime.processing.settlementReports.grantWrite(grantee);
}

/** Lets `grantee` decrypt the secrets' key, only when Secrets Manager asks on its behalf. */
export function grantPaymentApiSecretsKey(
  scope: Construct,
  grantee: iam.IGrantable,
  runtime: PaymentApiRuntimeProps,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [runtime.secretsKey.keyArn],
      conditions: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(scope).region}.amazonaws.com` },
      },
    }),
  );
}

/** Grants reading every secret the container is started with (for hosts that fetch them themselves). */
export function grantPaymentApiSecretsRead(
  scope: Construct,
  grantee: iam.IGrantable,
  runtime: PaymentApiRuntimeProps,
): void {
  const secrets = new Set(Object.values(paymentApiSecrets(scope, runtime)).map((binding) => binding.secret));
  for (const secret of secrets) secret.grantRead(grantee);
  grantPaymentApiSecretsKey(scope, grantee, runtime);
}
