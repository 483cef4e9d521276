import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServiceHmacKey } from '../src/secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('service keys', () => {
  it('SERVICE_HMAC_KEY: required on a server, generated once into a 0600 file for the embedded default', () => {
    expect(() => loadServiceHmacKey({}, dir, false)).toThrow(/SERVICE_HMAC_KEY is required/);
    expect(() => loadServiceHmacKey({ SERVICE_HMAC_KEY: 'c2hvcnQ=' }, dir, false)).toThrow(
      /at least 32 random bytes/,
    );
    const first = loadServiceHmacKey({}, dir, true);
    const second = loadServiceHmacKey({}, dir, true);
    expect(first.equals(second)).toBe(true);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'service-hmac.key')).mode & 0o777).toBe(0o600);
  });
});
