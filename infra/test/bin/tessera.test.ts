import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the CDK entry point the way `cdk synth` does, in a child process. */
function runEntry(context: Record<string, string>, env: Record<string, string> = {}) {
  const contextJson = JSON.stringify(context);
  return spawnSync(process.execPath, ['--import', 'tsx', 'infra/bin/tessera.ts'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, CDK_CONTEXT_JSON: contextJson, CDK_OUTDIR: '/nonexistent-not-reached', ...env },
  });
}

describe('infra/bin/tessera.ts', () => {
  it('refuses to deploy with placeholder account ids (TESSERA_DEPLOY=1), naming the fields', () => {
    const result = runEntry({ env: 'prod' }, { TESSERA_DEPLOY: '1' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('deploy preflight');
    expect(result.stderr).toMatch(/accounts\.payment: got "111111111111"; is a placeholder/);
  });

  it('refuses with -c deploy=true as well', () => {
    const result = runEntry({ env: 'dev', deploy: 'true' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(
      /network\.natInstance\.amiIds\.us-east-1: got "ami-00000000000000000"; is a placeholder/,
    );
  });

  it('fails synth on an invalid override with the field, the value and what is allowed', () => {
    const result = runEntry({ env: 'staging', 'network.natStrategy': 'nat-box' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'network.natStrategy: got "nat-box"; must be one of gateway-per-az | single-gateway | instance',
    );
  });
});
