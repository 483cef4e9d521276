import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { RequestContext } from '../app/context.js';
import type { Deps } from '../app/deps.js';
import {
  auditFailedAuthentication,
  auditRepeatedAuthenticationFailures,
  authenticateKey,
} from '../app/merchants.js';
import { hashApiKey } from '../secrets.js';
import {
  AuthFailureThrottle,
  DEFAULT_AUTH_THROTTLE,
  KEY_PREFIX_LENGTH,
  type AuthThrottleLimits,
  type FailureSummary,
} from './auth-throttle.js';
import { ApiError } from './errors.js';

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

/** What an Authorization header presents: no key, something that is not a credential, or a key. */
export type Presented =
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'key'; readonly key: string };

/** RFC 7235 token68: the only shape a Bearer token or a Basic credential has. */
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*$/;
/** A secret key is printable ASCII; anything else (NUL, controls, non-ASCII) is not a key. */
const KEY_TEXT = /^[\x21-\x7e]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The user name of a strict base64 `user:password` (RFC 7617), or null when it does not decode. */
function basicUser(credentials: string): string | null {
  const bytes = Buffer.from(credentials, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== credentials.replace(/=+$/, '')) return null;
  try {
    const decoded = utf8.decode(bytes);
    const colon = decoded.indexOf(':');
    return colon === -1 ? decoded : decoded.slice(0, colon);
  } catch {
    return null;
  }
}

/**
 * The key of `Authorization: Bearer sk_…` or of HTTP Basic with the key as the user name. Strict: exactly
 * one token after the scheme, strict base64 for Basic, and a key of printable ASCII only.
 */
export function presentedKey(header: string | undefined): Presented {
  const value = header?.trim() ?? '';
  if (value === '') return { kind: 'missing' };
  const space = value.indexOf(' ');
  const scheme = (space === -1 ? value : value.slice(0, space)).toLowerCase();
  const credentials = space === -1 ? '' : value.slice(space + 1).trimStart();
  if (scheme !== 'bearer' && scheme !== 'basic') return { kind: 'malformed' };
  if (credentials === '') return { kind: 'missing' };
  if (!TOKEN68.test(credentials)) return { kind: 'malformed' };
  const key = scheme === 'bearer' ? credentials : basicUser(credentials);
  if (key === '') return { kind: 'missing' };
  return key !== null && KEY_TEXT.test(key) ? { kind: 'key', key } : { kind: 'malformed' };
}

function maskKey(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(8)}${key.slice(-4)}` : '****';
}

const HOW =
  'Provide your secret key in the Authorization header as a Bearer token (Authorization: Bearer sk_test_…) ' +
  'or as the HTTP Basic user name.';

export interface AuthenticatorOptions {
  readonly throttle?: Partial<AuthThrottleLimits>;
  readonly now?: () => number;
}

/**
 * Authenticates requests by secret key. Successful lookups are cached for 30 s under the key's keyed hash
 * (so a revoked key stops working within 30 s). Failures are throttled per source and key prefix and audited
 * on the platform chain: the first of a source in a window at once, the others as one summary when the
 * window closes or the server stops (AuthFailureThrottle).
 */
export class Authenticator {
  private readonly cache = new Map<string, { keyId: string; merchantId: string; expires: number }>();
  private readonly throttle: AuthFailureThrottle;
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: Deps,
    private readonly log: FastifyBaseLogger,
    opts: AuthenticatorOptions = {},
  ) {
    const limits = { ...DEFAULT_AUTH_THROTTLE, ...opts.throttle };
    this.throttle = new AuthFailureThrottle(limits, opts.now);
    // Idle windows close on this timer; busy ones also when the next failure arrives.
    this.timer = setInterval(() => void this.writeSummaries(), Math.min(limits.windowMs, 5_000));
    this.timer.unref();
  }

  async authenticate(req: FastifyRequest): Promise<RequestContext> {
    const presented = presentedKey(req.headers.authorization);
    const key = presented.kind === 'key' ? presented.key : null;
    const keyPrefix = key?.slice(0, KEY_PREFIX_LENGTH) ?? null;
    const keyHint = key === null ? null : maskKey(key);
    // Before the key is looked up: a throttled source learns nothing about the keys it tries.
    const verdict = this.throttle.check(req.ip, keyPrefix);
    if (verdict.limited) {
      await this.failed(req, 'rate_limited', keyPrefix, keyHint);
      throw new ApiError(
        429,
        'rate_limit_error',
        `Too many failed authentications from this address or with this key; retry in ${verdict.retryAfterSeconds} s.`,
        'rate_limit',
        undefined,
        undefined,
        { 'retry-after': String(verdict.retryAfterSeconds) },
      );
    }
    if (presented.kind === 'missing') {
      await this.failed(req, 'missing_key', null, null);
      throw new ApiError(
        401,
        'authentication_error',
        `You did not provide an API key. ${HOW}`,
        'api_key_missing',
      );
    }
    if (key === null) {
      await this.failed(req, 'malformed_authorization', null, null);
      throw new ApiError(
        401,
        'authentication_error',
        `The Authorization header is not a valid credential. ${HOW}`,
        'api_key_invalid',
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
        await this.failed(req, 'invalid_key', keyPrefix, keyHint);
        throw new ApiError(
          401,
          'authentication_error',
          `Invalid API Key provided: ${keyHint}`,
          'api_key_invalid',
        );
      }
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      hit = { ...found, expires: now + CACHE_TTL_MS };
      this.cache.set(cacheKey, hit);
    }
    const idempotencyKey = req.headers['idempotency-key'];
    const sentKey = Array.isArray(idempotencyKey) ? idempotencyKey[0] : idempotencyKey;
    return {
      merchantId: hit.merchantId,
      actor: hit.keyId,
      sourceIp: req.ip,
      requestId: req.id,
      ...(sentKey === undefined ? {} : { idempotencyKey: sentKey }),
      origin: `${req.protocol}://${req.host}`,
    };
  }

  private async failed(
    req: FastifyRequest,
    reason: string,
    keyPrefix: string | null,
    keyHint: string | null,
  ): Promise<void> {
    const path = req.routeOptions.url ?? null;
    const attempt = {
      sourceIp: req.ip,
      keyPrefix,
      reason,
      keyHint,
      method: req.method,
      path,
      requestId: req.id,
    };
    if (this.throttle.record(attempt) === 'audit') {
      await auditFailedAuthentication(
        this.deps.db,
        { sourceIp: req.ip, requestId: req.id },
        { reason, keyHint, method: req.method, path },
      );
    }
    void this.writeSummaries();
  }

  /** Writes the summaries of closed windows, one write at a time; a failed write keeps them for the next. */
  private writeSummaries(take: () => FailureSummary[] = () => this.throttle.takeSummaries()): Promise<void> {
    this.writing = this.writing.then(async () => {
      const summaries = take();
      if (summaries.length === 0) return;
      try {
        await auditRepeatedAuthenticationFailures(this.deps.db, summaries);
      } catch (err) {
        this.throttle.restore(summaries);
        this.log.warn(
          { err, summaries: summaries.length },
          'audit of repeated authentication failures failed',
        );
      }
    });
    return this.writing;
  }

  /**
   * Closes the current window and writes every summary (at shutdown, before the database closes). If the
   * database refuses, the summaries go to the log, so no failed attempt is lost.
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.writeSummaries(() => this.throttle.drain());
    const unwritten = this.throttle.takeSummaries();
    for (const summary of unwritten) {
      this.log.error(
        { audit: 'auth.authenticate_repeated', summary },
        'unwritten audit of failed authentications',
      );
    }
  }
}
