import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityFromCertificate } from '@tessera/pki';
import { main } from '@tessera/pki/cli';

export const MERCHANT = 'acct_0123456789abcdef';

export interface TestPki {
  readonly dir: string;
  /** Runs `npm run pki -- …args` in process, in `dir`, at `now`. */
  run(args: string[], now?: Date): Promise<void>;
  /** PEM of a file the CLI wrote, relative to `dir`. */
  pem(path: string): string;
  /** Canonical serial of a certificate the CLI wrote. */
  serial(path: string): string;
  remove(): void;
}

/** A CA folder (`ca/`) made by the PKI CLI in a temp dir, as a platform team would make it. */
export async function createTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-authorizer-pki-'));
  const pem = (path: string) => readFileSync(join(dir, path), 'utf8');
  const pki: TestPki = {
    dir,
    async run(args, now = new Date()) {
      const output: string[] = [];
      const io = {
        out: (l: string) => output.push(l),
        err: (l: string) => output.push(l),
        env: {},
        cwd: dir,
      };
      const code = await main(args, { ...io, now: () => now });
      if (code !== 0) throw new Error(`pki ${args.join(' ')} exited ${code}: ${output.join('\n')}`);
    },
    pem,
    serial: (path) => identityFromCertificate(pem(path)).serialNumber,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  await pki.run(['init', '--out', 'ca']);
  return pki;
}
