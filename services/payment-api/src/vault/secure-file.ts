import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { VaultConfigError } from './errors.js';

/**
 * Small helpers for secret files under the data folder (KEK file, fingerprint key file):
 * owner-only permissions, no symbolic links, atomic creation and replacement.
 */

/** Reads a secret file; undefined if it does not exist. Refuses symlinks and group/other permissions. */
export async function readSecretFile(filePath: string, what: string): Promise<string | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(filePath, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP')
      throw new VaultConfigError(`${what} ${filePath} is a symbolic link; it must be a regular file`);
    throw new VaultConfigError(`${what} ${filePath} cannot be opened (${code ?? String(err)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new VaultConfigError(`${what} ${filePath} is not a regular file`);
    const mode = stat.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new VaultConfigError(
        `${what} ${filePath} has mode ${mode.toString(8).padStart(4, '0')}; it must not be accessible to group ` +
          `or others (expected 0600): run chmod 600 ${filePath}`,
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Creates `filePath` with mode 0600 unless it exists. A complete temp file is hard-linked into place,
 * so a concurrent starter either wins or later reads the winner's complete file, never a partial one.
 */
export async function createSecretFileOnce(filePath: string, content: string): Promise<void> {
  const tmp = tempPath(filePath);
  await writeNewFile(tmp, content);
  try {
    await fs.link(tmp, filePath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fs.unlink(tmp);
  }
}

/** Atomically replaces `filePath` with `content` (mode 0600). */
export async function replaceSecretFile(filePath: string, content: string): Promise<void> {
  const tmp = tempPath(filePath);
  await writeNewFile(tmp, content);
  await fs.rename(tmp, filePath);
}

function tempPath(filePath: string): string {
  return `${filePath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

async function writeNewFile(target: string, content: string): Promise<void> {
  const handle = await fs.open(target, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}
