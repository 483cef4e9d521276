import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveConfig } from '../../config/index.js';
import { context } from '../support/config.js';

function writeTemp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('context overrides (-c key=value)', () => {
  it('overrides a single key by its dotted path', () => {
    const c = loadConfig({ envName: 'prod', getContext: context({ 'network.natStrategy': 'instance' }) });
    expect(c.network.natStrategy).toBe('instance');
    expect(c.removalPolicy).toBe('retain');
  });

  it('coerces numbers given as strings, and shrinks the VPC with a shorter zone list', () => {
    const c = loadConfig({
      envName: 'staging',
      getContext: context({ availabilityZones: 'us-east-1a,us-east-1b', logRetentionDays: '731' }),
    });
    expect(c.availabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
    expect(c.logRetentionDays).toBe(731);
  });

  it('accepts JSON lists', () => {
    const c = loadConfig({
      getContext: context({
        'network.interfaceEndpoints': '["secretsmanager","kms","ecr.api","ecr.dkr","logs","sqs"]',
      }),
    });
    expect(c.network.interfaceEndpoints).toEqual([
      'secretsmanager',
      'kms',
      'ecr.api',
      'ecr.dkr',
      'logs',
      'sqs',
    ]);
  });

  it('overrides optional keys the defaults leave unset', () => {
    const snapshot = 'arn:aws:rds:us-east-1:123456789013:cluster-snapshot:awsbackup:job-1234';
    const c = loadConfig({ envName: 'prod', getContext: context({ 'data.restoreFromSnapshot': snapshot }) });
    expect(c.data.restoreFromSnapshot).toBe(snapshot);
  });

  it('overrides nested keys by dotted path, keeping account ids as strings', () => {
    const c = loadConfig({ getContext: context({ 'accounts.payment': '000123456789' }) });
    expect(c.accounts.payment).toBe('000123456789');
    expect(c.accounts.analytics).toBe('222222222222');
  });

  it('names the key when a number cannot be parsed', () => {
    expect(() => loadConfig({ getContext: context({ 'data.rotationDays': 'two' }) })).toThrow(
      /data\.rotationDays: got "two"; must be a number/,
    );
  });

  it('validates overridden values like any other', () => {
    expect(() => loadConfig({ getContext: context({ logRetentionDays: '45' }) })).toThrow(
      /logRetentionDays: got 45; must be one of the values CloudWatch Logs accepts/,
    );
  });

  it('reads env and overrides from a CDK app context', () => {
    const app = new App({ context: { env: 'prod', 'network.natStrategy': 'single-gateway' } });
    const c = resolveConfig(app);
    expect([c.envName, c.network.natStrategy]).toEqual(['prod', 'single-gateway']);
  });

  it('refuses the keys that moved or went away instead of ignoring them, naming where they are now', () => {
    const app = new App({
      context: {
        env: 'prod',
        natStrategy: 'instance',
        azCount: '2',
        'natInstance.instanceType': 't4g.micro',
      },
    });
    expect(() => resolveConfig(app)).toThrow(ConfigError);
    let message = '';
    try {
      resolveConfig(app);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('natStrategy: got "instance"; moved to network.natStrategy');
    expect(message).toContain('natInstance.instanceType: got "t4g.micro"; moved to network.natInstance');
    expect(message).toContain(
      'azCount: got "2"; was removed: the VPC spans every zone in availabilityZones; shrink with -c availabilityZones=',
    );
  });

  it('defaults to dev', () => {
    expect(resolveConfig(new App()).envName).toBe('dev');
  });
});

describe('override file (-c configFile=...)', () => {
  it('merges a YAML file over the defaults, replacing lists', () => {
    const file = writeTemp(
      'prod.yaml',
      'accounts:\n  payment: "987654321098"\navailabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]\nregions:\n  primary: eu-west-1\n  dr: eu-central-1\nnetwork:\n  natInstance:\n    amiIds:\n      eu-west-1: ami-0123456789abcdef0\n',
    );
    const c = loadConfig({ envName: 'prod', configFile: file });
    expect(c.accounts).toEqual({ payment: '987654321098', analytics: '222222222222' });
    expect(c.regions.primary).toBe('eu-west-1');
    expect(c.availabilityZones).toHaveLength(3);
    expect(c.network.natInstance.amiIds).toEqual({
      'us-east-1': 'ami-00000000000000000',
      'eu-west-1': 'ami-0123456789abcdef0',
    });
  });

  it('merges a JSON file, and context overrides win over the file', () => {
    const file = writeTemp(
      'dev.json',
      JSON.stringify({ network: { natStrategy: 'single-gateway' }, logRetentionDays: 90 }),
    );
    const c = loadConfig({
      configFile: file,
      getContext: context({ 'network.natStrategy': 'gateway-per-az' }),
    });
    expect([c.network.natStrategy, c.logRetentionDays]).toEqual(['gateway-per-az', 90]);
  });

  it('resolves a relative path against the working directory', () => {
    const file = writeTemp('over.json', '{"logRetentionDays": 60}');
    const c = loadConfig({ configFile: 'over.json', cwd: join(file, '..') });
    expect(c.logRetentionDays).toBe(60);
  });

  it('rejects a file in another format', () => {
    expect(() => loadConfig({ configFile: writeTemp('x.toml', 'a = 1') })).toThrow(
      /configFile: got ".*x\.toml"; must end in \.json, \.yaml or \.yml/,
    );
  });

  it('rejects a missing file', () => {
    expect(() => loadConfig({ configFile: '/nonexistent/tessera.yaml' })).toThrow(
      /configFile: .* does not exist/,
    );
  });

  it('rejects unparsable content', () => {
    expect(() => loadConfig({ configFile: writeTemp('bad.json', '{ nope') })).toThrow(/is not valid json/);
  });

  it('rejects a file that targets another environment', () => {
    expect(() =>
      loadConfig({ envName: 'dev', configFile: writeTemp('p.json', '{"envName":"prod"}') }),
    ).toThrow(/envName: got "prod"; must match -c env=dev/);
  });

  it('refuses a file written for the old layout, naming where each key lives now', () => {
    const file = writeTemp('old.yaml', 'natStrategy: instance\nvpcCidrs:\n  analytics: 10.2.0.0/16\n');
    expect(() => loadConfig({ configFile: file })).toThrow(
      /natStrategy: got "instance"; moved to network\.natStrategy\n.*vpcCidrs\.analytics: got "10\.2\.0\.0\/16"; moved to network\.vpcCidrs/,
    );
  });

  it('reports invalid values from the file with their field', () => {
    const file = writeTemp('bad.yaml', 'alertEmails:\n  compliance: nobody\n');
    expect(() => loadConfig({ configFile: file })).toThrow(ConfigError);
    expect(() => loadConfig({ configFile: file })).toThrow(/alertEmails\.compliance: got "nobody"/);
  });
});
