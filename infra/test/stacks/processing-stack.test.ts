import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { defaultsFor, type EnvironmentName } from '../../config/index.js';
import { EventQueue, type EventQueueProps } from '../../lib/constructs/processing/event-queue.js';
import { ProcessingStack } from '../../lib/stacks/processing-stack.js';
import { joined } from '../support/documents.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read CloudFormation JSON field by field
type Json = Record<string, any>;

function build(envName: EnvironmentName): { stack: ProcessingStack; t: Template } {
  const config = defaultsFor(envName);
  const app = new App();
  const stack = new ProcessingStack(app, `Tessera-${envName}-Processing`, {
    env: { account: config.accounts.payment, region: config.regions.primary },
    config,
  });
  return { stack, t: Template.fromStack(stack) };
}

function queues(t: Template): { main: Json; dlq: Json; mainId: string; dlqId: string } {
  const all = Object.entries(t.findResources('AWS::SQS::Queue'));
  expect(all).toHaveLength(2);
  const [mainId, main] = all.find(([, r]) => !String(r.Properties.QueueName).includes('-dlq'))!;
  const [dlqId, dlq] = all.find(([, r]) => String(r.Properties.QueueName).includes('-dlq'))!;
  return { main: main as Json, dlq: dlq as Json, mainId, dlqId };
}

const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

describe('ProcessingStack', () => {
  const built = Object.fromEntries(ENVIRONMENTS.map((env) => [env, build(env)])) as Record<
    EnvironmentName,
    ReturnType<typeof build>
  >;

  it.each(ENVIRONMENTS)(
    '%s: a FIFO events queue, deduplicated by the sender id, in high-throughput mode, long polling',
    (env) => {
      const { main } = queues(built[env].t);
      const { queue } = defaultsFor(env).processing;
      expect(main.Properties).toMatchObject({
        QueueName: `tessera-${env}-events.fifo`,
        FifoQueue: true,
        ContentBasedDeduplication: false,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
        MessageRetentionPeriod: queue.messageRetentionSeconds,
        VisibilityTimeout: queue.visibilityTimeoutSeconds,
        ReceiveMessageWaitTimeSeconds: 20,
      });
    },
  );

  it('keeps events longer in prod (7 days) than staging (4) and dev (1)', () => {
    expect(ENVIRONMENTS.map((env) => queues(built[env].t).main.Properties.MessageRetentionPeriod)).toEqual([
      86_400, 345_600, 604_800,
    ]);
  });

  it.each(ENVIRONMENTS)(
    '%s: the DLQ is FIFO, keeps messages at least as long as its source, and only the events queue may use it',
    (env) => {
      const { main, dlq, dlqId } = queues(built[env].t);
      const { processing } = defaultsFor(env);
      expect(main.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: processing.queue.maxReceiveCount,
      });
      // SQS: a FIFO queue's dead-letter queue must be FIFO too.
      expect(dlq.Properties.FifoQueue).toBe(true);
      expect(dlq.Properties.QueueName).toBe(`tessera-${env}-events-dlq.fifo`);
      expect(dlq.Properties.MessageRetentionPeriod).toBe(1_209_600);
      expect(dlq.Properties.MessageRetentionPeriod).toBeGreaterThanOrEqual(
        main.Properties.MessageRetentionPeriod,
      );
      expect(dlq.Properties.RedrivePolicy).toBeUndefined();
      expect(joined(dlq.Properties.RedriveAllowPolicy)).toEqual({
        redrivePermission: 'byQueue',
        sourceQueueArns: [`arn:\${AWS::Partition}:sqs:us-east-1:111111111111:tessera-${env}-events.fifo`],
      });
    },
  );

  it('encrypts both queues with one customer managed key that rotates and that only SQS may use', () => {
    const { t } = built.prod;
    const keys = Object.entries(t.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    const [keyId, key] = keys[0]!;
    const { main, dlq } = queues(t);
    for (const q of [main, dlq])
      expect(q.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/tessera/prod/events' });
    const statements = key.Properties.KeyPolicy.Statement as Json[];
    const deny = statements.find((s) => s.Sid === 'DenyUseOutsideSqs')!;
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Condition: {
        StringNotEquals: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' },
        Bool: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
    // No statement of the key policy allows anyone but the account (which delegates to IAM policies).
    for (const s of statements.filter((st) => st.Effect === 'Allow')) {
      expect(JSON.stringify(s.Principal)).toContain(':iam::111111111111:root');
    }
  });

  it.each(ENVIRONMENTS)('%s: every queue policy denies requests without TLS, for every action', (env) => {
    const { t } = built[env];
    const { mainId, dlqId } = queues(t);
    const policies = Object.values(t.findResources('AWS::SQS::QueuePolicy')) as Json[];
    expect(policies.map((p) => p.Properties.Queues).sort()).toEqual(
      [[{ Ref: dlqId }], [{ Ref: mainId }]].sort(),
    );
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('retains queues and key in prod (removalPolicy retain) and deletes them in dev', () => {
    for (const [env, policy] of [
      ['prod', 'Retain'],
      ['dev', 'Delete'],
    ] as const) {
      const { t } = built[env];
      for (const type of ['AWS::SQS::Queue', 'AWS::KMS::Key']) {
        for (const r of Object.values(t.findResources(type)) as Json[]) {
          expect([r.DeletionPolicy, r.UpdateReplacePolicy], `${env} ${type}`).toEqual([policy, policy]);
        }
      }
    }
  });

  it('hands the payment API the queue by literal URL and ARN, and the Monitoring stack queue and DLQ', () => {
    const { stack } = built.prod;
    const url = 'https://sqs.us-east-1.${AWS::URLSuffix}/111111111111/tessera-prod-events.fifo';
    expect(joined(stack.resolve(stack.events.queueUrl))).toBe(url);
    expect(stack.resolve(stack.events.queueArn)).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':sqs:us-east-1:111111111111:tessera-prod-events.fifo'],
      ],
    });
    const [watched] = stack.monitoring.queues ?? [];
    expect(watched?.queue).toBe(stack.eventQueue.queue);
    expect(watched?.deadLetterQueue).toBe(stack.eventQueue.deadLetterQueue);
    expect(watched?.maxAgeSeconds).toBe(defaultsFor('prod').processing.queue.oldestMessageAlarmSeconds);
    expect(joined(built.prod.t.findOutputs('EventsQueueUrl').EventsQueueUrl?.Value)).toBe(url);
  });
});

