import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CardVault, KmsKeyEncryptionKey, LocalKeyEncryptionKey } from '../../src/vault/index.js';
import type { SealedCard } from '../../src/vault/index.js';
import { FakeKms } from '../support/fake-kms.js';
import { useTempDirs } from '../support/temp-dir.js';

const PAN = '4000056655665556';
const CVC = '987';
const tempDir = useTempDirs();

/** Everything a logger or error reporter could serialise from a thrown value, cause chain included. */
function rendered(error: unknown): string {
  return [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error)].join('\n');
}

function expectNoCardData(text: string): void {
  expect(text).not.toContain(PAN);
  expect(text).not.toContain(PAN.slice(0, 8));
  expect(text).not.toContain(CVC);
}

describe('the vault never writes card data to output or errors', () => {
  const written: string[] = [];
  beforeEach(() => {
    written.length = 0;
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        written.push(args.map((a) => inspect(a)).join(' '));
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints nothing while sealing and opening, and the sealed card holds no PAN', async () => {
    const vault = new CardVault({
      kek: await LocalKeyEncryptionKey.open(await tempDir()),
      fingerprintKey: Buffer.alloc(32),
    });
    const sealed = await vault.seal({ merchantId: 'acct_1', tokenId: 'pm_1', pan: PAN });
    await vault.open({ merchantId: 'acct_1', tokenId: 'pm_1', sealed });
    vi.restoreAllMocks();
    expect(written).toEqual([]);
    expectNoCardData(inspect(sealed, { depth: 5 }));
    expectNoCardData(JSON.stringify(sealed));
    expect(sealed.last4).toBe('5556');
  });

  it('keeps the PAN out of every error the vault raises', async () => {
    const kms = new FakeKms();
    kms.createKey('tessera-vault');
    const vaults = [
      new CardVault({
        kek: await LocalKeyEncryptionKey.open(await tempDir()),
        fingerprintKey: Buffer.alloc(32),
      }),
      new CardVault({
        kek: new KmsKeyEncryptionKey({ client: kms.client, keyId: 'alias/tessera-vault', dataKeyTtlMs: 0 }),
        fingerprintKey: Buffer.alloc(32),
      }),
    ];
    const errors: unknown[] = [];
    const capture = async (p: Promise<unknown>) =>
      errors.push(await p.then(() => undefined).catch((e: unknown) => e));
    for (const vault of vaults) {
      const sealed = await vault.seal({ merchantId: 'acct_1', tokenId: 'pm_1', pan: PAN });
      const tampered: SealedCard[] = [
        { ...sealed, ciphertext: Buffer.from(sealed.ciphertext).fill(1) },
        { ...sealed, keyVersion: 'local:9' },
        { ...sealed, wrappedDataKey: Buffer.alloc(60) },
      ];
      for (const t of tampered)
        await capture(vault.open({ merchantId: 'acct_1', tokenId: 'pm_1', sealed: t }));
      await capture(vault.open({ merchantId: 'acct_2', tokenId: 'pm_1', sealed }));
      await capture(vault.seal({ merchantId: 'acct_1', tokenId: 'pm_2', pan: `${PAN}x${CVC}` }));
      await capture(vault.seal({ merchantId: 'acct_1', tokenId: 'pm_2', pan: `${PAN}${CVC}9999` }));
      await capture(Promise.resolve().then(() => vault.fingerprint('acct_1', `${PAN} `)));
    }
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    for (const error of errors) expectNoCardData(rendered(error));
  });
});
