import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** PostgreSQL's default iteration count (`scram_iterations`). */
const ITERATIONS = 4096;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Builds the SCRAM-SHA-256 verifier PostgreSQL stores for a password (the format `psql \password` sends).
 * Sending the verifier instead of the clear password keeps the password out of the server's statement log
 * and out of the `STATEMENT:` line logged with a failed statement, which record `ALTER ROLE … PASSWORD '…'`
 * verbatim (pgaudit redacts passwords only in its own audit lines).
 *
 * Restricted to printable ASCII without spaces: for those strings SASLprep (RFC 4013), which the server
 * applies before hashing, is the identity, so the verifier matches what the server would compute.
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16)): string {
  if (!PRINTABLE_ASCII.test(password)) {
    throw new Error('password must consist of printable ASCII characters without spaces');
  }
  const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
