import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { type DocumentLifecycle, documentLifecycleRules } from './document-lifecycle.js';

/** A key prefix: path segments of letters, digits, `-`, `_` or `.`, ending in `/` (e.g. `settlements/`). */
const PREFIX_PATTERN = /^([A-Za-z0-9._-]+\/)+$/;

export interface DocumentBucketProps {
  /** Physical bucket name; fixed, so the other region can name the bucket without a reference. */
  readonly bucketName: string;
  /** Alias of the bucket's own key (`alias/...`); fixed, so the other region can name the key without a reference. */
  readonly keyAlias: string;
  /** What the key protects, for its description. */
  readonly description: string;
  readonly lifecycle: DocumentLifecycle;
  /**
   * Object Lock in governance mode with this default retention for every new version.
   * @default - no Object Lock
   */
  readonly objectLockRetention?: Duration;
  /** Target of the bucket's server access logs (prefix: the bucket name). */
  readonly accessLogBucket: s3.IBucket;
  /**
   * RETAIN also denies `s3:DeleteBucket` to every principal in the bucket policy; DESTROY empties the bucket on
   * deletion (not possible with Object Lock).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Write access to one prefix of a documents bucket, handed to a consumer ready-made (ADR 0018). */
export interface IDocumentPrefix {
  readonly bucketName: string;
  /** The key prefix the grant covers, ending in `/`. */
  readonly prefix: string;
  /** Lets `grantee` put (and abort multipart uploads of) objects under the prefix, nothing else. */
  grantWrite(grantee: iam.IGrantable): iam.Grant;
}

/**
 * A bucket for records the platform must keep: SSE-KMS with its own rotating key and S3 Bucket Keys, versioned,
 * TLS 1.2+ only, no public access, ACLs disabled, server access logs, EventBridge notifications, the documents
 * lifecycle, and optionally Object Lock (governance mode). Consumers are granted one prefix each through their
 * own IAM policies ({@link grantWritePrefix}, {@link grantReadPrefix}).
 */
export class DocumentBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  readonly objectLockEnabled: boolean;
  /**
   * Name and ARN as literals (the bucket has a fixed name): a consumer in another stack is granted without an
   * export of them, and a policy of this stack can name the bucket without depending on it.
   */
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: DocumentBucketProps) {
    super(scope, id);
    if (!props.keyAlias.startsWith('alias/') || props.keyAlias.startsWith('alias/aws/')) {
      throw new Error(
        `document bucket: keyAlias '${props.keyAlias}' must start with 'alias/' and not 'alias/aws/'`,
      );
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.bucketName = props.bucketName;
    this.bucketArn = bucketArnOf(this, props.bucketName);
    this.objectLockEnabled = props.objectLockRetention !== undefined;
    if (this.objectLockEnabled && removalPolicy === RemovalPolicy.DESTROY) {
      throw new Error(
        'document bucket: Object Lock with RemovalPolicy.DESTROY cannot be torn down (locked versions cannot be deleted)',
      );
    }

    this.key = new kms.Key(this, 'Key', {
      description: `Tessera documents key: ${props.description}`,
      alias: props.keyAlias,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: `${props.bucketName}/`,
      lifecycleRules: documentLifecycleRules(props.lifecycle),
      objectLockEnabled: this.objectLockEnabled || undefined,
      objectLockDefaultRetention: props.objectLockRetention
        ? s3.ObjectLockRetention.governance(props.objectLockRetention)
        : undefined,
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    if (removalPolicy === RemovalPolicy.RETAIN) {
      // Deletion protection: removing the bucket takes a visible, audited bucket-policy change first.
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DenyBucketDeletion',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:DeleteBucket'],
          resources: [this.bucket.bucketArn],
        }),
      );
    }
    // Native EventBridge delivery: `eventBridgeEnabled` would add CDK's notifications custom resource (a Lambda
    // function) for what CloudFormation sets directly.
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
  }

  /**
   * Lets `grantee` put objects under `prefix` (and abort its multipart uploads), with the key only as S3 uses it
   * for this bucket. No read, list, delete, retention or legal-hold permission.
   */
  grantWritePrefix(grantee: iam.IGrantable, prefix: string): iam.Grant {
    return this.grantPrefix(grantee, prefix, {
      objectActions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      // GenerateDataKey encrypts a new object; Decrypt is what S3 asks for to complete a multipart upload.
      keyActions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      purpose: 'write',
    });
  }

  /** Lets `grantee` read and list objects (any version) under `prefix`. */
  grantReadPrefix(grantee: iam.IGrantable, prefix: string): iam.Grant {
    const grant = this.grantPrefix(grantee, prefix, {
      objectActions: ['s3:GetObject', 's3:GetObjectVersion'],
      keyActions: ['kms:Decrypt'],
      purpose: 'read',
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
    );
    return grant;
  }

  /** One prefix of this bucket, as a consumer in another stack takes it. */
  prefix(prefix: string): IDocumentPrefix {
    assertPrefix(prefix);
    return {
      bucketName: this.bucketName,
      prefix,
      grantWrite: (grantee) => this.grantWritePrefix(grantee, prefix),
    };
  }

  private grantPrefix(
    grantee: iam.IGrantable,
    prefix: string,
    access: { objectActions: string[]; keyActions: string[]; purpose: string },
  ): iam.Grant {
    assertPrefix(prefix);
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: access.objectActions,
      resourceArns: [`${this.bucketArn}/${prefix}*`],
    });
    // Through the grantee's own policy (ADR 0018), and only when S3 calls KMS for this bucket (S3 Bucket Keys
    // make the bucket ARN the encryption context).
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: access.keyActions,
        resources: [this.key.keyArn],
        conditions: {
          StringEquals: {
            'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com`,
            'kms:EncryptionContext:aws:s3:arn': this.bucketArn,
          },
        },
      }),
    );
    const principal: unknown = grantee.grantPrincipal;
    if (Construct.isConstruct(principal)) {
      acknowledge(
        principal,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${this.bucketName}/${prefix}*]`,
        `The ${access.purpose} grant covers the objects under one prefix of the documents bucket (${prefix}); ` +
          'object keys below it are chosen at run time, so the prefix is the narrowest resource.',
      );
    }
    return grant;
  }
}

/** ARN of an S3 bucket from its name (bucket ARNs carry neither region nor account). */
export function bucketArnOf(scope: Construct, bucketName: string): string {
  return Stack.of(scope).formatArn({ service: 's3', region: '', account: '', resource: bucketName });
}

function assertPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `document prefix '${prefix}' must be path segments of letters, digits, '.', '_' or '-', ending in '/' (e.g. 'settlements/')`,
    );
  }
}
