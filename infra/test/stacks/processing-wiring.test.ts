import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ComputeMode } from '../../config/app.js';
import { joined } from '../support/documents.js';
import { type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read CloudFormation JSON field by field
type Json = Record<string, any>;

const QUEUE_ARN = 'arn:${AWS::Partition}:sqs:us-east-1:111111111111:tessera-prod-events.fifo';
const QUEUE_URL = 'https://sqs.us-east-1.${AWS::URLSuffix}/111111111111/tessera-prod-events.fifo';
const DOCUMENTS = 'arn:${AWS::Partition}:s3:::tessera-prod-documents-111111111111-us-east-1';
const EXPECTED_ENV = {
  EVENTS_QUEUE_URL: QUEUE_URL,
  WEBHOOK_RETRY_SCHEDULE: '60,300,1800,3600,7200,14400,28800,43200,43200,43200,43200',
  SETTLEMENT_DELAY_DAYS: '2',
  SETTLEMENT_HOUR_UTC: '2',
  DOCUMENTS_BUCKET: 'tessera-prod-documents-111111111111-us-east-1',
};

/** The role the application code runs as in each compute mode (by its construct id). */
const IDENTITY_ROLE: Record<ComputeMode, RegExp> = {
  fargate: /TaskDefinitionTaskRole[0-9A-F]{8}$/,
  ec2: /InstanceRole[0-9A-F]{8}$/,
  eks: /PodRole[0-9A-F]{8}$/,
};

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** Every statement of every IAM policy attached to the role whose logical id matches `role`, joined to text. */
function statementsOf(t: Template, role: RegExp): Json[] {
  const roles = Object.keys(t.findResources('AWS::IAM::Role')).filter((id) => role.test(id));
  expect(roles, String(role)).toHaveLength(1);
  const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) =>
    asList(p.Properties.Roles).some((r) => (r as Json).Ref === roles[0]),
  );
  return policies.flatMap((p) => joined(p.Properties.PolicyDocument.Statement) as Json[]);
}

function actionsOn(statements: Json[], service: string): Json[] {
  return statements.filter((s) => asList(s.Action).some((a) => String(a).startsWith(`${service}:`)));
}

/** The container environment as the compute mode writes it: task definition, user data or the EKS manifests. */
function containerEnvironment(t: Template, compute: ComputeMode): Record<string, string> {
  if (compute === 'fargate') {
    const [taskDefinition] = Object.values(t.findResources('AWS::ECS::TaskDefinition'));
    const env = taskDefinition!.Properties.ContainerDefinitions[0].Environment as {
      Name: string;
      Value: unknown;
    }[];
    return Object.fromEntries(env.map((e) => [e.Name, String(joined(e.Value))]));
  }
  const text =
    compute === 'ec2'
      ? JSON.stringify(joined(Object.values(t.findResources('AWS::EC2::LaunchTemplate'))[0]!.Properties))
      : JSON.stringify(
          joined(
            Object.values(t.findResources('AWS::SSM::Parameter')).map((p) => p.Properties.Value as unknown),
          ),
        );
  return Object.fromEntries(
    Object.keys(EXPECTED_ENV).map((name) => {
      const match = new RegExp(`${name}(?:=|\\\\?"[^a-zA-Z]*value\\\\?":\\\\?")([^"'\\\\\\n]+)`).exec(text);
      return [name, match?.[1] ?? ''];
    }),
  );
}

