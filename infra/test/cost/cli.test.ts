import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseArgs, reportUnpriced, runCost, USAGE } from '../../cost/cli.js';
import { priceEnvironment } from '../../cost/engine.js';
import { stack, TEST_PROFILE } from './fixtures.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = runCost(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readmePath: '/nonexistent/README.md',
  });
  return { status, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('npm run cost: arguments', () => {
  it('defaults to dev, text output', () => {
    expect(parseArgs([])).toEqual({
      envs: ['dev'],
      context: {},
      json: false,
      readme: false,
      check: false,
      help: false,
    });
  });

  it('--env all prices every environment; --compute and -c become context', () => {
    expect(
      parseArgs(['--env', 'all', '--compute=ec2', '-c', 'network.natStrategy=instance', '--json']),
    ).toMatchObject({
      envs: ['dev', 'staging', 'prod'],
      context: { compute: 'ec2', 'network.natStrategy': 'instance' },
      json: true,
    });
  });

  it.each([
    [['--env', 'qa'], '--env: got "qa"; must be one of dev | staging | prod | all'],
    [['--env'], '--env needs a value'],
    [['--env', '--json'], '--env needs a value'],
    [['--region', 'eu-west-1'], 'unknown option --region (see --help)'],
    [['-c', 'natStrategy'], '-c: got "natStrategy"; must be key=value, such as network.natStrategy=instance'],
    [['-c', 'env=prod'], '-c: choose the environment with --env, not -c env='],
    [['--check'], '--check only goes with --readme'],
    [['--readme', '--env', 'prod'], '--readme prices its fixed rows'],
  ])('%j fails with a clear message and status 2', (argv, message) => {
    const result = run(...argv);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('usage: npm run cost');
  });

  it('--compute is checked against the compute modes the config accepts, before anything is synthesized', () => {
    const result = run('--env', 'all', '--compute', 'lambda');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--compute: got "lambda"; must be one of fargate | ec2 | eks');
  });

  it('any other invalid override fails with the config error (status 1)', () => {
    const result = run('-c', 'network.natStrategy=nat-box');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'network.natStrategy: got "nat-box"; must be one of gateway-per-az | single-gateway | instance',
    );
  });

  it('--help prints the usage', () => {
    expect(run('--help')).toEqual({ status: 0, stdout: USAGE, stderr: '' });
  });

  it('the npm script runs the same command', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'infra/scripts/cost.ts', '--env', 'qa'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--env: got "qa"');
  });
});

describe('npm run cost: unpriced resources fail the command', () => {
  it('names the environment, stack, logical id and type, and exits 1', () => {
    const cost = priceEnvironment(
      [stack('Tessera-dev-App', { Gadget: { Type: 'AWS::Foo::Bar' } })],
      TEST_PROFILE,
    );
    const err: string[] = [];
    const status = reportUnpriced([{ envName: 'dev', compute: 'fargate', profile: TEST_PROFILE, cost }], {
      stdout: () => undefined,
      stderr: (t) => err.push(t),
      readmePath: '',
    });
    expect(status).toBe(1);
    expect(err.join('\n')).toContain(
      'dev Tessera-dev-App Gadget (AWS::Foo::Bar): resource type is neither priced nor listed as free',
    );
  });
});
