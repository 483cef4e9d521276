import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { assertDeployable, defaultsFor, isDeploying } from '../../config/index.js';
import { isPlaceholderEmail } from '../../config/placeholders.js';
import { MONITORED_ALERT_EMAILS, MONITORED_ESCALATION_EMAILS } from '../support/config.js';

const ISSUED_CERTIFICATE =
  'arn:aws:acm:us-east-1:123456789013:certificate/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b';

describe('deploy preflight', () => {
  it('is off for a plain synth', () => {
    expect(isDeploying(new App(), {})).toBe(false);
  });

  it('is on with -c deploy=true or TESSERA_DEPLOY=1', () => {
    expect(isDeploying(new App({ context: { deploy: 'true' } }), {})).toBe(true);
    expect(isDeploying(new App(), { TESSERA_DEPLOY: '1' })).toBe(true);
  });

  it('refuses the placeholder account ids, naming each field and how to fix it', () => {
    expect(() => assertDeployable(defaultsFor('prod'))).toThrow(
      /accounts\.payment: got "111111111111"; is a placeholder[\s\S]*accounts\.analytics: got "222222222222"/,
    );
  });

  it('refuses repeated-digit ids and the documentation example', () => {
    const c = defaultsFor('dev');
    c.accounts = { payment: '999999999999', analytics: '123456789012' };
    expect(() => assertDeployable(c)).toThrow(
      /accounts\.payment: got "999999999999"; is a placeholder[\s\S]*accounts\.analytics: got "123456789012"/,
    );
  });

  it('refuses the placeholder alert addresses (a domain reserved for documentation), naming each topic', () => {
    expect(() => assertDeployable(defaultsFor('prod'))).toThrow(
      /alertEmails\.security: got "security@tessera\.example\.com"; is a placeholder[\s\S]*alertEmails\.compliance: got "compliance@tessera\.example\.com"[\s\S]*alertEmails\.operations: got "operations@tessera\.example\.com"/,
    );
    for (const address of ['ops@example.org', 'ops@alerts.example.net', 'ops@tessera.test', 'a@b.invalid']) {
      expect(isPlaceholderEmail(address), address).toBe(true);
    }
    for (const address of ['ops@examples.com', 'ops@example.com.au', MONITORED_ALERT_EMAILS.security]) {
      expect(isPlaceholderEmail(address), address).toBe(false);
    }
  });

  it('refuses the placeholder NAT AMI when NAT instances would be launched', () => {
    const c = defaultsFor('dev');
    c.accounts = { payment: '123456789013', analytics: '210987654321' };
    c.alertEmails = { ...MONITORED_ALERT_EMAILS };
    c.monitoring.escalationEmails = [...MONITORED_ESCALATION_EMAILS];
    c.app.tls.certificateArn = ISSUED_CERTIFICATE;
    expect(() => assertDeployable(c)).toThrow(
      /network\.natInstance\.amiIds\.us-east-1: got "ami-00000000000000000"; is a placeholder; pin the current Amazon Linux 2023/,
    );
    c.network.natStrategy = 'single-gateway';
    expect(() => assertDeployable(c)).not.toThrow();
  });

  it('accepts real-looking account ids and a pinned AMI', () => {
    const c = defaultsFor('dev');
    c.accounts = { payment: '123456789013', analytics: '210987654321' };
    c.alertEmails = { ...MONITORED_ALERT_EMAILS };
    c.monitoring.escalationEmails = [...MONITORED_ESCALATION_EMAILS];
    c.network.natInstance.amiIds['us-east-1'] = 'ami-0123456789abcdef0';
    c.app.tls.certificateArn = ISSUED_CERTIFICATE;
    expect(() => assertDeployable(c)).not.toThrow();
  });
});
