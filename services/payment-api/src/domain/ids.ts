import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Random bytes are drawn from the CSPRNG in 4 KiB blocks: one system call serves many ids.
let pool = Buffer.alloc(0);
let offset = 0;

function nextRandomByte(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const byte = pool[offset] as number;
  offset += 1;
  return byte;
}

/** Random base62 string; 24 characters carry ~142 bits. Rejection sampling keeps it unbiased. */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = nextRandomByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

export type IdPrefix =
  | 'pi'
  | 'pm'
  | 're'
  | 'ch'
  | 'acct'
  | 'evt'
  | 'txn'
  | 'key'
  | 'cus'
  | 'seti'
  | 'tok'
  | 'card'
  | 'we'
  | 'whdl'
  | 'stl';

function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i += 1) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/**
 * The body of a Stripe-style object id: 8 characters of millisecond time then 16 random ones (~95 bits).
 * New ids land at the right edge of their B-tree index instead of on a random page, which keeps inserts
 * cheap and write-ahead log small.
 */
export function newIdBody(): string {
  return `${base62(Date.now(), 8)}${randomToken(16)}`;
}

/** Stripe-style object id such as pi_3Nf…; the prefix names the object type. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${newIdBody()}`;
}

/** When an id made by newId (or from newIdBody) was made: its first 8 characters after the prefix. */
export function idTime(id: string): Date {
  const body = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 9);
  let ms = 0;
  for (const ch of body) {
    const digit = ALPHABET.indexOf(ch);
    if (digit < 0) throw new RangeError(`${id} is not a time-ordered id`);
    ms = ms * 62 + digit;
  }
  return new Date(ms);
}
