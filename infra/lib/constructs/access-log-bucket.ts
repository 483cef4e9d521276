import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createLogBucket } from './log-bucket.js';

export interface AccessLogBucketProps {
  /** Physical bucket name; must be globally unique. */
  readonly bucketName: string;
  /**
   * Days after which access-log objects expire.
   * @default 400
   */
  readonly expirationDays?: number;
  /**
   * With DESTROY the bucket is also emptied on deletion, so a dev stack can be torn down.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Target bucket for S3 server access logs: versioned, TLS-only, no public access, SSE-S3 (the only default
 * encryption S3 server access logging delivers to). cdk-nag counts a bucket that another bucket of its stack
 * logs into as logged, so it needs no acknowledgement for its own access logging.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = createLogBucket(this, 'Bucket', {
      contents: 'S3 server access logs',
      bucketName: props.bucketName,
      retention: {
        ruleId: 'expire-access-logs',
        expiration: Duration.days(props.expirationDays ?? 400),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
      removalPolicy: props.removalPolicy,
    });
  }
}
