// Test support for this package and the packages that use its certificates (`@tessera/pki/testing`):
// runs the real CLI in process against a temporary folder, the way a platform team runs `npm run pki`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './cli.js';
import { identityFromCertificate } from './client-certificate.js';

export interface PkiRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The CLI's clock (e.g. in the past, to issue an already expired certificate). */
  readonly now?: Date;
}

/** Runs `npm run pki -- …args` in process from `cwd`; returns the exit code and output. */
export async function runPki(args: readonly string[], opts: RunOptions): Promise<PkiRun> {
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

/** Like {@link runPki}, but throws with the CLI's output when it does not exit 0. */
export async function pki(args: readonly string[], opts: RunOptions): Promise<PkiRun> {
  const run = await runPki(args, opts);
  if (run.code !== 0)
    throw new Error(`pki ${args.join(' ')} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  return run;
}

export interface PkiWorkspace {
  readonly dir: string;
  /** Absolute path of a file in the workspace. */
  path(relative: string): string;
  /** Runs the CLI in the workspace and fails on a non-zero exit. */
  run(args: readonly string[], opts?: { env?: NodeJS.ProcessEnv; now?: Date }): Promise<PkiRun>;
  read(relative: string): string;
  /** Canonical serial of a certificate file. */
  serial(relative: string): string;
  remove(): void;
}

export function createPkiWorkspace(prefix = 'tessera-pki-'): PkiWorkspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const read = (relative: string) => readFileSync(join(dir, relative), 'utf8');
  return {
    dir,
    path: (relative) => join(dir, relative),
    run: (args, opts = {}) => pki(args, { cwd: dir, ...opts }),
    read,
    serial: (relative) => identityFromCertificate(read(relative)).serialNumber,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
