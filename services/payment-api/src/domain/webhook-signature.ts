import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Stripe's webhook secret: `whsec_` and 32 random bytes as hex. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

/** HMAC-SHA-256 of `${t}.${payload}` under `secret`, as hex: Stripe's `v1` scheme. */
export function v1Signature(secret: string, timestamp: number, payload: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
}

/**
 * The `Stripe-Signature` header of `payload` sent at `timestamp` (Unix seconds): one `v1=` per secret, so
 * while a rolled secret overlaps with its successor both verify (Stripe does the same).
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, payload: string): string {
  if (secrets.length === 0) throw new RangeError('a webhook is signed with at least one secret');
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${v1Signature(s, timestamp, payload)}`)].join(',');
}

/** Whether `header` carries a valid `v1` signature of `payload` under `secret` (for tests and receivers). */
export function verifiesWith(header: string, secret: string, payload: string): boolean {
  const parts = header.split(',').map((p) => p.split('=', 2) as [string, string]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isSafeInteger(t)) return false;
  const expected = Buffer.from(v1Signature(secret, t, payload), 'hex');
  return parts
    .filter(([k]) => k === 'v1')
    .some(([, v]) => {
      const given = Buffer.from(v, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
