import { createPkiWorkspace, type PkiWorkspace } from '@tessera/pki/testing';

export const MERCHANT = 'acct_0123456789abcdef';

/** A CA folder (`ca/`) made by the PKI CLI in a temp dir, as a platform team would make it. */
export async function createTestPki(): Promise<PkiWorkspace> {
  const pki = createPkiWorkspace('tessera-authorizer-pki-');
  await pki.run(['init', '--out', 'ca']);
  return pki;
}
