/**
 * Idempotency rules (Stripe semantics and status codes):
 *  - a key is unique per (merchant, key) and may be up to 255 printable ASCII characters;
 *  - the request is identified by a keyed hash of its canonical form (method, path, parameters), never the body;
 *  - same key + same request -> the stored response; different request -> 400 idempotency_error; first still running -> 409;
 *  - an in-flight claim whose lease has expired (the process died) may be taken over by a retry, which is safe
 *    because a request's effects and its stored response commit in one transaction.
 */
export const MAX_KEY_LENGTH = 255;

export function validateIdempotencyKey(key: string): string | null {
  if (key.length === 0) return 'Idempotency-Key must not be empty.';
  if (key.length > MAX_KEY_LENGTH)
    return `Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters long.`;
  if (!/^[\x21-\x7e]+$/.test(key))
    return 'Idempotency-Key may contain only printable ASCII characters without spaces.';
  return null;
}

/**
 * Canonical text of a request: keys sorted, scalars as strings (so a form-encoded and a JSON request with the
 * same values are the same request), arrays kept in order.
 */
export function canonicalRequest(method: string, path: string, params: unknown): string {
  return JSON.stringify([method.toUpperCase(), path, canonicalValue(params)]);
}

function canonicalValue(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries.map(([k, v]) => [k, canonicalValue(v)]));
  }
  return String(value);
}

export interface StoredKey {
  readonly requestHash: string;
  readonly state: 'in_flight' | 'completed';
  /** Whether the in-flight claim is younger than the lease (computed on the database clock). */
  readonly leaseActive: boolean;
  readonly responseStatus: number | null;
  readonly responseBody: string | null;
}

export type Decision =
  | { readonly action: 'replay'; readonly status: number; readonly body: string }
  | { readonly action: 'mismatch' }
  | { readonly action: 'in_flight' }
  | { readonly action: 'take_over' };

/** What to do with a request whose key already exists. */
export function decide(existing: StoredKey, requestHash: string): Decision {
  if (existing.requestHash !== requestHash) return { action: 'mismatch' };
  if (existing.state === 'completed' && existing.responseStatus !== null && existing.responseBody !== null) {
    return { action: 'replay', status: existing.responseStatus, body: existing.responseBody };
  }
  if (existing.leaseActive) return { action: 'in_flight' };
  return { action: 'take_over' };
}
