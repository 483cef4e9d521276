import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREATE_GRANT_GUARD_SID } from '../../lib/constructs/kms-create-grant-guard.js';
import { resourcesOf } from '../support/network.js';
import { type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';

// The AWS Control Tower proactive controls (cfn-guard rules) issue 9 found real gaps for, checked over every
// template of an environment, so a new stack or construct cannot reintroduce them.

interface KeyStatement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

interface LifecycleRule {
  Id: string;
  ExpirationInDays: number;
  NoncurrentVersionExpiration?: { NoncurrentDays: number };
}

function templates(env: SynthesizedEnvironment): [string, Template][] {
  return Object.values(env.stacks)
    .filter((stack) => stack !== undefined)
    .map((stack) => [stack.stackName, env.template(stack)]);
}

describe.each(['dev', 'prod'] as const)('Control Tower controls over every %s template', (envName) => {
  let env: SynthesizedEnvironment;
  beforeAll(() => {
    env = synthEnvironment(envName, {}, { complianceGate: false });
  });

  it('denies kms:CreateGrant unless the grant is for an AWS resource, in every customer managed key', () => {
    let keys = 0;
    for (const [stackName, t] of templates(env)) {
      for (const [id, key] of Object.entries(resourcesOf(t, 'AWS::KMS::Key'))) {
        keys += 1;
        const statements = (key.Properties.KeyPolicy as { Statement: KeyStatement[] }).Statement;
        expect(
          statements.find((s) => s.Sid === CREATE_GRANT_GUARD_SID),
          `${stackName}/${id}`,
        ).toEqual({
          Sid: CREATE_GRANT_GUARD_SID,
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: { Bool: { 'kms:GrantIsForAWSResource': 'false' } },
        });
      }
    }
    expect(keys).toBeGreaterThanOrEqual(6);
  });

  it('restricts every Lambda permission for an AWS service principal to this account or a source ARN', () => {
    const permissions = templates(env).flatMap(([stackName, t]) =>
      Object.entries(resourcesOf(t, 'AWS::Lambda::Permission')).map(([id, p]) => ({
        where: `${stackName}/${id}`,
        Principal: p.Properties.Principal,
        SourceAccount: p.Properties.SourceAccount,
        SourceArn: p.Properties.SourceArn,
      })),
    );
    const forServices = permissions.filter((p) => /\.amazonaws\.com$/.test(String(p.Principal)));
    expect(forServices.length).toBeGreaterThan(0);
    for (const permission of forServices) {
      expect(
        permission.SourceAccount !== undefined || permission.SourceArn !== undefined,
        `${permission.where} (${String(permission.Principal)})`,
      ).toBe(true);
    }
  });

  it('keeps deleted or overwritten flow-log, ALB-log and access-log objects as long as the logs, up to a year', () => {
    const logRules = ['flow-log-retention', 'retain-access-logs', 'expire-access-logs'];
    let checked = 0;
    for (const [stackName, t] of templates(env)) {
      for (const [id, bucket] of Object.entries(resourcesOf(t, 'AWS::S3::Bucket'))) {
        const rules = (bucket.Properties.LifecycleConfiguration as { Rules: LifecycleRule[] } | undefined)
          ?.Rules;
        for (const rule of (rules ?? []).filter((r) => logRules.includes(r.Id))) {
          checked += 1;
          const expected = Math.min(rule.ExpirationInDays, 365);
          expect(
            rule.NoncurrentVersionExpiration?.NoncurrentDays,
            `${stackName}/${id}`,
          ).toBeGreaterThanOrEqual(expected);
          // The analytics account keeps its flow logs 90 days (seed 003, out of the CDE); the payment VPC's
          // flow logs, kept a year and more, record every packet that crosses the peering.
          if (envName === 'prod' && !stackName.endsWith('-Analytics'))
            expect(rule.NoncurrentVersionExpiration?.NoncurrentDays).toBeGreaterThanOrEqual(365);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('alerts the compliance topic when an object is deleted from a trail, Config, flow-log, ALB or access-log bucket', () => {
    const auditRules = ['audit-retention', 'flow-log-retention', 'retain-access-logs', 'expire-access-logs'];
    for (const stack of [env.stacks.security, env.stacks.network, env.stacks.app]) {
      const t = env.template(stack);
      const rules = Object.values(resourcesOf(t, 'AWS::Events::Rule')).filter((r) =>
        JSON.stringify(r.Properties.EventPattern).includes('Object Deleted'),
      );
      const watched = JSON.stringify(rules.map((r) => r.Properties.EventPattern));
      const buckets = Object.entries(resourcesOf(t, 'AWS::S3::Bucket')).filter(([, b]) =>
        ((b.Properties.LifecycleConfiguration as { Rules: LifecycleRule[] } | undefined)?.Rules ?? []).some(
          (r) => auditRules.includes(r.Id),
        ),
      );
      expect(buckets.length, stack.stackName).toBeGreaterThanOrEqual(2);
      for (const [id, bucket] of buckets) {
        expect(bucket.Properties.NotificationConfiguration, `${stack.stackName}/${id}`).toEqual({
          EventBridgeConfiguration: { EventBridgeEnabled: true },
        });
        expect(watched, `${stack.stackName}/${id}`).toContain(`"Ref":"${id}"`);
      }
      for (const rule of rules) {
        expect(JSON.stringify(rule.Properties.EventPattern)).toContain('"reason":["DeleteObject"]');
        // The security stack's compliance topic: a Ref there, an import in later stacks.
        expect(JSON.stringify(rule.Properties.Targets)).toMatch(/BaselineAlertsCompliance/);
      }
    }
  });
});
