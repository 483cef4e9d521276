import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import {
  DocumentBucket,
  type DocumentBucketProps,
} from '../../../lib/constructs/documents/document-bucket.js';
import { joined as text, LIFECYCLE } from '../../support/documents.js';
import { listAcknowledgements } from '../../support/synth.js';

const NAME = 'tessera-test-documents-111111111111-eu-west-1';
const ARN = `arn:\${AWS::Partition}:s3:::${NAME}`;

function build(props: Partial<DocumentBucketProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  const accessLogBucket = new s3.Bucket(stack, 'AccessLogs');
  const documents = new DocumentBucket(stack, 'Documents', {
    bucketName: NAME,
    keyAlias: 'alias/tessera/test/documents',
    description: 'test documents',
    lifecycle: LIFECYCLE,
    accessLogBucket,
    ...props,
  });
  return { app, stack, documents, template: () => Template.fromStack(stack) };
}

function bucketOf(t: Template): Record<string, unknown> {
  const buckets = Object.values(t.findResources('AWS::S3::Bucket', { Properties: { BucketName: NAME } })) as {
    Properties: Record<string, unknown>;
  }[];
  expect(buckets).toHaveLength(1);
  return buckets[0]!.Properties;
}

describe('DocumentBucket', () => {
  it('encrypts with its own rotating key and S3 Bucket Keys, versions, blocks public access, enforces ownership', () => {
    const t = build().template();
    const keyId = Object.keys(t.findResources('AWS::KMS::Key'))[0];
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, PendingWindowInDays: 30 });
    t.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/tessera/test/documents',
      TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    expect(bucketOf(t)).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
          },
        ],
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
  });

  it('logs access to the given bucket under its own name, and notifies EventBridge natively (no Lambda)', () => {
    const t = build().template();
    const logs = Object.keys(t.findResources('AWS::S3::Bucket')).find((id) => id.startsWith('AccessLogs'));
    expect(bucketOf(t)).toMatchObject({
      LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: `${NAME}/` },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    expect(t.findResources('Custom::S3BucketNotifications')).toEqual({});
    expect(t.findResources('AWS::Lambda::Function')).toEqual({});
  });

  it('denies every request without TLS or below TLS 1.2', () => {
    build()
      .template()
      .hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            }),
          ]),
        },
      });
  });

  it('moves current versions through Standard-IA, Glacier and Deep Archive and never expires them', () => {
    const rules = (
      bucketOf(build().template()).LifecycleConfiguration as { Rules: Record<string, unknown>[] }
    ).Rules;
    expect(rules).toEqual([
      {
        Id: 'storage-classes',
        Status: 'Enabled',
        Transitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
          { StorageClass: 'GLACIER', TransitionInDays: 90 },
          { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 180 },
        ],
      },
      {
        Id: 'noncurrent-versions',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        ExpiredObjectDeleteMarker: true,
      },
      {
        Id: 'incomplete-uploads',
        Status: 'Enabled',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ]);
    expect(JSON.stringify(rules)).not.toMatch(/ExpirationInDays|ExpirationDate/);
  });

  it('moves long-kept noncurrent versions through the same classes, only the transitions before they expire', () => {
    const lifecycle = { ...LIFECYCLE, noncurrentVersionExpiration: Duration.days(120) };
    const rules = (
      bucketOf(build({ lifecycle }).template()).LifecycleConfiguration as {
        Rules: Record<string, unknown>[];
      }
    ).Rules;
    expect(rules[0]?.NoncurrentVersionTransitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
      { StorageClass: 'GLACIER', TransitionInDays: 90 },
    ]);
    expect(rules[1]?.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 120 });
  });

  it('retains bucket and key and denies deleting the bucket by default; no Object Lock unless given', () => {
    const t = build().template();
    t.hasResource('AWS::S3::Bucket', { Properties: { BucketName: NAME }, DeletionPolicy: 'Retain' });
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'DenyBucketDeletion',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:DeleteBucket',
            Resource: Match.anyValue(),
          },
        ]),
      },
    });
    expect(bucketOf(t).ObjectLockEnabled).toBeUndefined();
    expect(t.findResources('Custom::S3AutoDeleteObjects')).toEqual({});
  });

  it('locks every new version in governance mode for the given retention', () => {
    const { documents, template } = build({ objectLockRetention: Duration.days(2557) });
    expect(documents.objectLockEnabled).toBe(true);
    expect(bucketOf(template())).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 2557 } },
      },
    });
  });

  it('is emptied and deleted with DESTROY, and refuses DESTROY together with Object Lock', () => {
    const t = build({ removalPolicy: RemovalPolicy.DESTROY }).template();
    t.hasResource('AWS::S3::Bucket', { Properties: { BucketName: NAME }, DeletionPolicy: 'Delete' });
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    expect(Object.keys(t.findResources('Custom::S3AutoDeleteObjects'))).toHaveLength(1);
    expect(JSON.stringify(t.toJSON())).not.toContain('DenyBucketDeletion');
    expect(() =>
      build({ removalPolicy: RemovalPolicy.DESTROY, objectLockRetention: Duration.days(1) }),
    ).toThrow(/Object Lock with RemovalPolicy.DESTROY cannot be torn down/);
  });

  it('refuses a key alias outside alias/ or in the AWS namespace', () => {
    expect(() => build({ keyAlias: 'tessera/documents' })).toThrow(
      /keyAlias 'tessera\/documents' must start with 'alias\/'/,
    );
    expect(() => build({ keyAlias: 'alias/aws/s3' })).toThrow(/not 'alias\/aws\/'/);
  });
});

