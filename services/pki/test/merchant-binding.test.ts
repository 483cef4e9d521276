import { describe, expect, it } from 'vitest';
import { isMerchantId, merchantBinding, merchantUri } from '../src/merchant-binding.js';

const ID = 'acct_0123456789abcdef';

describe('merchant binding in the SAN URI', () => {
  it('formats and reads urn:tessera:merchant:<account id>', () => {
    expect(merchantUri(ID)).toBe(`urn:tessera:merchant:${ID}`);
    expect(merchantBinding(['https://partner.example', merchantUri(ID)])).toEqual({
      kind: 'bound',
      merchantId: ID,
    });
  });

  it('accepts only payment API account ids', () => {
    expect(isMerchantId('acct_1PZ3nQ0aBcDeFgHiJkLmNoPq')).toBe(true);
    for (const bad of [
      'acct_',
      'acct_short',
      'cus_0123456789abcdef',
      `${ID}!`,
      `acct_${'a'.repeat(65)}`,
      ` ${ID}`,
    ]) {
      expect(isMerchantId(bad)).toBe(false);
    }
    expect(() => merchantUri('acct_x')).toThrow(/not a merchant account id/);
  });

  it('binds nothing without a merchant URI, with two of them, or with a malformed one', () => {
    expect(merchantBinding([])).toEqual({ kind: 'none' });
    expect(merchantBinding(['urn:example:other'])).toEqual({ kind: 'none' });
    expect(merchantBinding([merchantUri(ID), merchantUri('acct_ffffffffffffffff')]).kind).toBe('ambiguous');
    // a differently-cased prefix is still a (second) binding, never ignored
    expect(merchantBinding([merchantUri(ID), `URN:TESSERA:MERCHANT:acct_ffffffffffffffff`]).kind).toBe(
      'ambiguous',
    );
    expect(merchantBinding([`URN:Tessera:Merchant:${ID}`])).toEqual({
      kind: 'malformed',
      uri: `URN:Tessera:Merchant:${ID}`,
    });
    expect(merchantBinding(['urn:tessera:merchant:acct_bad!']).kind).toBe('malformed');
    expect(merchantBinding(['urn:tessera:merchant:'])).toEqual({
      kind: 'malformed',
      uri: 'urn:tessera:merchant:',
    });
  });
});
