import { DistinguishedNameError, subjectKey } from './distinguished-name.js';
import { canonicalSerial } from './serial-number.js';

/**
 * The revocation list the PKI CLI writes into the CA folder (`revocations.json`) and the platform copies to
 * S3 for the authorizer. API Gateway does no CRL/OCSP checking, so this list is how a certificate stops
 * working (ADR 0036). Version 1:
 *
 * ```json
 * {
 *   "format": "tessera-revocation-list",
 *   "version": 1,
 *   "updatedAt": "2026-12-01T10:00:00.000Z",
 *   "serials": [{ "serial": "5f1c…", "revokedAt": "…", "reason": "keyCompromise", "certificateSubject": "CN=partner-a" }],
 *   "subjects": [{ "subject": "CN=partner-b", "revokedAt": "…", "reason": "cessationOfOperation" }]
 * }
 * ```
 *
 * A `serials` entry revokes the one certificate with that serial (any issuer: serials are 128 random bits);
 * `certificateSubject` only says whose it was. A `subjects` entry revokes every certificate with that subject,
 * including ones issued later. Entries are revoked from the moment they are listed; `revokedAt` is the audit
 * record of when.
 */
export const REVOCATION_LIST_FORMAT = 'tessera-revocation-list';

/** RFC 5280 CRLReason names (certificateHold and removeFromCRL excluded: an entry here is permanent). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'caCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export interface RevokedSerial {
  readonly serial: string;
  readonly revokedAt: string;
  readonly reason?: RevocationReason;
  readonly certificateSubject?: string;
}

export interface RevokedSubject {
  readonly subject: string;
  readonly revokedAt: string;
  readonly reason?: RevocationReason;
}

export interface RevocationList {
  readonly format: typeof REVOCATION_LIST_FORMAT;
  readonly version: 1;
  readonly updatedAt: string;
  readonly serials: readonly RevokedSerial[];
  readonly subjects: readonly RevokedSubject[];
}

export class RevocationListError extends Error {}

export function emptyRevocationList(now: Date): RevocationList {
  return {
    format: REVOCATION_LIST_FORMAT,
    version: 1,
    updatedAt: now.toISOString(),
    serials: [],
    subjects: [],
  };
}

export function serializeRevocationList(list: RevocationList): string {
  return `${JSON.stringify(list, null, 2)}\n`;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Json, allowed: readonly string[], path: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new RevocationListError(
      `${path} has unknown field ${JSON.stringify(unknown[0])}; allowed: ${allowed.join(', ')}`,
    );
  }
}

function timestamp(value: unknown, path: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new RevocationListError(`${path} is ${JSON.stringify(value)}; expected an ISO 8601 date-time`);
  }
  return value;
}

function reason(value: unknown, path: string): RevocationReason | undefined {
  if (value === undefined) return undefined;
  if (!REVOCATION_REASONS.includes(value as RevocationReason)) {
    throw new RevocationListError(
      `${path} is ${JSON.stringify(value)}; allowed: ${REVOCATION_REASONS.join(', ')}`,
    );
  }
  return value as RevocationReason;
}

function entries(value: unknown, path: string): Json[] {
  if (!Array.isArray(value)) throw new RevocationListError(`${path} must be an array`);
  return value.map((entry, i) => {
    if (!isObject(entry)) throw new RevocationListError(`${path}[${i}] must be an object`);
    return entry;
  });
}

/**
 * Reads a revocation list strictly: a typo (`"serial_number"`, a bad serial, an unknown reason) is an error,
 * never an entry that silently revokes nothing.
 */
export function parseRevocationList(text: string): RevocationList {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new RevocationListError(`the revocation list is not JSON (${(err as Error).message})`);
  }
  if (!isObject(data)) throw new RevocationListError('the revocation list must be a JSON object');
  onlyKeys(data, ['format', 'version', 'updatedAt', 'serials', 'subjects'], 'the revocation list');
  if (data.format !== REVOCATION_LIST_FORMAT) {
    throw new RevocationListError(
      `format is ${JSON.stringify(data.format)}; expected ${JSON.stringify(REVOCATION_LIST_FORMAT)}`,
    );
  }
  if (data.version !== 1) {
    throw new RevocationListError(`version is ${JSON.stringify(data.version)}; this reader understands 1`);
  }
  const serials = entries(data.serials, 'serials').map((entry, i): RevokedSerial => {
    const path = `serials[${i}]`;
    onlyKeys(entry, ['serial', 'revokedAt', 'reason', 'certificateSubject'], path);
    const serial = typeof entry.serial === 'string' ? canonicalSerial(entry.serial) : null;
    if (!serial) {
      throw new RevocationListError(
        `${path}.serial is ${JSON.stringify(entry.serial)}; expected a hexadecimal serial number`,
      );
    }
    if (entry.certificateSubject !== undefined && typeof entry.certificateSubject !== 'string') {
      throw new RevocationListError(`${path}.certificateSubject must be a string`);
    }
    const why = reason(entry.reason, `${path}.reason`);
    return {
      serial,
      revokedAt: timestamp(entry.revokedAt, `${path}.revokedAt`),
      ...(why ? { reason: why } : {}),
      ...(entry.certificateSubject !== undefined ? { certificateSubject: entry.certificateSubject } : {}),
    };
  });
  const subjects = entries(data.subjects, 'subjects').map((entry, i): RevokedSubject => {
    const path = `subjects[${i}]`;
    onlyKeys(entry, ['subject', 'revokedAt', 'reason'], path);
    if (typeof entry.subject !== 'string') throw new RevocationListError(`${path}.subject must be a string`);
    try {
      subjectKey(entry.subject);
    } catch (err) {
      if (err instanceof DistinguishedNameError)
        throw new RevocationListError(`${path}.subject: ${err.message}`);
      throw err;
    }
    const why = reason(entry.reason, `${path}.reason`);
    return {
      subject: entry.subject,
      revokedAt: timestamp(entry.revokedAt, `${path}.revokedAt`),
      ...(why ? { reason: why } : {}),
    };
  });
  return {
    format: REVOCATION_LIST_FORMAT,
    version: 1,
    updatedAt: timestamp(data.updatedAt, 'updatedAt'),
    serials,
    subjects,
  };
}

/** A parsed list ready for lookups (build it once per loaded list). */
export class RevocationIndex {
  private readonly serials: ReadonlyMap<string, RevokedSerial>;
  private readonly subjects: ReadonlyMap<string, RevokedSubject>;

  constructor(readonly list: RevocationList) {
    this.serials = new Map(list.serials.map((entry) => [entry.serial, entry]));
    this.subjects = new Map(list.subjects.map((entry) => [subjectKey(entry.subject), entry]));
  }

  /** The entry revoking this canonical serial, if any. */
  serial(serial: string): RevokedSerial | undefined {
    return this.serials.get(serial);
  }

  /** The entry revoking this subject comparison key, if any. */
  subject(key: string): RevokedSubject | undefined {
    return this.subjects.get(key);
  }
}