describe('DocumentBucket grants (a consumer in another stack)', () => {
  function consumer() {
    const built = build();
    const other = new Stack(built.app, 'Consumer', { env: { account: '111111111111', region: 'eu-west-1' } });
    const role = new iam.Role(other, 'Role', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });
    return { ...built, other, role };
  }
  const statementsOf = (stack: Stack) =>
    text(
      Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
            .Statement,
      ),
    ) as Record<string, unknown>[];

  it('grants writing one prefix: PutObject and AbortMultipartUpload, the key only through S3 for this bucket', () => {
    const { documents, other, role } = consumer();
    documents.grantWritePrefix(role, 'disputes/');
    const statements = statementsOf(other);
    expect(statements).toEqual([
      { Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Effect: 'Allow', Resource: `${ARN}/disputes/*` },
      {
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Effect: 'Allow',
        Resource: { 'Fn::ImportValue': expect.stringMatching(/^S:ExportsOutputFnGetAttDocumentsKey/) },
        Condition: {
          StringEquals: {
            'kms:ViaService': 's3.eu-west-1.amazonaws.com',
            'kms:EncryptionContext:aws:s3:arn': ARN,
          },
        },
      },
    ]);
    expect(JSON.stringify(statements)).not.toMatch(
      /GetObject|DeleteObject|PutObjectRetention|PutObjectLegalHold/,
    );
    expect(listAcknowledgements(role).map((a) => a.id)).toEqual([
      expect.stringContaining(`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${NAME}/disputes/*]`),
    ]);
  });

  it('adds nothing to the bucket, its policy or its key policy (the consumer grants itself; only the key ARN is exported)', () => {
    const resources = (t: Template) => JSON.stringify(t.toJSON().Resources);
    const before = resources(build().template());
    const { documents, template, role } = consumer();
    documents.grantWritePrefix(role, 'disputes/');
    documents.grantReadPrefix(role, 'settlements/');
    expect(resources(template())).toBe(before);
  });

  it('grants reading one prefix: GetObject (versions too), listing only that prefix, decrypt through S3', () => {
    const { documents, other, role } = consumer();
    documents.grantReadPrefix(role, 'settlements/');
    const statements = statementsOf(other);
    expect(statements).toContainEqual({
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Effect: 'Allow',
      Resource: `${ARN}/settlements/*`,
    });
    expect(statements).toContainEqual({
      Action: 's3:ListBucket',
      Effect: 'Allow',
      Resource: ARN,
      Condition: { StringLike: { 's3:prefix': ['settlements/*'] } },
    });
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt' }));
  });

  it('hands a consumer one prefix with the literal bucket name (no export of it)', () => {
    const { documents, other, role } = consumer();
    const prefix = documents.prefix('disputes/');
    expect(prefix).toMatchObject({ bucketName: NAME, prefix: 'disputes/' });
    prefix.grantWrite(role);
    expect(statementsOf(other)[0]).toMatchObject({ Resource: `${ARN}/disputes/*` });
  });

  it.each(['disputes', '/disputes/', 'disputes/*', 'a b/', ''])('refuses the prefix %j', (prefix) => {
    const { documents, role } = consumer();
    expect(() => documents.grantWritePrefix(role, prefix)).toThrow(/must be path segments .* ending in '\/'/);
  });
});
