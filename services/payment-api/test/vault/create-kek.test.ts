import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createKeyEncryptionKey,
  KmsKeyEncryptionKey,
  LOCAL_KEK_FILE_NAME,
  LocalKeyEncryptionKey,
  VaultConfigError,
} from '../../src/vault/index.js';
import { useTempDirs } from '../support/temp-dir.js';

const tempDir = useTempDirs();

describe('createKeyEncryptionKey', () => {
  it('defaults to the local key file and creates it with mode 0600', async () => {
    const dir = await tempDir();
    const kek = await createKeyEncryptionKey({}, dir);
    expect(kek).toBeInstanceOf(LocalKeyEncryptionKey);
    expect(kek.kind).toBe('local');
    expect((await stat(path.join(dir, LOCAL_KEK_FILE_NAME))).mode & 0o777).toBe(0o600);
  });

  it('treats an empty VAULT_KEK as the default', async () => {
    expect((await createKeyEncryptionKey({ VAULT_KEK: '' }, await tempDir())).kind).toBe('local');
    expect((await createKeyEncryptionKey({ VAULT_KEK: 'local' }, await tempDir())).kind).toBe('local');
  });

  it('builds the KMS KEK without touching the data folder', async () => {
    const dir = path.join(await tempDir(), 'unused');
    const kek = await createKeyEncryptionKey(
      { VAULT_KEK: 'kms', VAULT_KMS_KEY_ID: 'alias/tessera-vault', AWS_REGION: 'eu-west-1' },
      dir,
    );
    expect(kek).toBeInstanceOf(KmsKeyEncryptionKey);
    expect(kek.kind).toBe('kms');
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names VAULT_KMS_KEY_ID when it is missing', async () => {
    for (const env of [{ VAULT_KEK: 'kms' }, { VAULT_KEK: 'kms', VAULT_KMS_KEY_ID: '  ' }]) {
      const failure = await createKeyEncryptionKey(env, await tempDir()).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(VaultConfigError);
      expect((failure as Error).message).toMatch(/^VAULT_KMS_KEY_ID is required when VAULT_KEK=kms/);
    }
  });

  it('names VAULT_KEK, the bad value and the allowed values', async () => {
    await expect(createKeyEncryptionKey({ VAULT_KEK: 'hsm' }, await tempDir())).rejects.toThrow(
      'VAULT_KEK is "hsm"; allowed values are "local" (default) and "kms"',
    );
  });

  it.each([
    ['VAULT_KMS_DATA_KEY_TTL_SECONDS', '-1', 'from 0 to 3600'],
    ['VAULT_KMS_DATA_KEY_TTL_SECONDS', '3601', 'from 0 to 3600'],
    ['VAULT_KMS_DATA_KEY_TTL_SECONDS', '5m', 'from 0 to 3600'],
    ['VAULT_KMS_DATA_KEY_MAX_USES', '0', 'from 1 to 100000'],
    ['VAULT_KMS_DATA_KEY_MAX_USES', '1.5', 'from 1 to 100000'],
  ])('rejects %s=%s', async (name, value, range) => {
    await expect(
      createKeyEncryptionKey({ VAULT_KEK: 'kms', VAULT_KMS_KEY_ID: 'k', [name]: value }, await tempDir()),
    ).rejects.toThrow(`${name} is "${value}"; expected an integer ${range}`);
  });
});
