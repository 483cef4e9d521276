import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scramSha256Verifier } from '../../src/rotation/scram-verifier.js';

describe('scramSha256Verifier', () => {
  it('produces PostgreSQL’s SCRAM-SHA-256 verifier format, salted per call', () => {
    const verifier = scramSha256Verifier('Correct-Horse-42');
    expect(verifier).toMatch(
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
    );
    expect(verifier).not.toContain('Correct-Horse-42');
    expect(scramSha256Verifier('Correct-Horse-42')).not.toBe(verifier);
  });

  it('matches the RFC 7677 test vector (password "pencil")', () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const [, keys] = scramSha256Verifier('pencil', salt).split('$4096:W22ZaJ0SNY7soEsUEjb6gQ==$');
    const [storedKey, serverKey] = (keys ?? '').split(':').map((k) => Buffer.from(k, 'base64'));
    const nonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${nonce}`;
    // Server signature from the RFC's server-final-message.
    expect(createHmac('sha256', serverKey!).update(authMessage).digest('base64')).toBe(
      '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );
    // The RFC's client proof: ClientKey = proof XOR HMAC(StoredKey, AuthMessage), and StoredKey = H(ClientKey).
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const signature = createHmac('sha256', storedKey!).update(authMessage).digest();
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ signature[i]!));
    expect(createHash('sha256').update(clientKey).digest().equals(storedKey!)).toBe(true);
  });

  it('refuses passwords for which SASLprep would not be the identity', () => {
    expect(() => scramSha256Verifier('with space')).toThrow('printable ASCII');
    expect(() => scramSha256Verifier('pässword-long')).toThrow('printable ASCII');
  });
});
