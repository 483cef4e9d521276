import { describe, expect, it } from 'vitest';
import {
  RevocationIndex,
  RevocationListError,
  emptyRevocationList,
  parseRevocationList,
  serializeRevocationList,
} from '../src/revocation-list.js';
import { subjectKey } from '../src/distinguished-name.js';

const valid = {
  format: 'tessera-revocation-list',
  version: 1,
  updatedAt: '2026-12-01T10:00:00.000Z',
  serials: [
    {
      serial: '0A:1B',
      revokedAt: '2026-12-01T09:00:00.000Z',
      reason: 'keyCompromise',
      certificateSubject: 'CN=a',
    },
  ],
  subjects: [{ subject: 'CN=partner-b, O=Acme', revokedAt: '2026-12-01T09:30:00Z' }],
};

const parse = (value: unknown) => parseRevocationList(JSON.stringify(value));

describe('parseRevocationList', () => {
  it('reads version 1 and canonicalizes serials', () => {
    const list = parse(valid);
    expect(list.serials).toEqual([
      {
        serial: 'a1b',
        revokedAt: '2026-12-01T09:00:00.000Z',
        reason: 'keyCompromise',
        certificateSubject: 'CN=a',
      },
    ]);
    expect(list.subjects).toEqual([{ subject: 'CN=partner-b, O=Acme', revokedAt: '2026-12-01T09:30:00Z' }]);
  });

  it('round-trips what it writes', () => {
    const empty = emptyRevocationList(new Date('2026-12-01T00:00:00Z'));
    expect(parseRevocationList(serializeRevocationList(empty))).toEqual(empty);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['another format', JSON.stringify({ ...valid, format: 'crl' }), /format is "crl"/],
    ['another version', JSON.stringify({ ...valid, version: 2 }), /version is 2; this reader understands 1/],
    ['an unknown top-level field', JSON.stringify({ ...valid, revoked: [] }), /unknown field "revoked"/],
    [
      'a misspelt entry field',
      JSON.stringify({ ...valid, serials: [{ serial_number: 'ab', revokedAt: valid.updatedAt }] }),
      /serials\[0\] has unknown field "serial_number"/,
    ],
    [
      'a bad serial',
      JSON.stringify({ ...valid, serials: [{ serial: 'xyz', revokedAt: valid.updatedAt }] }),
      /serials\[0\]\.serial is "xyz"/,
    ],
    [
      'a bad time',
      JSON.stringify({ ...valid, serials: [{ serial: 'ab', revokedAt: 'yesterday' }] }),
      /serials\[0\]\.revokedAt is "yesterday"/,
    ],
    [
      'an unknown reason',
      JSON.stringify({
        ...valid,
        subjects: [{ subject: 'CN=a', revokedAt: valid.updatedAt, reason: 'hold' }],
      }),
      /subjects\[0\]\.reason is "hold"; allowed: unspecified/,
    ],
    [
      'a bad subject',
      JSON.stringify({ ...valid, subjects: [{ subject: 'nobody', revokedAt: valid.updatedAt }] }),
      /subjects\[0\]\.subject: "nobody" is not a distinguished name/,
    ],
    ['serials not an array', JSON.stringify({ ...valid, serials: {} }), /serials must be an array/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseRevocationList(text)).toThrow(RevocationListError);
    expect(() => parseRevocationList(text)).toThrow(message);
  });
});

describe('RevocationIndex', () => {
  it('finds serials by canonical form and subjects by comparison key', () => {
    const index = new RevocationIndex(parse(valid));
    expect(index.serial('a1b')?.reason).toBe('keyCompromise');
    expect(index.serial('a1c')).toBeUndefined();
    expect(index.subject(subjectKey('O=acme,CN=Partner-B'))?.revokedAt).toBe('2026-12-01T09:30:00Z');
    expect(index.subject(subjectKey('CN=partner-b'))).toBeUndefined();
  });
});
