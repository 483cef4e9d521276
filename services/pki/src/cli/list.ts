import { RevocationIndex } from '../revocation-list.js';
import { subjectKey } from '../distinguished-name.js';
import { canonicalSerial } from '../serial-number.js';
import { readIssued, readRevocationList, requireCaFolder, type IssuedCertificate } from './ca-folder.js';

export type CertificateStatus = 'valid' | 'revoked' | 'expired';

/** The CA's inventory with each certificate's current status. */
export function listIssued(ca: string, now: Date): Array<IssuedCertificate & { status: CertificateStatus }> {
  requireCaFolder(ca);
  const revocations = new RevocationIndex(readRevocationList(ca));
  return readIssued(ca).map((certificate) => {
    const revoked =
      revocations.serial(canonicalSerial(certificate.serial) ?? certificate.serial) ??
      revocations.subject(subjectKey(certificate.subject));
    const status: CertificateStatus = revoked
      ? 'revoked'
      : new Date(certificate.notAfter) < now
        ? 'expired'
        : 'valid';
    return { ...certificate, status };
  });
}
