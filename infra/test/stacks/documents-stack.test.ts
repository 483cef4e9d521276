import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { joined } from '../support/documents.js';
import { describeFindings, type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';

// Property tests skip the cdk-nag packs for speed; the compliance tests synthesize every environment with them.
const NO_GATE = { complianceGate: false } as const;

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

function byType(t: Template, type: string): [string, Resource][] {
  return Object.entries(t.findResources(type)) as [string, Resource][];
}

/** The bucket whose name starts with `tessera-<env>-<part>-`. */
function bucketNamed(t: Template, part: string): Resource {
  const found = byType(t, 'AWS::S3::Bucket').filter(([, r]) =>
    new RegExp(`^tessera-[a-z]+-${part}-\\d{12}-`).test(String(r.Properties.BucketName)),
  );
  expect(found, part).toHaveLength(1);
  return found[0]![1];
}

/** Every value of `key` anywhere in a template. */
function valuesOf(template: unknown, key: string): unknown[] {
  const found: unknown[] = [];
  JSON.stringify(template, (k, v: unknown) => {
    if (k === key) found.push(v);
    return v;
  });
  return found;
}

describe('Documents and DocumentsDr (prod)', () => {
  let env: SynthesizedEnvironment;
  let docs: Template;
  let dr: Template;
  beforeAll(() => {
    env = synthEnvironment('prod', {}, NO_GATE);
    docs = env.template(env.stacks.documents);
    dr = env.template(env.stacks.documentsDr!);
  });

  it('puts the replica in regions.dr and deploys it before the documents stack', () => {
    const drStack = env.stacks.documentsDr!;
    expect(drStack.region).toBe('us-west-2');
    expect(env.stacks.documents.region).toBe('us-east-1');
    expect(env.stacks.documents.dependencies).toContain(drStack);
    const manifest = env.app.synth().getStackArtifact(env.stacks.documents.artifactId);
    expect(manifest.dependencies.map((d) => d.id)).toContain(drStack.artifactId);
    expect(drStack.dependencies).toEqual([]);
  });

  it('renders the DR bucket ARN and the replica key alias ARN from config-derived names, with no cross-region reference', () => {
    const replica = bucketNamed(dr, 'documents-dr');
    const alias = byType(dr, 'AWS::KMS::Alias').find(([id]) => id.startsWith('ReplicaKeyAlias'))![1];
    const rule = (
      joined(bucketNamed(docs, 'documents').Properties.ReplicationConfiguration) as {
        Rules: { Destination: { Bucket: string; EncryptionConfiguration: { ReplicaKmsKeyID: string } } }[];
      }
    ).Rules[0]!;
    expect(rule.Destination.Bucket).toBe(
      `arn:\${AWS::Partition}:s3:::${String(replica.Properties.BucketName)}`,
    );
    expect(rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID).toBe(
      `arn:\${AWS::Partition}:kms:us-west-2:111111111111:${String(alias.Properties.AliasName)}`,
    );
    // The replica key is the DR region's own key, not the documents key.
    expect(alias.Properties.TargetKeyId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ReplicaKey/), 'Arn'],
    });

    const template = docs.toJSON();
    const imports = valuesOf(template, 'Fn::ImportValue') as string[];
    expect(imports.length).toBeGreaterThan(0);
    expect(
      imports.every((name) => name.startsWith('Tessera-prod-Security:')),
      imports.join(),
    ).toBe(true);
    expect(valuesOf(template, 'Fn::GetStackOutput')).toEqual([]);
    expect(JSON.stringify(template)).not.toMatch(/ExportsReader|CrossRegion|Tessera-prod-DocumentsDr/);
    // And the DR stack references nothing of the primary region.
    expect(valuesOf(dr.toJSON(), 'Fn::ImportValue')).toEqual([]);
  });

  it('lets the replication role use the replica key: the DR key policy names the role the documents stack creates', () => {
    const roleName = byType(docs, 'AWS::IAM::Role').find(([id]) => id.startsWith('ReplicationRole'))![1]
      .Properties.RoleName;
    expect(roleName).toBe('tessera-prod-docs-replication-111111111111-us-east-1');
    const replicaKey = byType(dr, 'AWS::KMS::Key').find(([id]) => id.startsWith('ReplicaKey'))![1];
    const statements = joined((replicaKey.Properties.KeyPolicy as { Statement: unknown[] }).Statement) as {
      Sid?: string;
      Condition?: { ArnEquals: Record<string, string> };
    }[];
    expect(
      statements.find((s) => s.Sid === 'AllowDocumentsReplicationRoleThroughS3')?.Condition?.ArnEquals,
    ).toEqual({
      'aws:PrincipalArn': `arn:\${AWS::Partition}:iam::111111111111:role/${String(roleName)}`,
    });
  });

  it('keeps the seven-year retention in both regions: governance Object Lock, 2557-day noncurrent versions, RETAIN', () => {
    for (const [t, part] of [
      [docs, 'documents'],
      [dr, 'documents-dr'],
    ] as const) {
      const bucket = bucketNamed(t, part);
      expect(bucket.DeletionPolicy, part).toBe('Retain');
      expect(bucket.Properties, part).toMatchObject({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 2557 } } },
      });
      const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
      expect(rules.map((r) => r.Id)).toEqual([
        'storage-classes',
        'noncurrent-versions',
        'incomplete-uploads',
      ]);
      expect(rules[0]).toMatchObject({
        Transitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
          { StorageClass: 'GLACIER', TransitionInDays: 90 },
          { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 180 },
        ],
        NoncurrentVersionTransitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
          { StorageClass: 'GLACIER', TransitionInDays: 90 },
          { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 180 },
        ],
      });
      expect(rules[1]).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 2557 } });
      expect(rules[2]).toMatchObject({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } });
      for (const [, key] of byType(t, 'AWS::KMS::Key')) expect(key.DeletionPolicy, part).toBe('Retain');
      expect(byType(t, 'Custom::S3AutoDeleteObjects'), part).toEqual([]);
    }
  });

  it('encrypts each bucket with its own key and logs its access in its own region', () => {
    for (const [t, part] of [
      [docs, 'documents'],
      [dr, 'documents-dr'],
    ] as const) {
      const bucket = bucketNamed(t, part);
      const logs = bucketNamed(t, `${part}-logs`);
      expect(logs.Properties.LifecycleConfiguration).toMatchObject({ Rules: [{ ExpirationInDays: 2557 }] });
      const logsId = byType(t, 'AWS::S3::Bucket').find(([, r]) => r === logs)![0];
      expect(bucket.Properties.LoggingConfiguration).toMatchObject({
        DestinationBucketName: { Ref: logsId },
      });
      const encryption = JSON.stringify(bucket.Properties.BucketEncryption);
      expect(encryption).toMatch(part === 'documents' ? /"DocumentsKey[0-9A-F]+"/ : /"ReplicaKey[0-9A-F]+"/);
    }
  });

  it('alarms the primary operations topic on failed replication and a DR-region topic on replication latency', () => {
    const failed = byType(docs, 'AWS::CloudWatch::Alarm')[0]![1].Properties;
    expect(failed).toMatchObject({ MetricName: 'OperationsFailedReplication', Threshold: 1, Period: 300 });
    expect(JSON.stringify(failed.AlarmActions)).toMatch(/Tessera-prod-Security:.*AlertsOperations/);

    const latency = byType(dr, 'AWS::CloudWatch::Alarm')[0]![1].Properties;
    expect(latency).toMatchObject({
      Namespace: 'AWS/S3',
      MetricName: 'ReplicationLatency',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 900,
      EvaluationPeriods: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [
        { Name: 'DestinationBucket', Value: bucketNamed(dr, 'documents-dr').Properties.BucketName },
        { Name: 'RuleId', Value: 'documents-to-dr' },
        { Name: 'SourceBucket', Value: bucketNamed(docs, 'documents').Properties.BucketName },
      ],
    });
    const topicId = byType(dr, 'AWS::SNS::Topic')[0]![0];
    expect(latency.AlarmActions).toEqual([{ Ref: topicId }]);
    dr.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'operations@tessera.example.com',
    });
    dr.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertsKey'), 'Arn'] },
    });
  });

  it('gives the payment API write access to disputes/ and settlements/ only, through its own role, and the bucket name', () => {
    const app = env.template(env.stacks.app);
    const statements = joined(
      byType(app, 'AWS::IAM::Policy').flatMap(
        ([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      ),
    ) as Record<string, unknown>[];
    const bucket = String(bucketNamed(docs, 'documents').Properties.BucketName);
    const onDocuments = statements.filter((s) => JSON.stringify(s).includes(bucket));
    expect(onDocuments).toEqual([
      {
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Effect: 'Allow',
        Resource: `arn:\${AWS::Partition}:s3:::${bucket}/disputes/*`,
      },
      expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'] }),
      // The settlement worker's reports (the key statement above is shared, CDK merges the identical one).
      {
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Effect: 'Allow',
        Resource: `arn:\${AWS::Partition}:s3:::${bucket}/settlements/*`,
      },
    ]);
    expect(JSON.stringify(app.findResources('AWS::ECS::TaskDefinition'))).toContain(
      `{"Name":"DOCUMENTS_BUCKET","Value":"${bucket}"},{"Name":"DOCUMENTS_PREFIX","Value":"disputes/"}`,
    );
    // Nothing of the App stack reaches back into the documents stack's resources.
    expect(JSON.stringify(docs.toJSON())).not.toMatch(/Tessera-prod-App/);
  });
});

