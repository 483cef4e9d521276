import { randomBytes } from 'node:crypto';

/**
 * A certificate serial number in its canonical form: lower-case hexadecimal without separators or leading
 * zeros (the form `@peculiar/x509` reports and the revocation list stores). Accepts what people copy from
 * tools: `0x` prefixes, colons (`openssl x509 -text`), spaces and upper case (`openssl x509 -serial`).
 * Returns null when `input` is not a hexadecimal serial.
 */
export function canonicalSerial(input: string): string | null {
  const hex = input.trim().replace(/^0x/i, '').replace(/[\s:]/g, '').toLowerCase();
  if (!/^[0-9a-f]{1,64}$/.test(hex)) return null;
  return hex.replace(/^0+(?=.)/, '');
}

/** 128 random bits with the top bit cleared, so the DER INTEGER stays positive and at most 16 bytes. */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return canonicalSerial(bytes.toString('hex')) as string;
}
