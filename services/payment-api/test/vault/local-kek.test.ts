import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LOCAL_KEK_FILE_NAME,
  LocalKeyEncryptionKey,
  rotateLocalKeyEncryptionKey,
  VaultConfigError,
  VaultError,
} from '../../src/vault/index.js';
import { useTempDirs } from '../support/temp-dir.js';

const tempDir = useTempDirs();
const CONTEXT = { purpose: 'card-vault', merchant_id: 'acct_1' };

async function keyFile(
  dir: string,
): Promise<{ format: string; versions: Array<{ version: string; key: string }> }> {
  return JSON.parse(await readFile(path.join(dir, LOCAL_KEK_FILE_NAME), 'utf8'));
}

describe('LocalKeyEncryptionKey key file', () => {
  it('creates the key file with mode 0600 and one 256-bit version on first start', async () => {
    const dir = path.join(await tempDir(), 'nested', 'data');
    const kek = await LocalKeyEncryptionKey.open(dir);
    const info = await stat(path.join(dir, LOCAL_KEK_FILE_NAME));
    expect(info.mode & 0o777).toBe(0o600);
    const file = await keyFile(dir);
    expect(file.format).toBe('tessera-vault-kek-v1');
    expect(file.versions.map((v) => v.version)).toEqual(['local:1']);
    expect(Buffer.from(file.versions[0]?.key ?? '', 'base64')).toHaveLength(32);
    expect(kek.kind).toBe('local');
    expect(kek.currentVersion).toBe('local:1');
  });

  it('reuses the existing key file on the next start', async () => {
    const dir = await tempDir();
    const first = await LocalKeyEncryptionKey.open(dir);
    const key = await first.generateDataKey(CONTEXT);
    const second = await LocalKeyEncryptionKey.open(dir);
    expect(await second.unwrapDataKey(key.wrapped, CONTEXT, key.keyVersion)).toEqual(key.plaintext);
  });

  it('creates exactly one key when several processes start at once', async () => {
    const dir = await tempDir();
    const keks = await Promise.all(Array.from({ length: 6 }, () => LocalKeyEncryptionKey.open(dir)));
    const key = await keks[0]!.generateDataKey(CONTEXT);
    for (const kek of keks)
      expect(await kek.unwrapDataKey(key.wrapped, CONTEXT, key.keyVersion)).toEqual(key.plaintext);
    expect((await keyFile(dir)).versions).toHaveLength(1);
  });

  it.each(['0644', '0640', '0604', '0660'])('refuses a key file with mode %s', async (mode) => {
    const dir = await tempDir();
    await LocalKeyEncryptionKey.open(dir);
    const file = path.join(dir, LOCAL_KEK_FILE_NAME);
    await chmod(file, Number.parseInt(mode, 8));
    const failure = await LocalKeyEncryptionKey.open(dir).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(VaultConfigError);
    expect((failure as Error).message).toBe(
      `vault KEK file ${file} has mode ${mode}; it must not be accessible to group or others (expected 0600): run chmod 600 ${file}`,
    );
  });

  it('accepts an owner-only read-only key file (0400)', async () => {
    const dir = await tempDir();
    await LocalKeyEncryptionKey.open(dir);
    await chmod(path.join(dir, LOCAL_KEK_FILE_NAME), 0o400);
    await expect(LocalKeyEncryptionKey.open(dir)).resolves.toBeInstanceOf(LocalKeyEncryptionKey);
  });

  it('refuses a symbolic link in place of the key file', async () => {
    const dir = await tempDir();
    const elsewhere = await tempDir();
    await LocalKeyEncryptionKey.open(elsewhere);
    await symlink(path.join(elsewhere, LOCAL_KEK_FILE_NAME), path.join(dir, LOCAL_KEK_FILE_NAME));
    await expect(LocalKeyEncryptionKey.open(dir)).rejects.toThrow(
      /is a symbolic link; it must be a regular file/,
    );
  });

  const broken: Array<[string, string, RegExp]> = [
    ['not JSON', 'nope', /is not valid JSON/],
    [
      'another format',
      JSON.stringify({ format: 'x', versions: [] }),
      /unknown format \(expected "format": "tessera-vault-kek-v1"/,
    ],
    [
      'no versions',
      JSON.stringify({ format: 'tessera-vault-kek-v1', versions: [] }),
      /holds no key versions/,
    ],
    [
      'a bad version name',
      JSON.stringify({ format: 'tessera-vault-kek-v1', versions: [{ version: 'v1', key: 'AA==' }] }),
      /versions\[0\]\.version is "v1"; expected "local:<n>"/,
    ],
    [
      'a short key',
      JSON.stringify({ format: 'tessera-vault-kek-v1', versions: [{ version: 'local:1', key: 'AAAA' }] }),
      /versions\[0\] \(local:1\) must hold a base64 256-bit key, found 3 bytes/,
    ],
    [
      'a duplicated version',
      JSON.stringify({
        format: 'tessera-vault-kek-v1',
        versions: [
          { version: 'local:1', key: Buffer.alloc(32).toString('base64') },
          { version: 'local:1', key: Buffer.alloc(32, 1).toString('base64') },
        ],
      }),
      /version local:1 appears twice/,
    ],
  ];

  it.each(broken)('refuses a key file with %s, naming the problem', async (_what, content, message) => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, LOCAL_KEK_FILE_NAME), content, { mode: 0o600 });
    await expect(LocalKeyEncryptionKey.open(dir)).rejects.toThrow(message);
  });
});

