import {
  DecryptCommand,
  DependencyTimeoutException,
  DisabledException,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  KMSInternalException,
  KMSInvalidStateException,
  KeyUnavailableException,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { KmsKeyEncryptionKey, VaultError } from '../../src/vault/index.js';
import type { KmsKeyEncryptionKeyProps } from '../../src/vault/index.js';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const CONTEXT = { purpose: 'card-vault', merchant_id: 'acct_1' };

const client = new KMSClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
});
const kms = mockClient(client);

let clock = 0;
let sdkPlaintexts: Uint8Array[] = [];

function dataKeyResponse(fill: number) {
  const plaintext = new Uint8Array(32).fill(fill);
  sdkPlaintexts.push(plaintext);
  return {
    KeyId: KEY_ARN,
    Plaintext: plaintext,
    CiphertextBlob: new Uint8Array([0xc0, fill, 1, 2, 3]),
    $metadata: {},
  };
}

function kek(props: Partial<KmsKeyEncryptionKeyProps> = {}): KmsKeyEncryptionKey {
  return new KmsKeyEncryptionKey({ client, keyId: 'alias/tessera-vault', now: () => clock, ...props });
}

beforeEach(() => {
  kms.reset();
  clock = 1_000_000;
  sdkPlaintexts = [];
  let n = 0;
  kms.on(GenerateDataKeyCommand).callsFake(async () => dataKeyResponse(++n));
  kms.on(DecryptCommand).callsFake(async () => {
    const plaintext = new Uint8Array(32).fill(0x77);
    sdkPlaintexts.push(plaintext);
    return { KeyId: KEY_ARN, Plaintext: plaintext, $metadata: {} };
  });
});

