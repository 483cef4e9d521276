import { GetObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { parseRevocationList, RevocationListError, type RevocationList } from '@tessera/pki';
import type { RevocationListSource } from './revocation-list-cache.js';

/** The list could not be read or is not a valid revocation list; the message names the object and why. */
export class RevocationListUnavailableError extends Error {}

/** Reads the revocation list the PKI CLI wrote (`revocations.json`) from an S3 object. */
export class S3RevocationList implements RevocationListSource {
  readonly location: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
  ) {
    this.location = `s3://${bucket}/${key}`;
  }

  async load(): Promise<RevocationList> {
    let text: string;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      if (!out.Body) throw new RevocationListUnavailableError(`${this.location} has no body`);
      text = await out.Body.transformToString('utf-8');
    } catch (err) {
      if (err instanceof RevocationListUnavailableError) throw err;
      // Only the error's name and message: the SDK exception also carries request metadata.
      const what =
        err instanceof S3ServiceException || err instanceof Error
          ? `${err.name}: ${err.message}`
          : 'unknown error';
      throw new RevocationListUnavailableError(`cannot read ${this.location} (${what})`);
    }
    try {
      return parseRevocationList(text);
    } catch (err) {
      if (err instanceof RevocationListError) {
        throw new RevocationListUnavailableError(
          `${this.location} is not a valid revocation list: ${err.message}`,
        );
      }
      throw err;
    }
  }
}
