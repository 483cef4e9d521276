/**
 * Where a client certificate names the merchant account it is bound to: one subjectAltName URI
 * `urn:tessera:merchant:<account id>` (ADR 0034). The account id is the payment API's `acct_…` id.
 */
export const MERCHANT_URI_PREFIX = 'urn:tessera:merchant:';

/** The payment API's merchant account ids: `acct_` and 8 to 64 letters or digits. */
const MERCHANT_ID = /^acct_[0-9A-Za-z]{8,64}$/;

export function isMerchantId(value: string): boolean {
  return MERCHANT_ID.test(value);
}

export function merchantUri(merchantId: string): string {
  if (!isMerchantId(merchantId)) {
    throw new Error(
      `merchant id ${JSON.stringify(merchantId)} is not a merchant account id; expected acct_ followed by ` +
        '8 to 64 letters or digits',
    );
  }
  return `${MERCHANT_URI_PREFIX}${merchantId}`;
}

export type MerchantBinding =
  | { readonly kind: 'bound'; readonly merchantId: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous'; readonly uris: readonly string[] }
  | { readonly kind: 'malformed'; readonly uri: string };

/**
 * The merchant a certificate's SAN URIs bind it to. The prefix is matched case-insensitively (URN namespace
 * ids are case-insensitive), so a differently-cased second binding counts as a second binding: more than one
 * binding, or a binding whose id is not an account id, binds to nothing.
 */
export function merchantBinding(uris: readonly string[]): MerchantBinding {
  const bindings = uris.filter((uri) => uri.toLowerCase().startsWith(MERCHANT_URI_PREFIX));
  if (bindings.length === 0) return { kind: 'none' };
  if (bindings.length > 1) return { kind: 'ambiguous', uris: bindings };
  const uri = bindings[0] as string;
  const merchantId = uri.slice(MERCHANT_URI_PREFIX.length);
  if (!uri.startsWith(MERCHANT_URI_PREFIX) || !isMerchantId(merchantId)) return { kind: 'malformed', uri };
  return { kind: 'bound', merchantId };
}
