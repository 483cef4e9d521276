import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { registerEnvironmentName, uniqueName, uniqueNameIn } from '../lib/naming.js';

function stackIn(region: string, env = 'staging'): Stack {
  const app = new App();
  registerEnvironmentName(app, env);
  return new Stack(app, 'S', { env: { account: '123456789012', region } });
}

describe('uniqueName', () => {
  it('includes environment, parts, account and region, lowercased', () => {
    expect(uniqueName(stackIn('eu-west-1'), 'Flow', 'Logs')).toBe(
      'tessera-staging-flow-logs-123456789012-eu-west-1',
    );
  });

  it('follows the stack region instead of hard-coding one', () => {
    expect(uniqueName(stackIn('ap-southeast-2'), 'x')).toMatch(/-ap-southeast-2$/);
  });

  it('replaces characters bucket names do not allow', () => {
    expect(uniqueName(stackIn('us-east-1'), 'a_b.c')).toBe('tessera-staging-a-b-c-123456789012-us-east-1');
  });

  it('refuses names longer than 63 characters', () => {
    expect(() => uniqueName(stackIn('us-east-1'), 'a-very-long-purpose-name-that-overflows')).toThrow(
      /max 63/,
    );
  });

  it('needs an explicit account and region', () => {
    const app = new App();
    registerEnvironmentName(app, 'dev');
    expect(() => uniqueName(new Stack(app, 'Agnostic'), 'x')).toThrow(/explicit account and region/);
  });

  it('needs the environment name registered on the app', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    expect(() => uniqueName(stack, 'x')).toThrow(/no environment name registered/);
  });
});

describe('uniqueNameIn', () => {
  it('names a resource of another region exactly as uniqueName does in that region', () => {
    const where = { envName: 'staging', account: '123456789012', region: 'ap-southeast-2' };
    expect(uniqueNameIn(where, 'documents-dr')).toBe(uniqueName(stackIn('ap-southeast-2'), 'documents-dr'));
    expect(uniqueNameIn({ ...where, region: 'us-west-2' }, 'Documents_DR')).toBe(
      'tessera-staging-documents-dr-123456789012-us-west-2',
    );
  });

  it('refuses names longer than 63 characters', () => {
    expect(() =>
      uniqueNameIn(
        { envName: 'staging', account: '123456789012', region: 'ap-southeast-2' },
        'documents-replica-logs',
      ),
    ).toThrow(/is 66 characters; shorten the parts \(max 63\)/);
  });
});