describe('LocalKeyEncryptionKey wrapping', () => {
  it('wraps a fresh random data key each time', async () => {
    const kek = await LocalKeyEncryptionKey.open(await tempDir());
    const a = await kek.generateDataKey(CONTEXT);
    const b = await kek.generateDataKey(CONTEXT);
    expect(a.plaintext).toHaveLength(32);
    expect(a.plaintext.equals(b.plaintext)).toBe(false);
    expect(a.wrapped.includes(a.plaintext)).toBe(false);
  });

  it('unwraps only with the same encryption context, in any key order', async () => {
    const kek = await LocalKeyEncryptionKey.open(await tempDir());
    const key = await kek.generateDataKey(CONTEXT);
    const reordered = { merchant_id: 'acct_1', purpose: 'card-vault' };
    expect(await kek.unwrapDataKey(key.wrapped, reordered, key.keyVersion)).toEqual(key.plaintext);
    for (const context of [
      { ...CONTEXT, merchant_id: 'acct_2' },
      { merchant_id: 'acct_1' },
      { ...CONTEXT, x: '1' },
    ]) {
      await expect(kek.unwrapDataKey(key.wrapped, context, key.keyVersion)).rejects.toMatchObject({
        code: 'kek_unwrap_failed',
      });
    }
  });

  it('names the missing version and the ones present', async () => {
    const kek = await LocalKeyEncryptionKey.open(await tempDir());
    const key = await kek.generateDataKey(CONTEXT);
    const failure = await kek.unwrapDataKey(key.wrapped, CONTEXT, 'local:7').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(VaultError);
    expect((failure as Error).message).toMatch(
      /local KEK version 'local:7' is not in .*vault-kek\.key \(present: local:1\)/,
    );
  });

  it('rejects a wrapped key of the wrong length', async () => {
    const kek = await LocalKeyEncryptionKey.open(await tempDir());
    await expect(kek.unwrapDataKey(Buffer.alloc(10), CONTEXT, 'local:1')).rejects.toThrow(
      /wrapped data key has 10 bytes, expected 60/,
    );
  });
});

describe('rotateLocalKeyEncryptionKey', () => {
  it('appends a new version, keeps the old ones and the 0600 mode', async () => {
    const dir = await tempDir();
    await LocalKeyEncryptionKey.open(dir);
    const before = await keyFile(dir);
    expect(await rotateLocalKeyEncryptionKey(dir)).toBe('local:2');
    expect(await rotateLocalKeyEncryptionKey(dir)).toBe('local:3');
    const after = await keyFile(dir);
    expect(after.versions.map((v) => v.version)).toEqual(['local:1', 'local:2', 'local:3']);
    expect(after.versions[0]).toEqual(before.versions[0]);
    expect((await stat(path.join(dir, LOCAL_KEK_FILE_NAME))).mode & 0o777).toBe(0o600);
    expect((await LocalKeyEncryptionKey.open(dir)).currentVersion).toBe('local:3');
  });

  it('explains that the file must exist first', async () => {
    await expect(rotateLocalKeyEncryptionKey(await tempDir())).rejects.toThrow(
      /does not exist: start the service once to create it/,
    );
  });
});
