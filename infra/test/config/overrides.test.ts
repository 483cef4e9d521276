import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveConfig } from '../../config/index.js';

const context =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

function writeTemp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('context overrides (-c key=value)', () => {
  it('overrides a single top-level key', () => {
    const c = loadConfig({ envName: 'prod', getContext: context({ natStrategy: 'instance' }) });
    expect(c.natStrategy).toBe('instance');
    expect(c.removalPolicy).toBe('retain');
  });

  it('coerces numbers given as strings', () => {
    const c = loadConfig({
      envName: 'staging',
      getContext: context({
        azCount: '2',
        availabilityZones: 'us-east-1a,us-east-1b',
        logRetentionDays: '731',
      }),
    });
    expect(c.azCount).toBe(2);
    expect(c.availabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
    expect(c.logRetentionDays).toBe(731);
  });

  it('-c azCount=2 alone keeps the first two configured zones', () => {
    const c = loadConfig({ envName: 'prod', getContext: context({ azCount: '2' }) });
    expect([c.azCount, c.availabilityZones]).toEqual([2, ['us-east-1a', 'us-east-1b']]);
  });

  it('-c azCount above the zones listed is reported, not invented', () => {
    expect(() => loadConfig({ envName: 'dev', getContext: context({ azCount: '3' }) })).toThrow(
      'azCount: got 3; must equal the number of availabilityZones (2: us-east-1a, us-east-1b)',
    );
  });

  it('accepts JSON lists', () => {
    const c = loadConfig({ getContext: context({ interfaceEndpoints: '["kms","sts"]' }) });
    expect(c.interfaceEndpoints).toEqual(['kms', 'sts']);
  });

  it('overrides nested keys by dotted path, keeping account ids as strings', () => {
    const c = loadConfig({ getContext: context({ 'accounts.payment': '000123456789' }) });
    expect(c.accounts.payment).toBe('000123456789');
    expect(c.accounts.analytics).toBe('222222222222');
  });

  it('names the key when a number cannot be parsed', () => {
    expect(() => loadConfig({ getContext: context({ azCount: 'two' }) })).toThrow(
      /azCount: got "two"; must be a number/,
    );
  });

  it('validates overridden values like any other', () => {
    expect(() => loadConfig({ getContext: context({ logRetentionDays: '45' }) })).toThrow(
      /logRetentionDays: got 45; must be one of the values CloudWatch Logs accepts/,
    );
  });

  it('reads env and overrides from a CDK app context', () => {
    const app = new App({ context: { env: 'prod', natStrategy: 'single-gateway', azCount: '3' } });
    const c = resolveConfig(app);
    expect([c.envName, c.natStrategy, c.azCount]).toEqual(['prod', 'single-gateway', 3]);
  });

  it('defaults to dev', () => {
    expect(resolveConfig(new App()).envName).toBe('dev');
  });
});

describe('override file (-c configFile=...)', () => {
  it('merges a YAML file over the defaults, replacing lists', () => {
    const file = writeTemp(
      'prod.yaml',
      'accounts:\n  payment: "987654321098"\navailabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]\nregions:\n  primary: eu-west-1\n  dr: eu-central-1\nnatInstance:\n  amiIds:\n    eu-west-1: ami-0123456789abcdef0\n',
    );
    const c = loadConfig({ envName: 'prod', configFile: file });
    expect(c.accounts).toEqual({ payment: '987654321098', analytics: '222222222222' });
    expect(c.regions.primary).toBe('eu-west-1');
    expect(c.availabilityZones).toHaveLength(3);
    expect(c.natInstance.amiIds['eu-west-1']).toBe('ami-0123456789abcdef0');
  });

  it('merges a JSON file, and context overrides win over the file', () => {
    const file = writeTemp(
      'dev.json',
      JSON.stringify({ natStrategy: 'single-gateway', logRetentionDays: 90 }),
    );
    const c = loadConfig({ configFile: file, getContext: context({ natStrategy: 'gateway-per-az' }) });
    expect([c.natStrategy, c.logRetentionDays]).toEqual(['gateway-per-az', 90]);
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

  it('reports invalid values from the file with their field', () => {
    const file = writeTemp('bad.yaml', 'alertEmails:\n  compliance: nobody\n');
    expect(() => loadConfig({ configFile: file })).toThrow(ConfigError);
    expect(() => loadConfig({ configFile: file })).toThrow(/alertEmails\.compliance: got "nobody"/);
  });
});
