import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 string; 24 characters carry ~142 bits. Rejection sampling keeps it unbiased. */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export type IdPrefix = 'pi' | 'pm' | 're' | 'ch' | 'acct' | 'evt' | 'txn' | 'pst' | 'key' | 'aud';

/** Stripe-style object id such as pi_3Nf…; the prefix names the object type. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomToken(24)}`;
}
