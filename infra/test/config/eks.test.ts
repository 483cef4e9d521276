import { describe, expect, it } from 'vitest';
import { assertDeployable, defaultsFor, loadConfig, validateConfig } from '../../config/index.js';
import { MONITORED_ALERT_EMAILS, MONITORED_ESCALATION_EMAILS, context } from '../support/config.js';

const ISSUED = 'arn:aws:acm:us-east-1:123456789013:certificate/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b';

function deployableEks() {
  const c = defaultsFor('prod');
  c.accounts = { payment: '123456789013', analytics: '210987654321' };
  c.app.tls.certificateArn = ISSUED;
  c.compute = 'eks';
  c.alertEmails = { ...MONITORED_ALERT_EMAILS };
  c.monitoring.escalationEmails = [...MONITORED_ESCALATION_EMAILS];
  return c;
}

describe('EKS section (config/eks.ts)', () => {
  it('pins Kubernetes 1.36, a Graviton node type and every add-on version in each environment', () => {
    for (const envName of ['dev', 'staging', 'prod'] as const) {
      const { eks } = defaultsFor(envName).app;
      expect(eks.kubernetesVersion).toBe('1.36');
      expect(eks.nodeInstanceType).toMatch(/^[a-z]+\d+g[a-z]*\./);
      for (const version of Object.values(eks.addons))
        expect(version).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    }
  });

  it('refuses an unvalidated Kubernetes version, an x86 node type and an unpinned add-on, naming each', () => {
    const c = defaultsFor('dev');
    c.app.eks = {
      ...c.app.eks,
      kubernetesVersion: '1.30' as '1.36',
      nodeInstanceType: 'm7i.large',
      addons: { ...c.app.eks.addons, coreDns: 'latest' },
    };
    expect(() => validateConfig(c)).toThrow(/app\.eks\.kubernetesVersion: got "1\.30"; must be one of 1\.36/);
    expect(() => validateConfig(c)).toThrow(
      /app\.eks\.nodeInstanceType: got "m7i\.large"; must be a Graviton/,
    );
    expect(() => validateConfig(c)).toThrow(
      /app\.eks\.addons\.coreDns: got "latest"; must be a pinned EKS add-on/,
    );
  });

  it('refuses a CPU limit below the request', () => {
    const c = defaultsFor('prod');
    c.app.eks.podCpuLimitMillicores = 250;
    expect(() => validateConfig(c)).toThrow(
      /app\.eks\.podCpuLimitMillicores: .*must be at least podCpuMillicores \(500\)/,
    );
  });

  it('accepts an admin role override from the command line', () => {
    const role = 'arn:aws:iam::123456789013:role/platform-admin';
    const c = loadConfig({
      envName: 'prod',
      getContext: context({ compute: 'eks', 'app.eks.adminRoleArn': role }),
    });
    expect(c.app.eks.adminRoleArn).toBe(role);
  });

  it('refuses the placeholder admin role at deploy, and a role of another account', () => {
    const c = deployableEks();
    expect(() => assertDeployable(c)).toThrow(
      /app\.eks\.adminRoleArn: got "arn:aws:iam::111111111111:role\/tessera-eks-admin-placeholder"; is a placeholder/,
    );
    c.app.eks.adminRoleArn = 'arn:aws:iam::210987654321:role/platform-admin';
    expect(() => assertDeployable(c)).toThrow(
      /app\.eks\.adminRoleArn: .*must be a role of the payment account 123456789013/,
    );
    c.app.eks.adminRoleArn = 'arn:aws:iam::123456789013:role/platform-admin';
    expect(() => assertDeployable(c)).not.toThrow();
  });

  it('leaves the placeholder role alone in the other compute modes', () => {
    const c = deployableEks();
    c.compute = 'fargate';
    expect(() => assertDeployable(c)).not.toThrow();
  });
});
