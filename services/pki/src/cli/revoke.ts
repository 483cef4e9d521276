import { subjectKey } from '../distinguished-name.js';
import type { RevocationList, RevocationReason, RevokedSerial, RevokedSubject } from '../revocation-list.js';
import { canonicalSerial } from '../serial-number.js';
import { readIssued, readRevocationList, requireCaFolder, writeRevocationList } from './ca-folder.js';
import { PkiError, UsageError } from './errors.js';

export type RevokeTarget = { readonly serial: string } | { readonly subject: string };

export interface RevokeOptions {
  readonly ca: string;
  readonly target: RevokeTarget;
  readonly reason?: RevocationReason;
  readonly now: Date;
}

export type RevokeResult =
  | {
      readonly status: 'revoked';
      readonly entry: RevokedSerial | RevokedSubject;
      readonly list: RevocationList;
    }
  | { readonly status: 'already-revoked'; readonly entry: RevokedSerial | RevokedSubject };

/**
 * Adds a serial (one certificate) or a subject (every certificate with it) to the CA folder's revocation
 * list. Only what this CA issued can be revoked, so a typo fails instead of revoking nothing; revoking twice
 * changes nothing.
 */
export function revoke(opts: RevokeOptions): RevokeResult {
  requireCaFolder(opts.ca);
  const issued = readIssued(opts.ca);
  const list = readRevocationList(opts.ca);
  const revokedAt = opts.now.toISOString();
  const reason = opts.reason ? { reason: opts.reason } : {};
  if ('serial' in opts.target) {
    const serial = canonicalSerial(opts.target.serial);
    if (!serial) {
      throw new UsageError(
        `--serial ${JSON.stringify(opts.target.serial)} is not a hexadecimal serial number`,
      );
    }
    // The inventory keeps the serial as the certificate library printed it (odd lengths gain a leading 0).
    const certificate = issued.find((c) => canonicalSerial(c.serial) === serial);
    if (!certificate) {
      throw new PkiError(
        `no certificate with serial ${serial} was issued by the CA in ${opts.ca} ` +
          `(see: npm run pki -- list --ca ${opts.ca})`,
      );
    }
    const existing = list.serials.find((e) => e.serial === serial);
    if (existing) return { status: 'already-revoked', entry: existing };
    const entry: RevokedSerial = { serial, revokedAt, ...reason, certificateSubject: certificate.subject };
    const updated = { ...list, updatedAt: revokedAt, serials: [...list.serials, entry] };
    writeRevocationList(opts.ca, updated);
    return { status: 'revoked', entry, list: updated };
  }
  let key: string;
  try {
    key = subjectKey(opts.target.subject);
  } catch (err) {
    throw new UsageError(`--subject: ${(err as Error).message}`);
  }
  if (!issued.some((c) => subjectKey(c.subject) === key)) {
    throw new PkiError(
      `no certificate with subject ${JSON.stringify(opts.target.subject)} was issued by the CA in ${opts.ca} ` +
        `(see: npm run pki -- list --ca ${opts.ca})`,
    );
  }
  const existing = list.subjects.find((e) => subjectKey(e.subject) === key);
  if (existing) return { status: 'already-revoked', entry: existing };
  const entry: RevokedSubject = { subject: opts.target.subject.trim(), revokedAt, ...reason };
  const updated = { ...list, updatedAt: revokedAt, subjects: [...list.subjects, entry] };
  writeRevocationList(opts.ca, updated);
  return { status: 'revoked', entry, list: updated };
}
