import { describe, expect, it } from 'vitest';
import { assertDeployable, defaultsFor, loadConfig, validateConfig } from '../../config/index.js';

const ISSUED = 'arn:aws:acm:us-east-1:123456789013:certificate/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b';

function deployable(envName: 'dev' | 'staging' | 'prod') {
  const c = defaultsFor(envName);
  c.accounts = { payment: '123456789013', analytics: '210987654321' };
  c.natStrategy = 'single-gateway';
  return c;
}

describe('compute and edge configuration', () => {
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
    expect(prod.app.logRetentionDays).toBe(2557);
  });

  it('switches to EC2 with -c compute=ec2', () => {
    const ctx: Record<string, string> = { compute: 'ec2' };
    expect(loadConfig({ envName: 'prod', getContext: (k) => ctx[k] }).compute).toBe('ec2');
    const bad: Record<string, string> = { compute: 'eks' };
    expect(() => loadConfig({ envName: 'prod', getContext: (k) => bad[k] })).toThrow(
      /compute: got "eks"; must be one of fargate \| ec2/,
    );
  });

  it('refuses a load balancer without a certificate, naming both ways to provide one', () => {
    const c = defaultsFor('dev');
    c.app.tls = {};
    expect(() => validateConfig(c)).toThrow(
      /app\.tls\.certificateArn: is missing; an HTTPS listener needs a certificate: set app\.tls\.certificateArn .* or app\.tls\.hostedZone and app\.tls\.domainName/,
    );
  });

  it('accepts a hosted zone plus a domain inside it, and refuses a domain outside it', () => {
    const c = defaultsFor('dev');
    c.app.tls = {
      hostedZone: { id: 'Z0123456789ABC', name: 'pay.example.com' },
      domainName: 'api.pay.example.com',
    };
    expect(() => validateConfig(c)).not.toThrow();
    c.app.tls.domainName = 'api.other.example.com';
    expect(() => validateConfig(c)).toThrow(
      /app\.tls\.domainName: .*must be inside the hosted zone pay\.example\.com/,
    );
    c.app.tls = { hostedZone: { id: 'Z0123456789ABC', name: 'pay.example.com' } };
    expect(() => validateConfig(c)).toThrow(
      /app\.tls\.domainName: is missing; is required with app\.tls\.hostedZone/,
    );
  });

  it('refuses a load balancer certificate from another region and a CloudFront certificate outside us-east-1', () => {
    const c = defaultsFor('dev');
    c.app.tls.certificateArn = ISSUED.replace('us-east-1', 'eu-west-1');
    c.edge.certificateArn = ISSUED.replace('us-east-1', 'eu-west-1');
    c.edge.domainNames = ['status.example.com'];
    expect(() => validateConfig(c)).toThrow(
      /app\.tls\.certificateArn: .*must be a certificate in the primary region us-east-1[\s\S]*edge\.certificateArn: .*must be a certificate in us-east-1/,
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
