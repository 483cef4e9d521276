import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagPack } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EnvironmentConfig, EnvironmentName } from '../../config/index.js';
import { acknowledge, applyComplianceGate } from '../../lib/compliance/index.js';
import { WITH_PARTNER_API } from '../support/api.js';
import {
  type DeepPartial,
  describeFindings,
  listAcknowledgements,
  newTestApp,
  synthEnvironment,
  synthWithReport,
} from '../support/synth.js';

type Suppressible = { isAcknowledged(resource: { node: { path: string } }, ruleId: string): boolean };

/** `<resource path> <finding id>` of every cdk-nag finding an acknowledgement suppressed during synth. */
const suppressedByNag = new Set<string>();

/** Findings the CloudFormation validation plugin reports as suppressed: `<acknowledged at> <id>`. */
function suppressedByCfnLint(outdir: string): Set<string> {
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { suppressedViolations?: { acknowledgedAt: string; acknowledgedId: string }[] }[];
  };
  return new Set(
    report.pluginReports.flatMap((p) =>
      (p.suppressedViolations ?? []).map((v) => `${v.acknowledgedAt} ${v.acknowledgedId}`),
    ),
  );
}

describe('compliance gate: every environment synthesizes with zero unacknowledged findings', () => {
  beforeAll(() => {
    const pack = NagPack.prototype as unknown as Suppressible;
    const isAcknowledged = pack.isAcknowledged;
    vi.spyOn(pack, 'isAcknowledged').mockImplementation(function (this: unknown, resource, ruleId) {
      const acknowledged = isAcknowledged.call(this, resource, ruleId);
      if (acknowledged) suppressedByNag.add(`${resource.node.path} ${ruleId}`);
      return acknowledged;
    });
  });
  afterAll(() => vi.restoreAllMocks());

  it.each([
    ['dev', {}],
    ['staging', {}],
    ['prod', {}],
    ['prod', { compute: 'ec2' }],
  ] as const)(
    '%s %j, and each acknowledgement suppresses a finding that would fail it (none is stale)',
    (envName, overrides) => expectCompliant(envName, overrides),
  );

  it.each([
    ['dev', {}],
    ['staging', {}],
    ['prod', {}],
    ['prod', { compute: 'ec2' }],
  ] as const)('%s %j with the partner API enabled, no acknowledgement stale', (envName, overrides) =>
    expectCompliant(envName, { ...WITH_PARTNER_API, ...overrides }),
  );
});

/** Zero unacknowledged findings, and every acknowledgement suppresses a finding of this synth. */
function expectCompliant(envName: EnvironmentName, overrides: DeepPartial<EnvironmentConfig> = {}): void {
  suppressedByNag.clear();
  const { app, report } = synthEnvironment(envName, overrides);
  expect(report.findings, describeFindings(report.findings)).toEqual([]);
  const byCfnLint = suppressedByCfnLint(app.outdir);
  const nagHits = [...suppressedByNag].map((hit) => hit.split(' ') as [string, string]);
  const stale = report.acknowledgements
    // aws-cdk-lib acknowledges its own cfn-lint schema errors (F codes) on constructs it creates.
    .filter((ack) => !/CloudFormation-Validate::F\d+$/.test(ack.id))
    .filter((ack) => {
      const id = ack.id.replace(/^annotation::/i, '');
      const byNag = nagHits.some(
        ([path, rule]) =>
          rule === id && (path === ack.constructPath || path.startsWith(`${ack.constructPath}/`)),
      );
      return !byNag && !byCfnLint.has(`${ack.constructPath} ${id}`);
    })
    .map((ack) => `${ack.id} at ${ack.constructPath}`);
  expect(stale, 'acknowledgements that suppress nothing: remove them').toEqual([]);
}

function plainBucketApp(ackS1?: string) {
  const app = newTestApp();
  const stack = new Stack(app, 'Throwaway', { env: { account: '111111111111', region: 'us-east-1' } });
  const bucket = new s3.Bucket(stack, 'Unencrypted', { encryption: s3.BucketEncryption.UNENCRYPTED });
  if (ackS1) acknowledge(bucket, 'AwsSolutions-S1', ackS1);
  applyComplianceGate(app);
  return app;
}

