import { describe, expect, it } from 'vitest';
import { DistinguishedNameError, parseDistinguishedName, subjectKey } from '../src/distinguished-name.js';

describe('parseDistinguishedName', () => {
  it('reads types by short name (any case) or OID, in the order written', () => {
    expect(parseDistinguishedName('CN=partner-a, o=Acme;2.5.4.11=ops')).toEqual([
      { oid: '2.5.4.3', value: 'partner-a' },
      { oid: '2.5.4.10', value: 'Acme' },
      { oid: '2.5.4.11', value: 'ops' },
    ]);
  });

  it('handles multi-valued RDNs, escapes, hex escapes and quoted values', () => {
    expect(parseDistinguishedName('CN=a+OU=b,O=Acme\\, Inc,L=M\\C3\\BCnchen,ST="x, y"')).toEqual([
      { oid: '2.5.4.3', value: 'a' },
      { oid: '2.5.4.11', value: 'b' },
      { oid: '2.5.4.10', value: 'Acme, Inc' },
      { oid: '2.5.4.7', value: 'München' },
      { oid: '2.5.4.8', value: 'x, y' },
    ]);
  });

  it('trims unescaped spaces around values but keeps an escaped trailing space', () => {
    expect(parseDistinguishedName(' CN = a b  , O=c\\ ')).toEqual([
      { oid: '2.5.4.3', value: 'a b' },
      { oid: '2.5.4.10', value: 'c ' },
    ]);
  });

  it.each([
    ['', /empty/],
    ['garbage', /has no "=value"/],
    ['CN=', /has no value/],
    ['FOO=bar', /unknown attribute type "FOO"/],
    ['CN=#04026869', /hex-encoded/],
    ['CN="open', /unterminated/],
    ['CN=a\\q', /bad escape/],
    ['CN=a"b', /unescaped/],
  ])('refuses %j', (text, message) => {
    expect(() => parseDistinguishedName(text)).toThrow(DistinguishedNameError);
    expect(() => parseDistinguishedName(text)).toThrow(message);
  });
});

describe('subjectKey', () => {
  it('matches the same attributes whatever the order, case or spacing', () => {
    const key = subjectKey('C=US, O=Acme, CN=partner-a');
    expect(subjectKey('CN=Partner-A,O=ACME,C=us')).toBe(key); // RFC 2253 order, other case
    expect(subjectKey('cn = partner-a ; o = Acme ; c = US')).toBe(key);
    expect(subjectKey('2.5.4.3=partner-a,2.5.4.10=Acme,2.5.4.6=US')).toBe(key);
  });

  it('tells different subjects apart', () => {
    const key = subjectKey('CN=partner-a,O=Acme');
    expect(subjectKey('CN=partner-a')).not.toBe(key);
    expect(subjectKey('CN=partner-b,O=Acme')).not.toBe(key);
    expect(subjectKey('OU=partner-a,O=Acme')).not.toBe(key);
    // an escaped comma is part of a value, not a separator
    expect(subjectKey('CN=partner-a\\,O=Acme')).not.toBe(key);
  });
});
