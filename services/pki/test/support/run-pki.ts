import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';

export interface PkiRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process from `cwd`, as `npm run pki -- …args` would. */
export async function runPki(
  args: readonly string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; now?: Date },
): Promise<PkiRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: opts.env ?? {},
    cwd: opts.cwd,
    now: () => opts.now ?? new Date(),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Like {@link runPki}, but fails the test with the CLI's output when it does not exit 0. */
export async function pki(
  args: readonly string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; now?: Date },
) {
  const run = await runPki(args, opts);
  if (run.code !== 0)
    throw new Error(`pki ${args.join(' ')} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  return run;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