describe('compliance gate: a non-compliant resource fails synth', () => {
  it('throws on an unencrypted, unlogged, non-TLS bucket and reports each pack', () => {
    const app = plainBucketApp();
    expect(() => app.synth()).toThrow(/does not require requests to use SSL/);
  });

  it('names the failing rules of all three packs in the report', () => {
    const { report, error } = synthWithReport(plainBucketApp());
    expect(error).toBeInstanceOf(Error);
    const rules = report.findings.map((f) => f.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        'AwsSolutions-S1',
        'AwsSolutions-S10',
        'PCI.DSS.321-S3DefaultEncryptionKMS',
        'PCI.DSS.321-S3BucketSSLRequestsOnly',
        'NIST.800.53.R5-S3BucketLoggingEnabled',
      ]),
    );
    expect(report.findings.every((f) => f.constructPath === 'Throwaway/Unencrypted/Resource')).toBe(true);
  });

  it('an acknowledgement removes exactly that finding and nothing else', () => {
    const { report } = synthWithReport(
      plainBucketApp('Throwaway bucket in a test: server access logging is exercised elsewhere.'),
    );
    const rules = report.findings.map((f) => f.rule);
    expect(rules).not.toContain('AwsSolutions-S1');
    expect(rules).toContain('AwsSolutions-S10');
    expect(rules).toContain('PCI.DSS.321-S3BucketLoggingEnabled');
    expect(report.acknowledgements).toEqual([
      expect.objectContaining({
        constructPath: 'Throwaway/Unencrypted',
        id: expect.stringMatching(/AwsSolutions-S1$/),
      }),
    ]);
  });
});

describe('acknowledge()', () => {
  const bucket = () => new s3.Bucket(new Stack(newTestApp(), 'S'), 'B');

  it.each(['', 'n/a', 'Not needed', 'false positive', 'too short reason'])(
    'rejects the reason %j',
    (reason) => {
      expect(() => acknowledge(bucket(), 'AwsSolutions-S1', reason)).toThrow(/too short or generic/);
    },
  );

  it.each(['AwsSolutions', 'S1', 'AwsSolutions-*', 'Foo-S1'])('rejects the finding id %j', (id) => {
    expect(() => acknowledge(bucket(), id, 'A long enough and specific reason for an auditor.')).toThrow(
      /is not a finding id/,
    );
  });

  it('accepts one finding with a specific reason, including a scoped IAM5 finding', () => {
    const b = bucket();
    expect(() =>
      acknowledge(b, 'AwsSolutions-IAM5[Resource::*]', 'Describe calls have no resource-level permissions.'),
    ).not.toThrow();
    expect(JSON.stringify(b.node.metadata)).toContain('AwsSolutions-IAM5[Resource::*]');
  });

  it('records one acknowledgement per finding id of an array, all with the same reason', () => {
    const b = bucket();
    const reason = 'Same control in both packs: server access logs are delivered elsewhere.';
    acknowledge(b, ['PCI.DSS.321-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3BucketLoggingEnabled'], reason);
    expect(listAcknowledgements(b)).toEqual([
      { constructPath: 'S/B', id: expect.stringMatching(/PCI\.DSS\.321-S3BucketLoggingEnabled$/), reason },
      {
        constructPath: 'S/B',
        id: expect.stringMatching(/NIST\.800\.53\.R5-S3BucketLoggingEnabled$/),
        reason,
      },
    ]);
  });

  it('validates every id of an array and records none when one is invalid', () => {
    const b = bucket();
    expect(() =>
      acknowledge(
        b,
        ['PCI.DSS.321-S3BucketLoggingEnabled', 'NIST-S3BucketLoggingEnabled'],
        'A long enough and specific reason for an auditor.',
      ),
    ).toThrow(/'NIST-S3BucketLoggingEnabled' is not a finding id/);
    expect(listAcknowledgements(b)).toEqual([]);
  });

  it('rejects an empty array of finding ids and a generic reason for an array', () => {
    expect(() => acknowledge(bucket(), [], 'A long enough and specific reason for an auditor.')).toThrow(
      /no finding id given/,
    );
    expect(() =>
      acknowledge(bucket(), ['PCI.DSS.321-S3BucketLoggingEnabled', 'AwsSolutions-S1'], 'n/a'),
    ).toThrow(/too short or generic/);
  });

  it('an array acknowledgement removes each of its findings at synth and nothing else', () => {
    const app = newTestApp();
    const stack = new Stack(app, 'Throwaway', { env: { account: '111111111111', region: 'us-east-1' } });
    const b = new s3.Bucket(stack, 'Unencrypted', { encryption: s3.BucketEncryption.UNENCRYPTED });
    acknowledge(
      b,
      ['PCI.DSS.321-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3BucketLoggingEnabled'],
      'Throwaway bucket in a test: server access logging is exercised elsewhere.',
    );
    applyComplianceGate(app);
    const rules = synthWithReport(app).report.findings.map((f) => f.rule);
    expect(rules).not.toContain('PCI.DSS.321-S3BucketLoggingEnabled');
    expect(rules).not.toContain('NIST.800.53.R5-S3BucketLoggingEnabled');
    expect(rules).toContain('AwsSolutions-S1');
  });
});