describe('Documents in dev and staging', () => {
  it.each(['dev', 'staging'] as const)(
    '%s: destroyable buckets without Object Lock, noncurrent versions expire after 30 days',
    (envName) => {
      const env = synthEnvironment(envName, {}, NO_GATE);
      for (const [t, part] of [
        [env.template(env.stacks.documents), 'documents'],
        [env.template(env.stacks.documentsDr!), 'documents-dr'],
      ] as const) {
        const bucket = bucketNamed(t, part);
        expect(bucket.DeletionPolicy).toBe('Delete');
        expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
        const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] })
          .Rules;
        expect(rules[0]?.Transitions).toEqual([
          { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
          { StorageClass: 'GLACIER', TransitionInDays: 90 },
          { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 180 },
        ]);
        expect(rules[0]?.NoncurrentVersionTransitions).toBeUndefined();
        expect(rules[1]).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } });
        expect(rules[2]).toMatchObject({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } });
        // Emptied on deletion so the stack tears down.
        expect(byType(t, 'Custom::S3AutoDeleteObjects').length).toBeGreaterThanOrEqual(2);
      }
      const latency = byType(env.template(env.stacks.documentsDr!), 'AWS::CloudWatch::Alarm')[0]![1]
        .Properties;
      expect(latency.Threshold).toBe(envName === 'dev' ? 3600 : 900);
    },
  );

  it('without replication: no DR stack, no replication configuration, and still zero findings', () => {
    const env = synthEnvironment('dev', { documents: { replication: { enabled: false } } });
    expect(env.report.findings, describeFindings(env.report.findings)).toEqual([]);
    expect(env.stacks.documentsDr).toBeUndefined();
    expect(env.app.node.tryFindChild('Tessera-dev-DocumentsDr')).toBeUndefined();
    const bucket = bucketNamed(env.template(env.stacks.documents), 'documents');
    expect(bucket.Properties.ReplicationConfiguration).toBeUndefined();
    expect(byType(env.template(env.stacks.documents), 'AWS::IAM::Role').map(([id]) => id)).not.toContainEqual(
      expect.stringMatching(/^ReplicationRole/),
    );
  });
});
