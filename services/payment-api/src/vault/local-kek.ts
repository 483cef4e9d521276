import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { VaultConfigError, VaultError } from './errors.js';
import { canonicalContext, DATA_KEY_BYTES } from './kek.js';
import type { GeneratedDataKey, KeyEncryptionKey } from './kek.js';
import { createSecretFileOnce, readSecretFile, replaceSecretFile } from './secure-file.js';

export const LOCAL_KEK_FILE_NAME = 'vault-kek.key';
const FILE_FORMAT = 'tessera-vault-kek-v1';
const VERSION_PREFIX = 'local:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_BYTES = IV_BYTES + TAG_BYTES + DATA_KEY_BYTES;

interface KeyFileEntry {
  version: string;
  key: string;
  created: string;
}
interface KeyFile {
  format: typeof FILE_FORMAT;
  versions: KeyFileEntry[];
}

/**
 * KEK for the embedded default: AES-256 keys kept in `<dataDir>/vault-kek.key` (mode 0600).
 *
 * The file holds every version ever created. The newest wraps new data keys; older ones are kept so
 * existing cards can still be opened (PCI DSS 3.7.5: retired keys may decrypt, never encrypt).
 * Data keys are wrapped with AES-256-GCM and the encryption context as AAD, which mirrors KMS:
 * unwrapping with a different context fails.
 */
export class LocalKeyEncryptionKey implements KeyEncryptionKey {
  readonly kind = 'local' as const;
  private keys: Map<string, Buffer>;
  private current: string;

  private constructor(
    readonly filePath: string,
    keys: Map<string, Buffer>,
    current: string,
  ) {
    this.keys = keys;
    this.current = current;
  }

  /** Opens the key file under `dataDir`, creating it (one fresh version, mode 0600) on first start. */
  static async open(dataDir: string): Promise<LocalKeyEncryptionKey> {
    const filePath = path.join(dataDir, LOCAL_KEK_FILE_NAME);
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    let file = await readKeyFile(filePath);
    if (file === undefined) {
      const first: KeyFile = { format: FILE_FORMAT, versions: [newEntry(`${VERSION_PREFIX}1`, new Date())] };
      await createSecretFileOnce(filePath, serialise(first));
      file = await readKeyFile(filePath);
      if (file === undefined) {
        throw new VaultConfigError(`vault KEK file ${filePath} disappeared right after it was created`);
      }
    }
    const { keys, current } = decodeKeyFile(filePath, file);
    return new LocalKeyEncryptionKey(filePath, keys, current);
  }

  /** The version new data keys are wrapped with. */
  get currentVersion(): string {
    return this.current;
  }