describe('EventQueue validation', () => {
  const valid: EventQueueProps = {
    queueName: 'tessera-test-events.fifo',
    keyAlias: 'alias/tessera/test/events',
    retentionPeriod: Duration.days(4),
    visibilityTimeout: Duration.minutes(2),
    maxReceiveCount: 10,
    deadLetterRetentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.DESTROY,
  };
  const attempt = (change: Partial<EventQueueProps>) => () =>
    new EventQueue(
      new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-central-1' } }),
      'Q',
      {
        ...valid,
        ...change,
      },
    );

  it('builds with valid props', () => {
    expect(attempt({})).not.toThrow();
  });

  it('refuses a name that is not a FIFO queue name, or too long for its -dlq twin', () => {
    expect(attempt({ queueName: 'tessera-test-events' })).toThrow(
      "event queue: queueName 'tessera-test-events' must be letters, digits, '-' or '_' ending in '.fifo'",
    );
    expect(attempt({ queueName: `${'a'.repeat(72)}.fifo` })).toThrow('at most 80 characters');
  });

  it('refuses values outside the SQS limits, naming the value and the range', () => {
    expect(attempt({ retentionPeriod: Duration.seconds(59) })).toThrow(
      'event queue: retentionPeriod 59 must be a whole number from 60 to 1209600 seconds',
    );
    expect(attempt({ visibilityTimeout: Duration.hours(13) })).toThrow(
      'event queue: visibilityTimeout 46800 must be a whole number from 0 to 43200 seconds',
    );
    expect(attempt({ maxReceiveCount: 1001 })).toThrow(
      'event queue: maxReceiveCount 1001 must be a whole number from 1 to 1000',
    );
  });

  it('refuses a dead-letter queue that keeps messages shorter than its source', () => {
    expect(attempt({ deadLetterRetentionPeriod: Duration.days(3) })).toThrow(
      'event queue: deadLetterRetentionPeriod 259200 s must be at least retentionPeriod 345600 s',
    );
  });

  it("refuses an AWS managed key's alias", () => {
    expect(attempt({ keyAlias: 'alias/aws/sqs' })).toThrow(
      "keyAlias 'alias/aws/sqs' must start with 'alias/'",
    );
  });
});