describe('KmsKeyEncryptionKey.generateDataKey', () => {
  it('asks KMS for an AES_256 data key under the configured key with the encryption context', async () => {
    const key = await kek().generateDataKey(CONTEXT);
    const calls = kms.commandCalls(GenerateDataKeyCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      KeyId: 'alias/tessera-vault',
      KeySpec: 'AES_256',
      EncryptionContext: CONTEXT,
    });
    expect(key.keyVersion).toBe(KEY_ARN);
    expect(key.plaintext).toEqual(Buffer.alloc(32, 1));
    expect(key.wrapped).toEqual(Buffer.from([0xc0, 1, 1, 2, 3]));
  });

  it('zeroes the plaintext the SDK returned once it has copied it', async () => {
    await kek().generateDataKey(CONTEXT);
    expect(sdkPlaintexts[0]?.every((b) => b === 0)).toBe(true);
  });

  it('reuses a cached data key for the same context within the TTL without calling KMS again', async () => {
    const k = kek();
    const first = await k.generateDataKey(CONTEXT);
    first.plaintext.fill(0); // callers zero their copy; the cache must not be affected
    clock += 299_999;
    const second = await k.generateDataKey({ merchant_id: 'acct_1', purpose: 'card-vault' });
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(1);
    expect(second.plaintext).toEqual(Buffer.alloc(32, 1));
    expect(second.wrapped).toEqual(first.wrapped);
    expect(second.keyVersion).toBe(KEY_ARN);
  });

  it('requests a new data key for another merchant context', async () => {
    const k = kek();
    await k.generateDataKey(CONTEXT);
    const other = await k.generateDataKey({ ...CONTEXT, merchant_id: 'acct_2' });
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
    expect(kms.commandCalls(GenerateDataKeyCommand)[1]?.args[0].input.EncryptionContext).toEqual({
      ...CONTEXT,
      merchant_id: 'acct_2',
    });
    expect(other.plaintext).toEqual(Buffer.alloc(32, 2));
  });

  it('requests a new data key once the TTL has passed', async () => {
    const k = kek({ dataKeyTtlMs: 60_000 });
    await k.generateDataKey(CONTEXT);
    clock += 60_000;
    const again = await k.generateDataKey(CONTEXT);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
    expect(again.plaintext).toEqual(Buffer.alloc(32, 2));
  });

  it('requests a new data key after the configured number of uses', async () => {
    const k = kek({ dataKeyMaxUses: 3 });
    const keys = [];
    for (let i = 0; i < 4; i += 1) keys.push((await k.generateDataKey(CONTEXT)).plaintext[0]);
    expect(keys).toEqual([1, 1, 1, 2]);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
  });

  it('never caches when the TTL is 0', async () => {
    const k = kek({ dataKeyTtlMs: 0 });
    await k.generateDataKey(CONTEXT);
    await k.generateDataKey(CONTEXT);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
  });

  it('with dataKeyMaxUses 1 uses a fresh data key for every card', async () => {
    const k = kek({ dataKeyMaxUses: 1 });
    await k.generateDataKey(CONTEXT);
    await k.generateDataKey(CONTEXT);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
  });

  it('makes one GenerateDataKey call when many cards of a merchant arrive at once', async () => {
    const k = kek({ dataKeyMaxUses: 10 });
    const keys = await Promise.all(Array.from({ length: 25 }, () => k.generateDataKey(CONTEXT)));
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(3);
    expect(keys.map((key) => key.plaintext[0])).toEqual([
      ...Array<number>(10).fill(1),
      ...Array<number>(10).fill(2),
      ...Array<number>(5).fill(3),
    ]);
  });

  it('lets each waiter try KMS itself when the shared call fails', async () => {
    let calls = 0;
    kms.on(GenerateDataKeyCommand).callsFake(async () => {
      calls += 1;
      if (calls === 1) throw new KMSInternalException({ message: 'x', $metadata: {} });
      return dataKeyResponse(calls);
    });
    const k = kek();
    const results = await Promise.allSettled([k.generateDataKey(CONTEXT), k.generateDataKey(CONTEXT)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
  });

  it('never waits forever with caching disabled', async () => {
    const k = kek({ dataKeyTtlMs: 0 });
    await Promise.all([k.generateDataKey(CONTEXT), k.generateDataKey(CONTEXT), k.generateDataKey(CONTEXT)]);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(3);
  });

  it('rejects an incomplete or wrong-sized KMS response', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ KeyId: KEY_ARN, CiphertextBlob: new Uint8Array([1]) });
    await expect(kek().generateDataKey(CONTEXT)).rejects.toMatchObject({ code: 'kek_error' });
    kms.on(GenerateDataKeyCommand).resolves({
      KeyId: KEY_ARN,
      Plaintext: new Uint8Array(16),
      CiphertextBlob: new Uint8Array([1]),
    });
    await expect(kek().generateDataKey(CONTEXT)).rejects.toThrow(/wrong size/);
    kms.on(GenerateDataKeyCommand).resolves(undefined as never);
    await expect(kek().generateDataKey(CONTEXT)).rejects.toThrow(/incomplete response/);
  });

  it('rejects invalid settings', () => {
    expect(() => kek({ keyId: ' ' })).toThrow(/key id must not be empty/);
    expect(() => kek({ dataKeyMaxUses: 0 })).toThrow(/dataKeyMaxUses must be an integer ≥ 1, got 0/);
  });
});

