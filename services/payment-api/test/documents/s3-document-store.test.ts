import {
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3DocumentStore } from '../../src/documents/s3-document-store.js';

const BUCKET = 'tessera-prod-documents-111111111111-us-east-1';
const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const s3 = mockClient(client);

const s3Error = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

/** S3's conditional write rule: with If-None-Match: *, an existing key answers 412 and is left unchanged. */
function conditionalBucket() {
  const objects = new Map<string, { body: string; contentType?: string }>();
  s3.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
    const key = input.Key as string;
    if (input.IfNoneMatch === '*' && objects.has(key)) throw s3Error('PreconditionFailed', 412);
    objects.set(key, { body: String(input.Body), contentType: input.ContentType });
    return { ETag: '"e"', $metadata: {} };
  });
  return objects;
}

beforeEach(() => s3.reset());

describe('S3 document store', () => {
  it('puts a CSV once, under the bucket default encryption, and never overwrites it', async () => {
    const objects = conditionalBucket();
    const store = new S3DocumentStore(client, BUCKET);
    const key = 'settlements/acct_1/2026-11-30.csv';
    expect(await store.putIfAbsent(key, 'id\r\n', 'text/csv')).toBe('written');
    expect(await store.putIfAbsent(key, 'other\r\n', 'text/csv')).toBe('exists');
    expect(objects.get(key)).toEqual({ body: 'id\r\n', contentType: 'text/csv' });
    expect(store.locationOf(key)).toBe(`s3://${BUCKET}/${key}`);
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toEqual({
      Bucket: BUCKET,
      Key: key,
      Body: 'id\r\n',
      ContentType: 'text/csv',
      IfNoneMatch: '*',
    });
    // no key id, no encryption header: the bucket's default KMS key applies
    expect(input).not.toHaveProperty('SSEKMSKeyId');
    expect(input).not.toHaveProperty('ServerSideEncryption');
  });

  it('retries a conflicting concurrent conditional write (409) until S3 decides', async () => {
    s3.on(PutObjectCommand)
      .rejectsOnce(s3Error('ConditionalRequestConflict', 409))
      .rejectsOnce(s3Error('PreconditionFailed', 412));
    const store = new S3DocumentStore(client, BUCKET);
    expect(await store.putIfAbsent('settlements/acct_1/d.csv', 'x', 'text/csv')).toBe('exists');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
    s3.reset();
    s3.on(PutObjectCommand).rejects(s3Error('ConditionalRequestConflict', 409));
    await expect(store.putIfAbsent('settlements/acct_1/d.csv', 'x', 'text/csv')).rejects.toThrow(
      /still conflicting after 3 attempts/,
    );
  });

  it('passes other failures on, and refuses keys that are not plain relative paths', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    const store = new S3DocumentStore(client, BUCKET);
    await expect(store.putIfAbsent('settlements/acct_1/d.csv', 'x', 'text/csv')).rejects.toThrow(
      'AccessDenied',
    );
    for (const key of ['/abs.csv', 'settlements/../x.csv', 'a//b', 'settlements/acct 1/d.csv']) {
      await expect(store.putIfAbsent(key, 'x', 'text/csv')).rejects.toThrow(RangeError);
    }
  });
});
