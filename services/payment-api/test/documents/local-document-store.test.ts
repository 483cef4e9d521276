import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalDocumentStore } from '../../src/documents/local-document-store.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-documents-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('local document store', () => {
  it('writes a document once, readable by its owner only, and leaves no temporary file', async () => {
    const store = new LocalDocumentStore(join(root, 'documents'));
    const key = 'settlements/acct_1/2026-11-30.csv';
    expect(await store.putIfAbsent(key, 'first\r\n')).toBe('written');
    expect(await store.putIfAbsent(key, 'second\r\n')).toBe('exists');
    const path = join(root, 'documents', 'settlements', 'acct_1', '2026-11-30.csv');
    expect(store.locationOf(key)).toBe(path);
    expect(readFileSync(path, 'utf8')).toBe('first\r\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'documents', 'settlements')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(root, 'documents', 'settlements', 'acct_1'))).toEqual(['2026-11-30.csv']);
  });

  it('lets exactly one of many concurrent writers of a key win', async () => {
    const store = new LocalDocumentStore(join(root, 'race'));
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.putIfAbsent('settlements/acct_2/d.csv', `writer ${i}\n`)),
    );
    expect(outcomes.filter((o) => o === 'written')).toHaveLength(1);
    expect(readFileSync(store.locationOf('settlements/acct_2/d.csv'), 'utf8')).toMatch(/^writer \d\n$/);
    expect(readdirSync(join(root, 'race', 'settlements', 'acct_2'))).toEqual(['d.csv']);
  });

  it('refuses keys that could leave its directory', async () => {
    const store = new LocalDocumentStore(join(root, 'safe'));
    for (const key of ['../escape.csv', 'settlements/../../x', '/etc/passwd', '', '.hidden/x']) {
      await expect(store.putIfAbsent(key, 'x')).rejects.toThrow(RangeError);
    }
  });
});
