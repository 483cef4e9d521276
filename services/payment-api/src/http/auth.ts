import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../app/context.js';
import type { Deps } from '../app/deps.js';
import { auditFailedAuthentication, authenticateKey } from '../app/merchants.js';
import { hashApiKey } from '../secrets.js';
import { ApiError } from './errors.js';

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

/** Extracts the secret key from `Authorization: Bearer sk_…` or HTTP Basic with the key as user name. */
export function presentedKey(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.split(/\s+/, 2);
  if (!scheme || !value) return null;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.split(':', 1)[0];
    return user || null;
  }
  return null;
}

function maskKey(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(8)}${key.slice(-4)}` : '****';
}

/**
 * Authenticates requests by secret key. Successful lookups are cached for 30 s under the key's keyed hash
 * (so a revoked key stops working within 30 s); failures are audited on the platform chain.
 */
export class Authenticator {
  private readonly cache = new Map<string, { keyId: string; merchantId: string; expires: number }>();

  constructor(private readonly deps: Deps) {}

  async authenticate(req: FastifyRequest): Promise<RequestContext> {
    const key = presentedKey(req.headers.authorization);
    if (!key) {
      await this.auditFailure(req, 'missing_key');
      throw new ApiError(
        401,
        'authentication_error',
        'You did not provide an API key. Provide it in the Authorization header as a Bearer token ' +
          '(Authorization: Bearer sk_test_…) or as the HTTP Basic user name.',
      );
    }
    const now = Date.now();
    const cacheKey = hashApiKey(this.deps.keys, key).toString('base64');
    let hit = this.cache.get(cacheKey);
    if (!hit || hit.expires < now) {
      const found = key.startsWith('sk_test_')
        ? await authenticateKey(this.deps.db, this.deps.keys, key)
        : null;
      if (!found) {
        this.cache.delete(cacheKey);
        await this.auditFailure(req, 'invalid_key', maskKey(key));
        throw new ApiError(
          401,
          'authentication_error',
          `Invalid API Key provided: ${maskKey(key)}`,
          'api_key_invalid',
        );
      }
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      hit = { ...found, expires: now + CACHE_TTL_MS };
      this.cache.set(cacheKey, hit);
    }
    return { merchantId: hit.merchantId, actor: hit.keyId, sourceIp: req.ip, requestId: req.id };
  }

  private async auditFailure(req: FastifyRequest, reason: string, keyHint?: string): Promise<void> {
    await auditFailedAuthentication(
      this.deps.db,
      { sourceIp: req.ip, requestId: req.id },
      { reason, keyHint: keyHint ?? null, method: req.method, path: req.routeOptions.url ?? null },
    );
  }
}
