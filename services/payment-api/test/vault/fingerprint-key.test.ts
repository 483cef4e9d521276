import { chmod, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_KEY_FILE_NAME, loadFingerprintKey, VaultConfigError } from '../../src/vault/index.js';
import { useTempDirs } from '../support/temp-dir.js';

const tempDir = useTempDirs();

describe('loadFingerprintKey', () => {
  it('uses VAULT_FINGERPRINT_KEY when set', async () => {
    const key = Buffer.alloc(32, 9);
    expect(
      await loadFingerprintKey({ VAULT_FINGERPRINT_KEY: key.toString('base64') }, await tempDir()),
    ).toEqual(key);
  });

  it('accepts the 64-character alphanumeric secret Secrets Manager generates in AWS (48 bytes)', async () => {
    const generated = 'Ab3'.repeat(21) + 'Z';
    const key = await loadFingerprintKey(
      { VAULT_KEK: 'kms', VAULT_FINGERPRINT_KEY: generated },
      await tempDir(),
    );
    expect(key).toHaveLength(48);
  });

  it('rejects a short or non-base64 VAULT_FINGERPRINT_KEY, naming the variable', async () => {
    for (const value of [Buffer.alloc(16).toString('base64'), 'not base64 at all!']) {
      const failure = await loadFingerprintKey({ VAULT_FINGERPRINT_KEY: value }, await tempDir()).catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(VaultConfigError);
      expect((failure as Error).message).toMatch(
        /^VAULT_FINGERPRINT_KEY must be base64 of at least 32 random bytes/,
      );
    }
  });

  it('requires VAULT_FINGERPRINT_KEY with the KMS KEK (every task must fingerprint alike)', async () => {
    await expect(loadFingerprintKey({ VAULT_KEK: 'kms' }, await tempDir())).rejects.toThrow(
      /^VAULT_FINGERPRINT_KEY is required when VAULT_KEK=kms/,
    );
  });

  it('otherwise creates a 0600 key file on first start and reuses it', async () => {
    const dir = await tempDir();
    const first = await loadFingerprintKey({}, dir);
    const file = path.join(dir, FINGERPRINT_KEY_FILE_NAME);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first).toHaveLength(32);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toEqual(first);
    expect(await loadFingerprintKey({}, dir)).toEqual(first);
  });

  it('refuses a key file readable by others', async () => {
    const dir = await tempDir();
    await loadFingerprintKey({}, dir);
    await chmod(path.join(dir, FINGERPRINT_KEY_FILE_NAME), 0o644);
    await expect(loadFingerprintKey({}, dir)).rejects.toThrow(
      /has mode 0644; it must not be accessible to group or others/,
    );
  });
});