describe.each(['fargate', 'ec2', 'eks'] as const)(
  'the payment API and the events queue, compute %s (prod)',
  (compute) => {
    let env: SynthesizedEnvironment;
    let app: Template;
    beforeAll(() => {
      env = synthEnvironment('prod', { compute }, { complianceGate: false });
      app = env.template(env.stacks.app);
    });

    it('starts the container with the queue URL, the retry schedule and the settlement settings', () => {
      expect(containerEnvironment(app, compute)).toMatchObject(EXPECTED_ENV);
    });

    it('grants exactly the five SQS actions the relay and the workers call, on the events queue only', () => {
      const sqs = actionsOn(statementsOf(app, IDENTITY_ROLE[compute]), 'sqs');
      expect(sqs.every((s) => s.Effect === 'Allow' && s.Resource === QUEUE_ARN && !s.Condition)).toBe(true);
      expect([...new Set(sqs.flatMap((s) => asList(s.Action)))].sort()).toEqual([
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ]);
    });

    it('grants the events key only through SQS: GenerateDataKey and Decrypt, nothing else', () => {
      const keyArn = env.stacks.processing.resolve(env.stacks.processing.eventQueue.key.keyArn) as Json;
      const exported = JSON.stringify(keyArn['Fn::GetAtt']?.[0] ?? '');
      const onEventsKey = actionsOn(statementsOf(app, IDENTITY_ROLE[compute]), 'kms').filter((s) =>
        JSON.stringify(s.Resource).includes(exported.replace(/"/g, '')),
      );
      expect(onEventsKey.length).toBeGreaterThan(0);
      for (const s of onEventsKey) {
        expect(s.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' } });
      }
      expect([...new Set(onEventsKey.flatMap((s) => asList(s.Action)))].sort()).toEqual([
        'kms:Decrypt',
        'kms:GenerateDataKey',
      ]);
    });

    it('may put settlement reports under settlements/ and read, list or delete nothing in the documents bucket', () => {
      const s3 = actionsOn(statementsOf(app, IDENTITY_ROLE[compute]), 's3').filter((s) =>
        JSON.stringify(s.Resource).includes(DOCUMENTS),
      );
      const settlements = s3.filter((s) => s.Resource === `${DOCUMENTS}/settlements/*`);
      expect(settlements).toHaveLength(1);
      expect(settlements[0]!.Action).toEqual(['s3:PutObject', 's3:AbortMultipartUpload']);
      const actions = s3.flatMap((s) => asList(s.Action));
      expect(actions.filter((a) => !['s3:PutObject', 's3:AbortMultipartUpload'].includes(String(a)))).toEqual(
        [],
      );
      expect(s3.map((s) => s.Resource).sort()).toEqual([
        `${DOCUMENTS}/disputes/*`,
        `${DOCUMENTS}/settlements/*`,
      ]);
    });

    it('lets the service reach the internet on 443 only (outbound webhooks through the NAT)', () => {
      const groups = Object.values(app.findResources('AWS::EC2::SecurityGroup')) as Json[];
      const toInternet = groups
        .flatMap((g) => (g.Properties.SecurityGroupEgress ?? []) as Json[])
        .filter((r) => r.CidrIp === '0.0.0.0/0');
      expect(toInternet.length).toBeGreaterThan(0);
      for (const rule of toInternet) {
        expect([rule.IpProtocol, rule.FromPort, rule.ToPort]).toEqual(['tcp', 443, 443]);
      }
      const standalone = (Object.values(app.findResources('AWS::EC2::SecurityGroupEgress')) as Json[]).filter(
        (r) => r.Properties.CidrIp === '0.0.0.0/0',
      );
      expect(standalone).toEqual([]);
    });
  },
);

describe('the Monitoring stack watches the events queue (prod)', () => {
  let env: SynthesizedEnvironment;
  let alarms: Json[];
  beforeAll(() => {
    env = synthEnvironment('prod', {}, { complianceGate: false });
    alarms = Object.values(
      env.template(env.stacks.monitoring).findResources('AWS::CloudWatch::Alarm'),
    ) as Json[];
  });

  const named = (name: string): Json => {
    const alarm = alarms.find((a) => a.Properties.AlarmName === name);
    expect(alarm, name).toBeTruthy();
    return alarm!.Properties as Json;
  };
  const exportOf = (dimension: Json): string => JSON.stringify(dimension.Value);

  it('pages on any dead letter, on the DLQ by its queue name, with the runbook', () => {
    const alarm = named('Tessera-prod-Events-DeadLetters');
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.AlarmDescription).toContain('Runbook: docs/runbooks/dead-letter-queue.md');
    expect(alarm.Dimensions).toHaveLength(1);
    expect(alarm.Dimensions[0].Name).toBe('QueueName');
    expect(exportOf(alarm.Dimensions[0])).toMatch(
      /Tessera-prod-Processing:ExportsOutputFnGetAttEventsDeadLetterQueue/,
    );
  });

  it('warns when the oldest event waits longer than processing.queue.oldestMessageAlarmSeconds', () => {
    const alarm = named('Tessera-prod-Events-OldestMessageAge');
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: env.config.processing.queue.oldestMessageAlarmSeconds,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(exportOf(alarm.Dimensions[0])).toMatch(/Tessera-prod-Processing:ExportsOutputFnGetAttEventsQueue/);
  });

  it('deploys Processing before App and Monitoring', () => {
    expect(env.stacks.app.dependencies).toContain(env.stacks.processing);
    expect(env.stacks.monitoring.dependencies).toContain(env.stacks.processing);
  });
});
