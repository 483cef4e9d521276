import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as cr from 'aws-cdk-lib/custom-resources';
import { parseRevocationList } from '@tessera/pki';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { pemCertificates, pemOtherContent } from '../../../config/primitives.js';
import { acknowledge } from '../../compliance/acknowledge.js';
import { AccessLogBucket } from '../access-log-bucket.js';
import {
  acknowledgeBucketDeploymentProvider,
  acknowledgeDeployTimeFunction,
} from '../lambda-acknowledgements.js';

/** Where the authorizer reads the revocation list (`REVOCATION_LIST_KEY`); `aws s3 cp` replaces it in place. */
export const REVOCATION_LIST_KEY = 'revocations/revocations.json';

export interface PartnerPkiBucketProps {
  /** The truststore `npm run pki -- bundle` wrote: the PEM CA certificates client certificates must chain to. */
  readonly truststorePem: string;
  /** The CA folder's `revocations.json` (format tessera-revocation-list), published as the initial list. */
  readonly revocationListJson: string;
  /** Key of the bucket's default encryption (SSE-KMS). */
  readonly encryptionKey: kms.IKey;
  /** Globally unique names of the bucket and of its server-access-log bucket. */
  readonly bucketName: string;
  readonly accessLogBucketName: string;
  /** Key and retention of the log group of the deployment-time function that reads the truststore version. */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /**
   * With DESTROY both buckets are emptied and deleted with the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** An S3 object pinned to one version. */
export interface PinnedObject {
  readonly bucket: s3.IBucket;
  readonly key: string;
  readonly version: string;
}

/**
 * The partner PKI's public half in S3: a versioned, SSE-KMS, TLS-only bucket with server access logs, holding
 * the mutual-TLS truststore and the revocation list the authorizer enforces.
 *
 * The truststore is stored under a key derived from its content and pinned to the object version S3 assigned
 * to it at upload, so a changed truststore is a new URI and version in the template: CloudFormation updates
 * the custom domain in place, and API Gateway re-reads the truststore (it does not notice a re-upload alone).
 * Published objects are never pruned, so a rolled-back domain still finds the version it pinned.
 */
export class PartnerPkiBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly truststore: PinnedObject;
  readonly revocationListKey = REVOCATION_LIST_KEY;
  private readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: PartnerPkiBucketProps) {
    super(scope, id);
    const certificates = validateTruststore(props.truststorePem);
    validateRevocationList(props.revocationListJson);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = props.encryptionKey;

    const accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      bucketName: props.accessLogBucketName,
      removalPolicy,
    }).bucket;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'pki/',
    });

    const digest = createHash('sha256').update(certificates.join('\n')).digest('hex').slice(0, 16);
    const truststoreKey = `truststore/truststore-${digest}.pem`;
    const truststoreUpload = this.publish('Truststore', truststoreKey, props.truststorePem);
    const revocationListUpload = this.publish(
      'RevocationList',
      REVOCATION_LIST_KEY,
      props.revocationListJson,
    );
    const version = this.readVersion(truststoreKey, props);
    version.node.addDependency(truststoreUpload);
    this.truststore = {
      bucket: this.bucket,
      key: truststoreKey,
      version: version.getResponseField('VersionId'),
    };
    this.acknowledgeBucketFindings();
    // Both uploads run on CDK's one bucket-deployment provider of the stack.
    this.acknowledgeDeploymentProvider(revocationListUpload);
  }

  /** Lets `grantee` read the revocation list object (and decrypt it through S3), nothing else in the bucket. */
  grantReadRevocationList(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(REVOCATION_LIST_KEY)],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(this.decryptThroughS3());
  }

  /** `s3://bucket/key` of the revocation list, where `aws s3 cp` publishes a new one. */
  get revocationListUri(): string {
    return this.bucket.s3UrlForObject(REVOCATION_LIST_KEY);
  }

  private decryptThroughS3(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
    });
  }

  /** Copies one object into the bucket on deploy; earlier objects and versions stay (no pruning). */
  private publish(id: string, key: string, content: string): s3deploy.BucketDeployment {
    return new s3deploy.BucketDeployment(this, id, {
      sources: [s3deploy.Source.data(key, content)],
      destinationBucket: this.bucket,
      prune: false,
      retainOnDelete: true,
      memoryLimit: 256,
      contentType: key.endsWith('.json') ? 'application/json' : 'application/x-pem-file',
    });
  }

  /** Reads the version id S3 gave the uploaded truststore (re-read whenever its key, i.e. its content, changes). */
  private readVersion(key: string, props: PartnerPkiBucketProps): cr.AwsCustomResource {
    const call: cr.AwsSdkCall = {
      service: 'S3',
      action: 'headObject',
      parameters: { Bucket: this.bucket.bucketName, Key: key },
      physicalResourceId: cr.PhysicalResourceId.fromResponse('VersionId'),
      outputPaths: ['VersionId'],
    };
    const reader = new cr.AwsCustomResource(this, 'TruststoreVersion', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(key)] }),
        this.decryptThroughS3(),
      ]),
      installLatestAwsSdk: false,
      timeout: Duration.minutes(1),
      logGroup: new logs.LogGroup(this, 'TruststoreVersionLog', {
        encryptionKey: props.logsKey,
        retention: props.logRetention,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      }),
    });
    this.acknowledgeVersionReader(reader);
    return reader;
  }

  private acknowledgeBucketFindings(): void {
    acknowledge(
      this.bucket,
      ['PCI.DSS.321-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled'],
      'The bucket holds the public CA certificates and the revocation list of the partner PKI, both written ' +
        'from the CA folder the operator keeps (npm run pki) and re-published by every deploy; versioning keeps ' +
        'every earlier object, and a region outage takes the API it serves down with it.',
    );
  }

  private acknowledgeVersionReader(reader: cr.AwsCustomResource): void {
    const providerId = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
    const provider = Stack.of(this).node.findChild(providerId);
    const why =
      'Deployment-time provider of the truststore version lookup: CloudFormation invokes it on create and on a ' +
      'truststore change only, and it calls S3 HeadObject on one public CA file';
    acknowledgeDeployTimeFunction(provider, why, 'S3 and the CloudFormation response URL');
    acknowledge(
      provider.node.findChild('ServiceRole'),
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      `${why}; the AWS-maintained basic execution policy only lets it write its own KMS-encrypted log group.`,
    );
    const policy = reader.node.findChild('CustomResourcePolicy');
    acknowledge(
      policy,
      ['PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy'],
      `${why}; the policy names that one object and decryption through S3, and is deleted with the resource.`,
    );
  }

  private acknowledgeDeploymentProvider(deployment: s3deploy.BucketDeployment): void {
    const why =
      'The CDK bucket-deployment provider runs only during deployments and copies the truststore and the ' +
      'revocation list, public CA material, from the CDK asset bucket into the PKI bucket';
    const role = acknowledgeBucketDeploymentProvider(deployment, this.bucket, why, 'the S3 API');
    const kmsWildcards = `${why}; CDK grants it data-key actions on the PKI bucket's key only, to write SSE-KMS objects.`;
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      acknowledge(role, `AwsSolutions-IAM5[Action::${action}]`, kmsWildcards);
    }
  }
}

/** At least one PEM certificate and nothing else (a private key must never reach the bucket); returns them. */
export function validateTruststore(pem: string): string[] {
  if (/PRIVATE KEY-----/.test(pem)) {
    throw new Error(
      'the truststore contains a private key; bundle only CA certificates (npm run pki -- bundle)',
    );
  }
  const certificates = pemCertificates(pem);
  const rest = pemOtherContent(pem);
  if (certificates.length === 0 || rest !== '') {
    throw new Error(
      `the truststore must be PEM CA certificates only (npm run pki -- bundle); found ${certificates.length} certificate(s)` +
        (rest ? ` and other content starting '${rest.slice(0, 30)}'` : ''),
    );
  }
  return certificates;
}

/** The revocation list must be one the authorizer accepts, or every partner request would fail closed. */
export function validateRevocationList(json: string): void {
  try {
    parseRevocationList(json);
  } catch (e) {
    throw new Error(`the revocation list is not one the authorizer accepts: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
