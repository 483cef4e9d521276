import { PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { checkDocumentKey, type DocumentStore } from './document-store.js';

const CONFLICT_ATTEMPTS = 3;

/**
 * Documents as objects in the documents bucket. Encryption is the bucket's default (SSE-KMS with its
 * customer-managed key), so no key id is named here and the key policy alone decides who can read.
 * `If-None-Match: *` makes S3 refuse to overwrite an existing key (412 Precondition Failed): a re-run
 * never replaces a report, and the versioned, object-locked bucket keeps exactly one version. A 409
 * ConditionalRequestConflict (another conditional write of the key in flight) is retried: it ends in either
 * a write or a 412.
 */
export class S3DocumentStore implements DocumentStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  locationOf(key: string): string {
    checkDocumentKey(key);
    return `s3://${this.bucket}/${key}`;
  }

  async putIfAbsent(key: string, body: string, contentType: string): Promise<'written' | 'exists'> {
    checkDocumentKey(key);
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.put(key, body, contentType);
      if (outcome !== 'conflict') return outcome;
      if (attempt === CONFLICT_ATTEMPTS) {
        throw new Error(
          `${this.locationOf(key)}: conditional write still conflicting after ${attempt} attempts`,
        );
      }
    }
  }

  private async put(
    key: string,
    body: string,
    contentType: string,
  ): Promise<'written' | 'exists' | 'conflict'> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          IfNoneMatch: '*',
        }),
      );
      return 'written';
    } catch (err) {
      if (
        err instanceof S3ServiceException &&
        (err.name === 'PreconditionFailed' || err.$metadata.httpStatusCode === 412)
      ) {
        return 'exists';
      }
      if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 409) return 'conflict';
      throw err;
    }
  }
}
