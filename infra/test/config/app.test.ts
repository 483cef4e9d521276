import { describe, expect, it } from 'vitest';
import { listenerCertificate } from '../../config/app.js';
import { assertDeployable, defaultsFor, loadConfig, validateConfig } from '../../config/index.js';
import { PLACEHOLDER_CERTIFICATE_ARN } from '../../config/placeholders.js';
import { MONITORED_ALERT_EMAILS, MONITORED_ESCALATION_EMAILS, context, rejected } from '../support/config.js';

const ISSUED = 'arn:aws:acm:us-east-1:123456789013:certificate/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b';
const ZONE = { id: 'Z0123456789ABC', name: 'pay.example.com' };

function deployable(envName: 'dev' | 'staging' | 'prod') {
  const c = defaultsFor(envName);
  c.accounts = { payment: '123456789013', analytics: '210987654321' };
  c.alertEmails = { ...MONITORED_ALERT_EMAILS };
  c.monitoring.escalationEmails = [...MONITORED_ESCALATION_EMAILS];
  c.network.natStrategy = 'single-gateway';
  return c;
}

describe('compute and app section (config/app.ts)', () => {
  it('runs Fargate by default, prod at 2-6 tasks (desired 3) with a weekday floor of 4', () => {
    const prod = defaultsFor('prod');
    expect(prod.compute).toBe('fargate');
    expect(prod.app.scaling).toMatchObject({
      minCapacity: 2,
      maxCapacity: 6,
      desiredCapacity: 3,
      businessHoursMinCapacity: 4,
      cpuTargetPercent: 70,
      scaleUpHour: 8,
      scaleDownHour: 18,
    });
  });

  it('switches to EC2 with -c compute=ec2 and to EKS with -c compute=eks', () => {
    expect(loadConfig({ envName: 'prod', getContext: context({ compute: 'ec2' }) }).compute).toBe('ec2');
    expect(loadConfig({ envName: 'prod', getContext: context({ compute: 'eks' }) }).compute).toBe('eks');
    expect(() => loadConfig({ envName: 'prod', getContext: context({ compute: 'lambda' }) })).toThrow(
      /compute: got "lambda"; must be one of fargate \| ec2 \| eks/,
    );
  });

  it('refuses a load balancer without a certificate, naming both ways to provide one', () => {
    const c = defaultsFor('dev');
    c.app.tls = {};
    expect(() => validateConfig(c)).toThrow(
      /app\.tls\.certificateArn: is missing; an HTTPS listener needs a certificate: set app\.tls\.certificateArn .* or app\.tls\.hostedZone and app\.tls\.domainName/,
    );
  });

  it('requires a domain name with an imported certificate (it does not cover the load balancer name)', () => {
    const c = defaultsFor('dev');
    c.app.tls = { certificateArn: ISSUED };
    expect(() => validateConfig(c)).toThrow(
      /app\.tls\.domainName: is missing; is required with an imported app\.tls\.certificateArn: the certificate covers that name, not the load balancer's DNS name/,
    );
    c.app.tls.domainName = 'api.pay.example.com';
    expect(() => validateConfig(c)).not.toThrow();
    // The example certificate stands in for offline synth and is refused at deploy time instead.
    expect(() => validateConfig(defaultsFor('prod'))).not.toThrow();
    c.app.tls = { domainName: 'api.pay.example.com' };
    expect(() => validateConfig(c)).toThrow(
      /app\.tls\.hostedZone: is missing; is required with app\.tls\.domainName unless/,
    );
  });

  it('sizes the per-IP WAF limit for merchant backends: one task at least, the scaled-out fleet at most', () => {
    for (const envName of ['dev', 'staging', 'prod'] as const) {
      const { app } = defaultsFor(envName);
      const oneTask = app.scaling.requestsPerTarget * 5;
      expect(app.wafRateLimitPerFiveMinutes, envName).toBeGreaterThanOrEqual(oneTask);
      expect(app.wafRateLimitPerFiveMinutes, envName).toBeLessThanOrEqual(oneTask * app.scaling.maxCapacity);
    }
    expect(rejected((c) => (c.app.wafRateLimitPerFiveMinutes = 2000), 'prod').message).toContain(
      "app.wafRateLimitPerFiveMinutes: got 2000; must be at least 5000 (one task's scaling target",
    );
    expect(rejected((c) => (c.app.wafRateLimitPerFiveMinutes = 30001), 'prod').message).toContain(
      'app.wafRateLimitPerFiveMinutes: got 30001; must be at most 30000 (the scaled-out fleet',
    );
  });

  it('accepts a hosted zone plus a domain inside it, and refuses a domain outside it', () => {
    const c = defaultsFor('dev');
    c.app.tls = { hostedZone: ZONE, domainName: 'api.pay.example.com' };
    expect(() => validateConfig(c)).not.toThrow();
    c.app.tls.domainName = 'api.other.example.com';
    expect(() => validateConfig(c)).toThrow(
      /app\.tls\.domainName: .*must be inside the hosted zone pay\.example\.com/,
    );
    c.app.tls = { hostedZone: ZONE };
    expect(() => validateConfig(c)).toThrow(
      /app\.tls\.domainName: is missing; is required with app\.tls\.hostedZone/,
    );
  });

  it('refuses a load balancer certificate from another region', () => {
    const e = rejected((c) => (c.app.tls.certificateArn = ISSUED.replace('us-east-1', 'eu-west-1')));
    expect(e.message).toMatch(
      /app\.tls\.certificateArn: .*must be a certificate in the primary region us-east-1/,
    );
  });

  it('refuses x86 instance types, unknown time zones and inconsistent capacities', () => {
    const c = defaultsFor('prod');
    c.app.ec2.instanceType = 't3.medium';
    c.app.scaling.timeZone = 'Mars/Olympus';
    c.app.scaling.desiredCapacity = 9;
    expect(() => validateConfig(c)).toThrow(
      /app\.ec2\.instanceType: got "t3\.medium"; must be a Graviton[\s\S]*app\.scaling\.timeZone: got "Mars\/Olympus"; must be an IANA time zone[\s\S]*app\.scaling\.desiredCapacity: got 9; must be between minCapacity \(2\) and maxCapacity \(6\)/,
    );
  });

  it('validates the scaling shape once, here: every rule the services rely on', () => {
    const fields = (change: (s: ReturnType<typeof defaultsFor>['app']['scaling']) => void) =>
      rejected((c) => change(c.app.scaling), 'prod').issues.map((i) => `${i.field}: ${i.problem}`);
    expect(fields((s) => (s.minCapacity = 0))).toEqual(
      expect.arrayContaining(['app.scaling.minCapacity: must be at least 1']),
    );
    expect(fields((s) => (s.maxCapacity = 1))).toEqual(
      expect.arrayContaining(['app.scaling.maxCapacity: must be at least minCapacity (2)']),
    );
    expect(fields((s) => (s.businessHoursMinCapacity = 7))).toEqual([
      'app.scaling.businessHoursMinCapacity: must be between minCapacity (2) and maxCapacity (6)',
    ]);
    expect(fields((s) => (s.cpuTargetPercent = 120))).toEqual([
      'app.scaling.cpuTargetPercent: must be at most 100',
    ]);
    expect(fields((s) => (s.requestsPerTarget = 0))).toEqual([
      'app.scaling.requestsPerTarget: must be at least 1',
    ]);
    expect(fields((s) => (s.scaleDownHour = 24))).toEqual([
      'app.scaling.scaleDownHour: must be an hour 0-23',
    ]);
    expect(fields((s) => (s.scaleUpHour = 19))).toEqual([
      'app.scaling.scaleUpHour: must be before scaleDownHour (18)',
    ]);
  });

  it('refuses a Fargate task size Fargate does not run, listing the sizes it does', () => {
    expect(rejected((c) => (c.app.fargate = { cpu: 1024, memoryMiB: 1024 })).message).toContain(
      'app.fargate.memoryMiB: got 1024; must be a size Fargate runs with 1024 CPU units: 2048-8192 in steps of 1024',
    );
    expect(rejected((c) => (c.app.fargate = { cpu: 256, memoryMiB: 4096 })).message).toContain(
      'must be a size Fargate runs with 256 CPU units: 512 | 1024 | 2048',
    );
    const c = defaultsFor('dev');
    c.app.fargate = { cpu: 4096, memoryMiB: 30720 };
    expect(() => validateConfig(c)).not.toThrow();
  });

  it('requires the interface endpoints the payment API calls, naming the missing ones', () => {
    const e = rejected((c) => (c.network.interfaceEndpoints = ['secretsmanager', 'kms', 'sqs']));
    expect(e.message).toContain(
      'network.interfaceEndpoints: got ["secretsmanager","kms","sqs"]; must include ecr.api, ecr.dkr, logs: the payment API reaches those AWS APIs through interface endpoints, never across the NAT',
    );
    // The events queue too: the service's internet egress is for webhooks, not for SQS.
    expect(
      rejected(
        (c) => (c.network.interfaceEndpoints = ['secretsmanager', 'kms', 'ecr.api', 'ecr.dkr', 'logs']),
      ).message,
    ).toContain('must include sqs: the payment API reaches those AWS APIs through interface endpoints');
  });

  it('requires the AWS-owned buckets the compute mode reads through the S3 endpoint', () => {
    const ec2 = rejected((c) => {
      c.compute = 'ec2';
      c.network.awsOwnedBuckets = ['ecr-image-layers', 'cloudformation-responses'];
    });
    expect(ec2.message).toContain(
      'network.awsOwnedBuckets: got ["ecr-image-layers","cloudformation-responses"]; must include amazon-linux-repositories for compute \'ec2\'',
    );
    expect(rejected((c) => (c.network.awsOwnedBuckets = [])).message).toContain(
      "must include ecr-image-layers for compute 'fargate'",
    );
    const fargate = defaultsFor('dev');
    fargate.network.awsOwnedBuckets = ['ecr-image-layers', 'cloudformation-responses'];
    expect(() => validateConfig(fargate)).not.toThrow();
  });

  it('requires the S3 prefix list and, in EC2 mode, a pinned AMI of the primary region', () => {
    const e = rejected((c) => {
      c.compute = 'ec2';
      c.app.ec2.amiIds = {};
      delete c.app.s3PrefixListIds['us-east-1'];
    });
    expect(e.message).toContain(
      "app.ec2.amiIds.us-east-1: is missing; compute 'ec2' needs a pinned Amazon Linux 2023",
    );
    expect(e.message).toContain(
      'app.s3PrefixListIds.us-east-1: is missing; needs the S3 prefix list of us-east-1',
    );
  });

  it('deploy preflight refuses the example certificate and, in EC2 mode, the placeholder AMI', () => {
    const c = deployable('prod');
    expect(() => assertDeployable(c)).toThrow(/app\.tls\.certificateArn: .*is the example certificate/);
    c.app.tls.certificateArn = ISSUED;
    expect(() => assertDeployable(c)).not.toThrow();
    c.compute = 'ec2';
    expect(() => assertDeployable(c)).toThrow(
      /app\.ec2\.amiIds\.us-east-1: got "ami-00000000000000000"; is a placeholder/,
    );
    c.app.ec2.amiIds['us-east-1'] = 'ami-0123456789abcdef0';
    expect(() => assertDeployable(c)).not.toThrow();
  });

  it('deploy preflight refuses a certificate of another account', () => {
    const c = deployable('prod');
    c.app.tls.certificateArn = ISSUED.replace('123456789013', '123456789099');
    expect(() => assertDeployable(c)).toThrow(/must belong to the payment account 123456789013/);
  });
});

describe('listenerCertificate: what the App stack builds the certificate from', () => {
  it('imports an issued certificate as configured, with the alias zone when one is set', () => {
    const c = defaultsFor('prod');
    c.app.tls = { certificateArn: ISSUED, hostedZone: ZONE, domainName: 'api.pay.example.com' };
    expect(listenerCertificate(c)).toEqual(c.app.tls);
  });

  it('lets a hosted zone replace the example certificate', () => {
    const c = defaultsFor('prod');
    c.app.tls = {
      certificateArn: PLACEHOLDER_CERTIFICATE_ARN,
      hostedZone: ZONE,
      domainName: 'api.pay.example.com',
    };
    expect(listenerCertificate(c)).toEqual({ hostedZone: ZONE, domainName: 'api.pay.example.com' });
  });

  it('moves the example certificate to the configured account and region', () => {
    const c = defaultsFor('prod');
    c.accounts.payment = '123456789013';
    c.regions = { primary: 'eu-west-1', dr: 'eu-central-1' };
    expect(listenerCertificate(c)).toEqual({
      certificateArn: 'arn:aws:acm:eu-west-1:123456789013:certificate/00000000-0000-0000-0000-000000000000',
    });
  });
});