  async generateDataKey(context: Record<string, string>): Promise<GeneratedDataKey> {
    const keyVersion = this.current;
    const kek = this.keys.get(keyVersion);
    if (kek === undefined) throw new VaultError('kek_error', `local KEK version ${keyVersion} is not loaded`);
    const plaintext = randomBytes(DATA_KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(wrapAad(context, keyVersion));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const wrapped = Buffer.concat([iv, cipher.getAuthTag(), ct]);
    return { plaintext, wrapped, keyVersion };
  }

  async unwrapDataKey(wrapped: Buffer, context: Record<string, string>, keyVersion: string): Promise<Buffer> {
    let kek = this.keys.get(keyVersion);
    if (kek === undefined) {
      // Another process may have rotated the file since we loaded it.
      await this.reload();
      kek = this.keys.get(keyVersion);
    }
    if (kek === undefined) {
      throw new VaultError(
        'kek_unwrap_failed',
        `local KEK version '${keyVersion}' is not in ${this.filePath} (present: ${[...this.keys.keys()].join(', ')})`,
      );
    }
    if (wrapped.length !== WRAPPED_BYTES) {
      throw new VaultError(
        'kek_unwrap_failed',
        `wrapped data key has ${wrapped.length} bytes, expected ${WRAPPED_BYTES} for a local KEK`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(wrapAad(context, keyVersion));
    decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const first = decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES));
    try {
      const last = decipher.final();
      return Buffer.concat([first, last]);
    } catch {
      first.fill(0);
      throw new VaultError(
        'kek_unwrap_failed',
        `local KEK ${keyVersion} could not unwrap the data key: encryption context or key version differs from wrap time, or the wrapped key was altered`,
      );
    }
  }

  private async reload(): Promise<void> {
    const file = await readKeyFile(this.filePath);
    if (file === undefined) return;
    const { keys, current } = decodeKeyFile(this.filePath, file);
    for (const old of this.keys.values()) old.fill(0);
    this.keys = keys;
    this.current = current;
  }
}

/**
 * Adds a new KEK version to `<dataDir>/vault-kek.key` and returns its name. New data keys use it
 * from the next start of the service (running processes pick it up when they meet a card wrapped
 * with it); older versions stay in the file so existing cards remain readable.
 */
export async function rotateLocalKeyEncryptionKey(dataDir: string, now: Date = new Date()): Promise<string> {
  const filePath = path.join(dataDir, LOCAL_KEK_FILE_NAME);
  const file = await readKeyFile(filePath);
  if (file === undefined) {
    throw new VaultConfigError(
      `vault KEK file ${filePath} does not exist: start the service once to create it`,
    );
  }
  const { current } = decodeKeyFile(filePath, file);
  const next = `${VERSION_PREFIX}${versionNumber(current) + 1}`;
  const updated: KeyFile = {
    format: FILE_FORMAT,
    versions: [...file.versions, newEntry(next, now)],
  };
  await replaceSecretFile(filePath, serialise(updated));
  return next;
}

function wrapAad(context: Record<string, string>, keyVersion: string): Buffer {
  return Buffer.from(JSON.stringify(['tessera-local-kek-v1', keyVersion, canonicalContext(context)]), 'utf8');
}

function newEntry(version: string, now: Date): KeyFileEntry {
  return { version, key: randomBytes(32).toString('base64'), created: now.toISOString() };
}

function versionNumber(version: string): number {
  return Number(version.slice(VERSION_PREFIX.length));
}

async function readKeyFile(filePath: string): Promise<KeyFile | undefined> {
  const text = await readSecretFile(filePath, 'vault KEK file');
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as KeyFile;
  } catch {
    throw new VaultConfigError(`vault KEK file ${filePath} is not valid JSON`);
  }
}

function serialise(file: KeyFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

function decodeKeyFile(filePath: string, file: KeyFile): { keys: Map<string, Buffer>; current: string } {
  if (
    file === null ||
    typeof file !== 'object' ||
    file.format !== FILE_FORMAT ||
    !Array.isArray(file.versions)
  ) {
    throw new VaultConfigError(
      `vault KEK file ${filePath} has an unknown format (expected "format": "${FILE_FORMAT}" and a "versions" array)`,
    );
  }
  if (file.versions.length === 0)
    throw new VaultConfigError(`vault KEK file ${filePath} holds no key versions`);
  const keys = new Map<string, Buffer>();
  let current = '';
  for (const [i, entry] of file.versions.entries()) {
    const version = entry?.version;
    if (typeof version !== 'string' || !/^local:[1-9][0-9]*$/.test(version)) {
      throw new VaultConfigError(
        `vault KEK file ${filePath}: versions[${i}].version is ${JSON.stringify(version)}; expected "local:<n>" with n ≥ 1`,
      );
    }
    const key = typeof entry.key === 'string' ? Buffer.from(entry.key, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) {
      throw new VaultConfigError(
        `vault KEK file ${filePath}: versions[${i}] (${version}) must hold a base64 256-bit key, found ${key.length} bytes`,
      );
    }
    if (keys.has(version))
      throw new VaultConfigError(`vault KEK file ${filePath}: version ${version} appears twice`);
    keys.set(version, key);
    if (current === '' || versionNumber(version) > versionNumber(current)) current = version;
  }
  return { keys, current };
}
