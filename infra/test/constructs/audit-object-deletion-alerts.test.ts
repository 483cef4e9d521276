import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { AuditObjectDeletionAlerts } from '../../lib/constructs/audit-object-deletion-alerts.js';
import { matchesEventPattern } from '../support/event-pattern.js';

function build() {
  const stack = new Stack(new App(), 'Logs', { env: { account: '111111111111', region: 'eu-west-1' } });
  const trail = new s3.Bucket(stack, 'Trail', { bucketName: 'tessera-test-trail' });
  const access = new s3.Bucket(stack, 'Access', { bucketName: 'tessera-test-access' });
  const topic = new sns.Topic(stack, 'Compliance');
  new AuditObjectDeletionAlerts(stack, 'Deletions', { buckets: [trail, access], topic });
  return Template.fromStack(stack);
}

// The shape of S3's EventBridge "Object Deleted" event (Amazon S3 user guide, EventBridge event message structure).
const deleted = (bucket: string, reason: string) => ({
  source: 'aws.s3',
  'detail-type': 'Object Deleted',
  detail: {
    version: '0',
    bucket: { name: bucket },
    object: { key: 'AWSLogs/111111111111/CloudTrail/eu-west-1/2026/12/01/file.json.gz' },
    'deletion-type': 'Permanently Deleted',
    reason,
  },
});

describe('AuditObjectDeletionAlerts', () => {
  const template = build();

  it('switches on EventBridge notifications of every bucket natively (no notification Lambda)', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets.map((b) => b.Properties.NotificationConfiguration)).toEqual([
      { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    ]);
    expect(Object.keys(template.findResources('Custom::S3BucketNotifications'))).toEqual([]);
  });

  it('alerts on a deletion by request in one of the buckets, not on lifecycle expiry or other buckets', () => {
    const [rule] = Object.values(template.findResources('AWS::Events::Rule'));
    // What CloudFormation resolves the bucket references to.
    const names = Object.fromEntries(
      Object.entries(template.findResources('AWS::S3::Bucket')).map(([id, b]) => [
        id,
        b.Properties.BucketName,
      ]),
    );
    const pattern = JSON.parse(
      JSON.stringify(rule?.Properties.EventPattern).replace(/\{"Ref":"(\w+)"\}/g, (_, id: string) =>
        JSON.stringify(names[id]),
      ),
    ) as Record<string, unknown>;
    expect(matchesEventPattern(pattern, deleted('tessera-test-trail', 'DeleteObject'))).toBe(true);
    expect(matchesEventPattern(pattern, deleted('tessera-test-access', 'DeleteObject'))).toBe(true);
    expect(matchesEventPattern(pattern, deleted('tessera-test-trail', 'Lifecycle Expiration'))).toBe(false);
    expect(matchesEventPattern(pattern, deleted('someone-else', 'DeleteObject'))).toBe(false);
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { Ref: expect.stringMatching(/^Compliance/) } }),
    ]);
  });

  it('refuses an empty bucket list and a bucket it cannot configure', () => {
    const stack = new Stack(new App(), 'Bad');
    const topic = new sns.Topic(stack, 'Topic');
    expect(() => new AuditObjectDeletionAlerts(stack, 'None', { buckets: [], topic })).toThrow(
      /at least one bucket/,
    );
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'someone-else');
    expect(() => new AuditObjectDeletionAlerts(stack, 'Imp', { buckets: [imported], topic })).toThrow(
      /must be a bucket defined in this app/,
    );
  });
});
