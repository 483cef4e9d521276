import { randomBytes } from 'node:crypto';
import { mkdir, link, open, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkDocumentKey, type DocumentStore } from './document-store.js';

/**
 * Documents as files under a directory (`<dataDir>/documents/` on the embedded default), readable by the
 * service's user only (directories 0700, files 0600). A document is written to a temporary file, flushed,
 * then hard-linked to its name: the name appears complete or not at all, and link() refuses an existing
 * name, so a document is never overwritten, even by two writers at once.
 */
export class LocalDocumentStore implements DocumentStore {
  constructor(private readonly root: string) {}

  locationOf(key: string): string {
    return join(this.root, ...checkDocumentKey(key));
  }

  async putIfAbsent(key: string, body: string): Promise<'written' | 'exists'> {
    const path = this.locationOf(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(body, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await link(temporary, path);
      return 'written';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
      throw err;
    } finally {
      await unlink(temporary);
    }
  }
}