describe('KmsKeyEncryptionKey.unwrapDataKey', () => {
  const wrapped = Buffer.from([9, 9, 9]);

  it('calls Decrypt with the wrapped key, the stored key version as KeyId and the encryption context', async () => {
    const key = await kek().unwrapDataKey(wrapped, CONTEXT, KEY_ARN);
    const calls = kms.commandCalls(DecryptCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(Buffer.from(input?.CiphertextBlob ?? [])).toEqual(wrapped);
    expect(input?.KeyId).toBe(KEY_ARN);
    expect(input?.EncryptionContext).toEqual(CONTEXT);
    expect(key).toEqual(Buffer.alloc(32, 0x77));
    expect(sdkPlaintexts[0]?.every((b) => b === 0)).toBe(true);
  });

  it('caches unwrapped keys by wrapped bytes within the TTL', async () => {
    const k = kek();
    const first = await k.unwrapDataKey(wrapped, CONTEXT, KEY_ARN);
    first.fill(0);
    const second = await k.unwrapDataKey(Buffer.from(wrapped), CONTEXT, KEY_ARN);
    expect(second).toEqual(Buffer.alloc(32, 0x77));
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
    await k.unwrapDataKey(Buffer.from([9, 9, 8]), CONTEXT, KEY_ARN);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(2);
    clock += 300_000;
    await k.unwrapDataKey(wrapped, CONTEXT, KEY_ARN);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(3);
  });

  it('never serves a cached key for a different encryption context: KMS decides', async () => {
    const k = kek();
    await k.unwrapDataKey(wrapped, CONTEXT, KEY_ARN);
    kms.on(DecryptCommand).rejects(new InvalidCiphertextException({ message: 'x', $metadata: {} }));
    await expect(
      k.unwrapDataKey(wrapped, { ...CONTEXT, merchant_id: 'acct_2' }, KEY_ARN),
    ).rejects.toMatchObject({
      code: 'kek_unwrap_failed',
    });
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(2);
  });

  it('opens keys it generated itself from the cache, without a Decrypt call', async () => {
    const k = kek();
    const generated = await k.generateDataKey(CONTEXT);
    const unwrapped = await k.unwrapDataKey(generated.wrapped, CONTEXT, generated.keyVersion);
    expect(unwrapped).toEqual(Buffer.alloc(32, 1));
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('clearCache forgets every key', async () => {
    const k = kek();
    await k.unwrapDataKey(wrapped, CONTEXT, KEY_ARN);
    await k.generateDataKey(CONTEXT);
    k.clearCache();
    await k.unwrapDataKey(wrapped, CONTEXT, KEY_ARN);
    await k.generateDataKey(CONTEXT);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(2);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
  });

  it('rejects a Decrypt response without a 256-bit key', async () => {
    kms.on(DecryptCommand).resolves({ KeyId: KEY_ARN, Plaintext: new Uint8Array(31) });
    await expect(kek().unwrapDataKey(wrapped, CONTEXT, KEY_ARN)).rejects.toMatchObject({ code: 'kek_error' });
  });
});

describe('KMS error mapping', () => {
  const meta = { message: 'from KMS', $metadata: {} };
  // Errors the SDK models without a KMS-specific class arrive as service exceptions carrying the name.
  const named = (name: string) => Object.assign(new Error(name), { name });
  const cases: Array<[string, Error, string, boolean]> = [
    ['InvalidCiphertextException', new InvalidCiphertextException(meta), 'kek_unwrap_failed', false],
    ['IncorrectKeyException', new IncorrectKeyException(meta), 'kek_unwrap_failed', false],
    ['AccessDeniedException', named('AccessDeniedException'), 'kek_access_denied', false],
    ['NotFoundException', new NotFoundException(meta), 'kek_unavailable', false],
    ['DisabledException', new DisabledException(meta), 'kek_unavailable', false],
    ['KMSInvalidStateException', new KMSInvalidStateException(meta), 'kek_unavailable', false],
    ['KeyUnavailableException', new KeyUnavailableException(meta), 'kek_unavailable', true],
    ['ThrottlingException', named('ThrottlingException'), 'kek_throttled', true],
    ['DependencyTimeoutException', new DependencyTimeoutException(meta), 'kek_error', true],
    ['KMSInternalException', new KMSInternalException(meta), 'kek_error', true],
    ['an unknown error', new Error('socket hang up'), 'kek_error', true],
  ];

  it.each(cases)('maps %s on Decrypt to its VaultError code', async (_name, error, code, retryable) => {
    kms.on(DecryptCommand).rejects(error);
    const failure = await kek()
      .unwrapDataKey(Buffer.from([1]), CONTEXT, KEY_ARN)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(VaultError);
    expect(failure).toMatchObject({ code, retryable });
    expect((failure as VaultError).message).toContain(
      `KMS Decrypt on key ${KEY_ARN} failed with ${error.name}`,
    );
    expect((failure as VaultError).cause).toBe(error);
  });

  it.each(cases)('maps %s on GenerateDataKey to its VaultError code', async (_name, error, code) => {
    kms.on(GenerateDataKeyCommand).rejects(error);
    await expect(kek().generateDataKey(CONTEXT)).rejects.toMatchObject({
      code,
      message: expect.stringContaining('KMS GenerateDataKey on key alias/tessera-vault failed'),
    });
  });
});
