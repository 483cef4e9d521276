import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import {
  createLogBucket,
  instantRetrievalTransitionFor,
  type LogBucketProps,
  noncurrentLogVersionRetention,
} from '../../lib/constructs/log-bucket.js';
import { listAcknowledgements } from '../support/synth.js';

function build(props: Partial<LogBucketProps> = {}) {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  const bucket = createLogBucket(stack, 'Logs', {
    contents: 'ALB access logs',
    retention: { ruleId: 'retain-logs', expiration: Duration.days(400) },
    ...props,
  });
  return { stack, bucket, template: Template.fromStack(stack) };
}

describe('createLogBucket', () => {
  it('creates the bucket at the caller scope and id: SSE-S3, versioned, no public access, owner enforced', () => {
    const { stack, bucket, template } = build();
    expect(bucket.node.scope).toBe(stack);
    expect(bucket.node.id).toBe('Logs');
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  it('denies requests without TLS, and below the minimum TLS version when one is given', () => {
    build().template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    build({ minimumTLSVersion: 1.2 }).template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  it('renders one lifecycle rule: expiration, non-current versions up to a year, no transition unless asked', () => {
    build().template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'retain-logs',
            Status: 'Enabled',
            ExpirationInDays: 400,
            // Deleted or overwritten logs stay recoverable for the PCI DSS year (10.5.1).
            NoncurrentVersionExpiration: { NoncurrentDays: 365 },
            Transitions: Match.absent(),
            AbortIncompleteMultipartUpload: Match.absent(),
          },
        ],
      },
    });
    build({
      retention: {
        ruleId: 'audit',
        expiration: Duration.days(365),
        noncurrentVersionExpiration: Duration.days(365),
        instantRetrievalAfter: Duration.days(90),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    }).template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'audit',
            Status: 'Enabled',
            ExpirationInDays: 365,
            NoncurrentVersionExpiration: { NoncurrentDays: 365 },
            Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
    });
  });

  it('refuses an expiration that is not later than the Glacier Instant Retrieval transition', () => {
    const retention = { ruleId: 'retain-access-logs', instantRetrievalAfter: Duration.days(90) };
    expect(() => build({ retention: { ...retention, expiration: Duration.days(90) } })).toThrow(
      'lifecycle rule retain-access-logs: expiration (90 days) must be later than the Glacier Instant Retrieval transition (90 days)',
    );
    expect(() => build({ retention: { ...retention, expiration: Duration.days(30) } })).toThrow(
      /must be later/,
    );
    expect(() => build({ retention: { ...retention, expiration: Duration.days(91) } })).not.toThrow();
  });

  it('keeps non-current log versions as long as the logs, capped at a year', () => {
    expect(noncurrentLogVersionRetention(Duration.days(90)).toDays()).toBe(90);
    expect(noncurrentLogVersionRetention(Duration.days(400)).toDays()).toBe(365);
    expect(noncurrentLogVersionRetention(Duration.days(2557)).toDays()).toBe(365);
  });

  it('transitions to Glacier Instant Retrieval only when objects then stay its 90-day minimum', () => {
    expect(instantRetrievalTransitionFor(Duration.days(90))).toBeUndefined();
    expect(instantRetrievalTransitionFor(Duration.days(179))).toBeUndefined();
    expect(instantRetrievalTransitionFor(Duration.days(180))?.toDays()).toBe(90);
    expect(instantRetrievalTransitionFor(Duration.days(2557))?.toDays()).toBe(90);
  });

  it('keeps ACLs enabled with BUCKET_OWNER_PREFERRED for ACL-based delivery', () => {
    build({ objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED }).template.hasResourceProperties(
      'AWS::S3::Bucket',
      { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } },
    );
  });

  it('empties the bucket on DESTROY unless told not to', () => {
    const emptied = build({ removalPolicy: RemovalPolicy.DESTROY }).template;
    emptied.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    emptied.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    const kept = build({ removalPolicy: RemovalPolicy.DESTROY, emptyOnDestroy: false }).template;
    kept.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    kept.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('acknowledges SSE-S3 and replication naming the contents, never missing access logging', () => {
    const acknowledgements = listAcknowledgements(build().bucket);
    expect(acknowledgements.map((a) => a.id.replace(/^Annotation::/, '')).sort()).toEqual(
      [
        'PCI.DSS.321-S3DefaultEncryptionKMS',
        'NIST.800.53.R5-S3DefaultEncryptionKMS',
        'PCI.DSS.321-S3BucketReplicationEnabled',
        'NIST.800.53.R5-S3BucketReplicationEnabled',
      ].sort(),
    );
    for (const ack of acknowledgements) expect(ack.reason, ack.id).toContain('ALB access logs');
  });

  it('sends its own server access logs to the given bucket, so reads of the logs are recorded', () => {
    const stack = new Stack(new App(), 'Logged', { env: { account: '111111111111', region: 'eu-west-1' } });
    const target = new s3.Bucket(stack, 'Target');
    createLogBucket(stack, 'Logs', {
      contents: 'ALB access logs',
      retention: { ruleId: 'retain-logs', expiration: Duration.days(400) },
      serverAccessLogs: { bucket: target, prefix: 'alb-access-logs/' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: {
        DestinationBucketName: { Ref: Match.stringLikeRegexp('^Target') },
        LogFilePrefix: 'alb-access-logs/',
      },
    });
  });
});
