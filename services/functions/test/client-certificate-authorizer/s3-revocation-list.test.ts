import { GetObjectCommand, NoSuchKey, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { emptyRevocationList, serializeRevocationList } from '@tessera/pki';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  RevocationListUnavailableError,
  S3RevocationList,
} from '../../src/client-certificate-authorizer/s3-revocation-list.js';

const s3 = mockClient(S3Client);
const adapter = new S3RevocationList(
  new S3Client({ region: 'eu-west-1' }),
  'tessera-prod-pki',
  'revocations.json',
);

/** GetObject's Body: the SDK's stream mixin, reduced to the one method the adapter uses. */
const body = (text: string) =>
  ({ transformToString: async () => text }) as unknown as GetObjectCommandOutput['Body'];

beforeEach(() => s3.reset());

describe('S3RevocationList', () => {
  it('reads and parses the object', async () => {
    const list = {
      ...emptyRevocationList(new Date('2026-12-01T00:00:00Z')),
      serials: [{ serial: 'ab12', revokedAt: '2026-12-01T00:00:00.000Z' }],
    };
    s3.on(GetObjectCommand).resolves({ Body: body(serializeRevocationList(list)) });
    await expect(adapter.load()).resolves.toEqual(list);
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'tessera-prod-pki',
      Key: 'revocations.json',
    });
    expect(adapter.location).toBe('s3://tessera-prod-pki/revocations.json');
  });

  it('names the object and the S3 error when the read fails', async () => {
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    const error = await adapter.load().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RevocationListUnavailableError);
    expect((error as Error).message).toBe(
      'cannot read s3://tessera-prod-pki/revocations.json (NoSuchKey: The specified key does not exist.)',
    );
  });

  it('refuses an object that is not a valid revocation list, naming the problem', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('{"format":"tessera-revocation-list","version":2}') });
    await expect(adapter.load()).rejects.toThrow(
      's3://tessera-prod-pki/revocations.json is not a valid revocation list: version is 2; this reader understands 1',
    );
  });

  it('refuses an empty response', async () => {
    s3.on(GetObjectCommand).resolves({});
    await expect(adapter.load()).rejects.toThrow('s3://tessera-prod-pki/revocations.json has no body');
  });
});
