/**
 * Distinguished names as the revocation list compares them. People write subjects in different shapes —
 * `CN=acme, O=Acme` from `openssl x509 -subject -nameopt RFC2253` is reversed relative to the encoding order
 * API Gateway and this package print — so two names are the same subject when they hold the same attributes,
 * in any order, with values compared the way X.520 compares most of them (case-insensitive, whitespace runs
 * folded). For a deny list, matching generously only ever denies more.
 */
export class DistinguishedNameError extends Error {}

/** Short names accepted in a DN string, and the names `@peculiar/x509` reports for these OIDs. */
const ATTRIBUTE_OIDS: Readonly<Record<string, string>> = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  SERIALNUMBER: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  T: '2.5.4.12',
  TITLE: '2.5.4.12',
  G: '2.5.4.42',
  GIVENNAME: '2.5.4.42',
  I: '2.5.4.43',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
  E: '1.2.840.113549.1.9.1',
  EMAILADDRESS: '1.2.840.113549.1.9.1',
};

const OID = /^\d+(\.\d+)+$/;
const SPECIAL = ',+"\\<>;=# ';

export interface DnAttribute {
  readonly oid: string;
  readonly value: string;
}

/** The OID of an attribute type written as a short name (any case) or as a dotted OID, or null. */
export function attributeOid(type: string): string | null {
  if (OID.test(type)) return type;
  return ATTRIBUTE_OIDS[type.toUpperCase()] ?? null;
}

/**
 * Parses an RFC 4514 string (`CN=acme+OU=ops, O=Acme\, Inc`; `;` also separates RDNs, values may be quoted)
 * into its attributes, in the order written. Hex-encoded (`#…`) values are refused.
 */
export function parseDistinguishedName(text: string): DnAttribute[] {
  const attributes: DnAttribute[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new DistinguishedNameError(`${JSON.stringify(text)} is not a distinguished name: ${what}`);
  };
  const skipSpaces = () => {
    while (text[i] === ' ') i += 1;
  };
  skipSpaces();
  if (i >= text.length) fail('it is empty; expected e.g. "CN=partner-a,O=Acme"');
  for (;;) {
    skipSpaces();
    const typeStart = i;
    while (i < text.length && text[i] !== '=' && !',+;'.includes(text[i] as string)) i += 1;
    const type = text.slice(typeStart, i).trim();
    if (text[i] !== '=') fail(`"${type}" has no "=value"`);
    const oid = attributeOid(type);
    if (!oid) {
      fail(
        `unknown attribute type "${type}" (use ${Object.keys(ATTRIBUTE_OIDS).join(', ')} or a dotted OID)`,
      );
    }
    i += 1;
    skipSpaces();
    const value = readValue();
    if (value === '') fail(`attribute ${type} has no value`);
    attributes.push({ oid: oid as string, value });
    skipSpaces();
    if (i >= text.length) return attributes;
    if (!',+;'.includes(text[i] as string)) fail(`unexpected "${text[i]}" at position ${i}`);
    i += 1;
  }

  function readValue(): string {
    if (text[i] === '#') fail('hex-encoded (#…) values are not supported');
    if (text[i] === '"') {
      i += 1;
      let out = '';
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i += 1;
        out += text[i] ?? '';
        i += 1;
      }
      if (text[i] !== '"') fail('unterminated quoted value');
      i += 1;
      return out;
    }
    const bytes: number[] = [];
    let keep = 0; // length of `bytes` up to the last character that is not an unescaped space
    while (i < text.length && !',+;'.includes(text[i] as string)) {
      const char = text[i] as string;
      if (char === '\\') {
        const next = text[i + 1];
        const hex = text.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(hex)) {
          bytes.push(parseInt(hex, 16));
          i += 3;
        } else if (next !== undefined && SPECIAL.includes(next)) {
          bytes.push(...Buffer.from(next, 'utf8'));
          i += 2;
        } else {
          fail(`bad escape "\\${next ?? ''}" at position ${i}`);
        }
        keep = bytes.length;
        continue;
      }
      if (char === '"') fail(`unescaped '"' at position ${i}`);
      bytes.push(...Buffer.from(char, 'utf8'));
      if (char !== ' ') keep = bytes.length;
      i += 1;
    }
    return Buffer.from(bytes.slice(0, keep)).toString('utf8');
  }
}

/** Case-insensitive, whitespace runs folded (X.520 caseIgnoreMatch, which CN, O, OU, … use). */
function matchingValue(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The comparison key of a name: its attributes, order-independent, values normalized. */
export function distinguishedNameKey(attributes: readonly DnAttribute[]): string {
  return JSON.stringify(attributes.map((a) => `${a.oid}=${matchingValue(a.value)}`).sort());
}

/** The comparison key of a DN string; throws {@link DistinguishedNameError} when it does not parse. */
export function subjectKey(text: string): string {
  return distinguishedNameKey(parseDistinguishedName(text));
}
