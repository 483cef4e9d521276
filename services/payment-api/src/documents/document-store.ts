/**
 * Where the service writes documents (settlement reports): S3 in AWS, files under the data dir on the
 * embedded default. Documents are write-once: a key that exists is never overwritten, so a re-run that
 * produces the same document writes nothing.
 */
export interface DocumentStore {
  /** A description for logs and the CLI (`s3://bucket/key`, a file path). */
  locationOf(key: string): string;
  /** Writes the document unless one exists under `key`; 'exists' when it did (nothing was written). */
  putIfAbsent(key: string, body: string, contentType: string): Promise<'written' | 'exists'>;
}

/** A key's segments: names that start with a letter, digit or `_` (so no `..`, no absolute path, no empty part). */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The segments of a valid key; RangeError for anything a file system or S3 could read differently. */
export function checkDocumentKey(key: string): string[] {
  const segments = key.split('/');
  if (segments.some((s) => !SEGMENT.test(s))) {
    throw new RangeError(
      `document key ${JSON.stringify(key)} must be '/'-separated names of letters, digits, _ . -`,
    );
  }
  return segments;
}
