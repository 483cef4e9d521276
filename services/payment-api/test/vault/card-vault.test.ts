import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CardVault,
  KmsKeyEncryptionKey,
  LocalKeyEncryptionKey,
  rotateLocalKeyEncryptionKey,
  VaultError,
} from '../../src/vault/index.js';
import type { KeyEncryptionKey, SealedCard } from '../../src/vault/index.js';
import { FakeKms } from '../support/fake-kms.js';
import { useTempDirs } from '../support/temp-dir.js';

const PAN = '4242424242424242';
const MERCHANT = 'acct_1Merchant';
const TOKEN = 'pm_1Token';
const tempDir = useTempDirs();

interface Setup {
  kek: KeyEncryptionKey;
  /** A key version that exists but did not wrap the card. */
  otherKeyVersion: () => Promise<string>;
  kms?: FakeKms;
}

const setups: Array<[string, () => Promise<Setup>]> = [
  [
    'local key file',
    async () => {
      const dir = await tempDir();
      const kek = await LocalKeyEncryptionKey.open(dir);
      return { kek, otherKeyVersion: () => rotateLocalKeyEncryptionKey(dir) };
    },
  ],
  [
    'KMS (in-process fake)',
    async () => {
      const kms = new FakeKms();
      const arn = kms.createKey('tessera-vault');
      const kek = new KmsKeyEncryptionKey({ client: kms.client, keyId: 'alias/tessera-vault' });
      expect(arn).toMatch(/^arn:aws:kms:/);
      return { kek, kms, otherKeyVersion: async () => kms.createKey() };
    },
  ],
];

function vaultWith(kek: KeyEncryptionKey, fingerprintKey = Buffer.alloc(32, 7)): CardVault {
  return new CardVault({ kek, fingerprintKey });
}

/** A vault on the fake KMS key `alias/tessera-vault` that records the context of every data key it asks for. */
function vaultSeeingContexts(kms: FakeKms) {
  const kek = new KmsKeyEncryptionKey({ client: kms.client, keyId: 'alias/tessera-vault' });
  const seen: Array<Record<string, string>> = [];
  const vault = vaultWith({
    kind: 'kms',
    generateDataKey: (ctx) => {
      seen.push(ctx);
      return kek.generateDataKey(ctx);
    },
    unwrapDataKey: (w, ctx, v) => kek.unwrapDataKey(w, ctx, v),
  });
  return { vault, seen };
}

describe.each(setups)('CardVault with a %s KEK', (_name, setup) => {
  it('seals a PAN into ciphertext and opens it again for the same merchant and token', async () => {
    const { kek } = await setup();
    const vault = vaultWith(kek);
    const sealed = await vault.seal({ merchantId: MERCHANT, tokenId: TOKEN, pan: PAN });
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.authTag).toHaveLength(16);
    expect(sealed.ciphertext).toHaveLength(PAN.length);
    expect(sealed.ciphertext.toString('latin1')).not.toContain(PAN);
    expect(sealed.wrappedDataKey.length).toBeGreaterThan(32);
    expect(sealed.brand).toBe('visa');
    expect(sealed.last4).toBe('4242');
    expect(sealed.fingerprint).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(sealed.keyVersion).toMatch(kek.kind === 'local' ? /^local:1$/ : /^arn:aws:kms:/);
    await expect(vault.open({ merchantId: MERCHANT, tokenId: TOKEN, sealed })).resolves.toBe(PAN);
  });

  it('uses a fresh IV for every seal of the same card', async () => {
    const vault = vaultWith((await setup()).kek);
    const a = await vault.seal({ merchantId: MERCHANT, tokenId: 'pm_a', pan: PAN });
    const b = await vault.seal({ merchantId: MERCHANT, tokenId: 'pm_b', pan: PAN });
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.fingerprint).toBe(b.fingerprint);
  });

  const tamperings: Array<
    [string, (s: SealedCard) => SealedCard, { merchantId?: string; tokenId?: string }]
  > = [
    ['another merchant id', (s) => s, { merchantId: 'acct_2Other' }],
    ['another token id', (s) => s, { tokenId: 'pm_2Other' }],
    ['a flipped ciphertext bit', (s) => ({ ...s, ciphertext: flip(s.ciphertext) }), {}],
    ['a flipped IV bit', (s) => ({ ...s, iv: flip(s.iv) }), {}],
    ['a flipped auth tag bit', (s) => ({ ...s, authTag: flip(s.authTag) }), {}],
    ['a flipped wrapped-key bit', (s) => ({ ...s, wrappedDataKey: flip(s.wrappedDataKey) }), {}],
  ];

  it.each(tamperings)('refuses to open a card with %s', async (_what, tamper, ids) => {
    const { kek } = await setup();
    const vault = vaultWith(kek);
    const sealed = await vault.seal({ merchantId: MERCHANT, tokenId: TOKEN, pan: PAN });
    const failure = await vault
      .open({ merchantId: ids.merchantId ?? MERCHANT, tokenId: ids.tokenId ?? TOKEN, sealed: tamper(sealed) })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(VaultError);
    expect(failure).toMatchObject({ code: 'open_failed' });
    expect((failure as Error).message).toMatch(/could not be opened|failed authentication/);
    expect((failure as Error).message).not.toContain(PAN);
  });

  it('refuses to open a card whose key version was changed to another existing version', async () => {
    const { kek, otherKeyVersion } = await setup();
    const vault = vaultWith(kek);
    const sealed = await vault.seal({ merchantId: MERCHANT, tokenId: TOKEN, pan: PAN });
    const keyVersion = await otherKeyVersion();
    await expect(
      vault.open({ merchantId: MERCHANT, tokenId: TOKEN, sealed: { ...sealed, keyVersion } }),
    ).rejects.toMatchObject({ code: 'open_failed' });
  });

  it('refuses a malformed sealed card with a message naming the field', async () => {
    const vault = vaultWith((await setup()).kek);
    const sealed = await vault.seal({ merchantId: MERCHANT, tokenId: TOKEN, pan: PAN });
    await expect(
      vault.open({
        merchantId: MERCHANT,
        tokenId: TOKEN,
        sealed: { ...sealed, iv: sealed.iv.subarray(0, 8) },
      }),
    ).rejects.toThrow(/iv must be 12 bytes/);
    await expect(
      vault.open({ merchantId: MERCHANT, tokenId: TOKEN, sealed: { ...sealed, keyVersion: '' } }),
    ).rejects.toMatchObject({ code: 'invalid_sealed_card' });
  });

  it('round-trips random valid-length PANs for random merchants and tokens', async () => {
    const vault = vaultWith((await setup()).kek);
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^\d{12,19}$/),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        async (pan, merchantId, tokenId) => {
          const sealed = await vault.seal({ merchantId, tokenId, pan });
          expect(sealed.last4).toBe(pan.slice(-4));
          expect(await vault.open({ merchantId, tokenId, sealed })).toBe(pan);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('CardVault key handling', () => {
  it('zeroes the plaintext data key after sealing and after opening', async () => {
    const dir = await tempDir();
    const local = await LocalKeyEncryptionKey.open(dir);
    const handedOut: Buffer[] = [];
    const spy: KeyEncryptionKey = {
      kind: 'local',
      generateDataKey: async (ctx) => {
        const key = await local.generateDataKey(ctx);
        handedOut.push(key.plaintext);
        return key;
      },
      unwrapDataKey: async (wrapped, ctx, version) => {
        const key = await local.unwrapDataKey(wrapped, ctx, version);
        handedOut.push(key);
        return key;
      },
    };
    const vault = vaultWith(spy);
    const sealed = await vault.seal({ merchantId: MERCHANT, tokenId: TOKEN, pan: PAN });
    expect(await vault.open({ merchantId: MERCHANT, tokenId: TOKEN, sealed })).toBe(PAN);
    expect(handedOut).toHaveLength(2);
    for (const key of handedOut) expect(key.equals(Buffer.alloc(32))).toBe(true);
  });

  it('binds the merchant in the KMS encryption context of every data key', async () => {
    const kms = new FakeKms();
    kms.createKey('tessera-vault');
    const { vault, seen } = vaultSeeingContexts(kms);
    await vault.seal({ merchantId: MERCHANT, tokenId: TOKEN, pan: PAN });
    expect(seen).toEqual([{ purpose: 'card-vault', merchant_id: MERCHANT }]);
  });

  it('reuses one KMS data key for a merchant within the cache bounds, and opens from a cold cache', async () => {
    const kms = new FakeKms();
    kms.createKey('tessera-vault');
    const vault = vaultWith(new KmsKeyEncryptionKey({ client: kms.client, keyId: 'alias/tessera-vault' }));
    const first = await vault.seal({ merchantId: MERCHANT, tokenId: 'pm_1', pan: PAN });
    const second = await vault.seal({ merchantId: MERCHANT, tokenId: 'pm_2', pan: '5555555555554444' });
    await vault.seal({ merchantId: 'acct_other', tokenId: 'pm_3', pan: PAN });
    expect(kms.calls.generateDataKey).toBe(2);
    expect(second.wrappedDataKey.equals(first.wrappedDataKey)).toBe(true);

    // Another task (cold cache) must go to KMS, which checks the context.
    const cold = vaultWith(new KmsKeyEncryptionKey({ client: kms.client, keyId: 'alias/tessera-vault' }));
    expect(await cold.open({ merchantId: MERCHANT, tokenId: 'pm_2', sealed: second })).toBe(
      '5555555555554444',
    );
    expect(kms.calls.decrypt).toBe(1);
    await expect(
      cold.open({ merchantId: 'acct_other', tokenId: 'pm_2', sealed: second }),
    ).rejects.toMatchObject({
      code: 'open_failed',
    });
  });

  it('passes KMS availability errors through unchanged so callers can retry or alert', async () => {
    const kms = new FakeKms();
    const arn = kms.createKey('tessera-vault');
    const vault = vaultWith(new KmsKeyEncryptionKey({ client: kms.client, keyId: arn, dataKeyTtlMs: 0 }));
    const sealed = await vault.seal({ merchantId: MERCHANT, tokenId: TOKEN, pan: PAN });
    kms.disable(arn);
    await expect(vault.open({ merchantId: MERCHANT, tokenId: TOKEN, sealed })).rejects.toMatchObject({
      code: 'kek_unavailable',
    });
  });

  it('keeps opening cards sealed under an older local KEK version after rotation', async () => {
    const dir = await tempDir();
    const before = vaultWith(await LocalKeyEncryptionKey.open(dir));
    const old = await before.seal({ merchantId: MERCHANT, tokenId: 'pm_old', pan: PAN });
    expect(await rotateLocalKeyEncryptionKey(dir)).toBe('local:2');

    const after = vaultWith(await LocalKeyEncryptionKey.open(dir));
    const fresh = await after.seal({ merchantId: MERCHANT, tokenId: 'pm_new', pan: PAN });
    expect(old.keyVersion).toBe('local:1');
    expect(fresh.keyVersion).toBe('local:2');
    expect(await after.open({ merchantId: MERCHANT, tokenId: 'pm_old', sealed: old })).toBe(PAN);
    // The process started before the rotation picks up the new version when it meets it.
    expect(await before.open({ merchantId: MERCHANT, tokenId: 'pm_new', sealed: fresh })).toBe(PAN);
  });
});

describe.each(setups)('CardVault CVC sealing with a %s KEK', (_name, setup) => {
  const expiresAt = new Date('2030-01-01T10:10:00.123Z');

  it('seals a CVC into ciphertext and opens it for the same merchant, token and expiry only', async () => {
    const { kek } = await setup();
    const vault = vaultWith(kek);
    const sealed = await vault.sealCvc({ merchantId: MERCHANT, tokenId: TOKEN, cvc: '4821', expiresAt });
    expect(sealed.ciphertext).toHaveLength(4);
    expect(sealed.ciphertext.toString('latin1')).not.toContain('4821');
    expect(await vault.openCvc({ merchantId: MERCHANT, tokenId: TOKEN, sealed })).toBe('4821');
    for (const tampered of [
      { merchantId: 'acct_other', tokenId: TOKEN, sealed },
      { merchantId: MERCHANT, tokenId: 'pm_other', sealed },
      // moving the deadline (a row edited to keep the CVC longer) breaks it
      {
        merchantId: MERCHANT,
        tokenId: TOKEN,
        sealed: { ...sealed, expiresAt: new Date('2031-01-01T00:00:00Z') },
      },
    ]) {
      const error = await vault.openCvc(tampered).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VaultError);
      expect((error as VaultError).code).toBe('open_failed');
      expect((error as VaultError).message).not.toContain('4821');
    }
  });

  it('never opens a CVC as a card or a card as a CVC: their data keys have different purposes', async () => {
    const { kek } = await setup();
    const vault = vaultWith(kek);
    const card = await vault.seal({ merchantId: MERCHANT, tokenId: TOKEN, pan: PAN });
    const cvc = await vault.sealCvc({ merchantId: MERCHANT, tokenId: TOKEN, cvc: '123', expiresAt });
    await expect(
      vault.openCvc({ merchantId: MERCHANT, tokenId: TOKEN, sealed: { ...card, expiresAt } }),
    ).rejects.toMatchObject({
      code: 'open_failed',
    });
    await expect(
      vault.open({ merchantId: MERCHANT, tokenId: TOKEN, sealed: { ...card, ...cvc } }),
    ).rejects.toMatchObject({ code: 'open_failed' });
  });

  it('refuses a CVC that is not 3 or 4 digits without echoing it', async () => {
    const { kek } = await setup();
    const error = await vaultWith(kek)
      .sealCvc({ merchantId: MERCHANT, tokenId: TOKEN, cvc: '12x45', expiresAt })
      .catch((e: unknown) => e);
    expect((error as VaultError).code).toBe('invalid_cvc');
    expect((error as VaultError).message).not.toContain('12x45');
  });
});

describe('CardVault CVC data keys', () => {
  it('come from the KEK under the purpose card-cvc, apart from the cards of the same merchant', async () => {
    const kms = new FakeKms();
    kms.createKey('tessera-vault');
    const vault = vaultWith(new KmsKeyEncryptionKey({ client: kms.client, keyId: 'alias/tessera-vault' }));
    const { vault: spying, seen } = vaultSeeingContexts(kms);
    const expiresAt = new Date(Date.now() + 60_000);
    await spying.seal({ merchantId: MERCHANT, tokenId: TOKEN, pan: PAN });
    await spying.sealCvc({ merchantId: MERCHANT, tokenId: TOKEN, cvc: '123', expiresAt });
    expect(seen).toEqual([
      { purpose: 'card-vault', merchant_id: MERCHANT },
      { purpose: 'card-cvc', merchant_id: MERCHANT },
    ]);
    // even with the data-key cache, a CVC never shares the wrapped key of a card
    const card = await vault.seal({ merchantId: MERCHANT, tokenId: 'pm_a', pan: PAN });
    const cvc = await vault.sealCvc({ merchantId: MERCHANT, tokenId: 'pm_a', cvc: '123', expiresAt });
    expect(cvc.wrappedDataKey.equals(card.wrappedDataKey)).toBe(false);
  });
});

describe('CardVault.fingerprint', () => {
  const vault = new CardVault({
    kek: { kind: 'local', generateDataKey: unused, unwrapDataKey: unused },
    fingerprintKey: Buffer.alloc(32, 1),
  });

  it('is stable for a card within a merchant and differs across merchants and cards', () => {
    const a = vault.fingerprint('acct_a', PAN);
    expect(vault.fingerprint('acct_a', PAN)).toBe(a);
    expect(vault.fingerprint('acct_b', PAN)).not.toBe(a);
    expect(vault.fingerprint('acct_a', '4000056655665556')).not.toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('depends on the fingerprint key (a keyed hash, PCI DSS 3.5.1.1)', () => {
    const other = new CardVault({
      kek: { kind: 'local', generateDataKey: unused, unwrapDataKey: unused },
      fingerprintKey: Buffer.alloc(32, 2),
    });
    expect(other.fingerprint('acct_a', PAN)).not.toBe(vault.fingerprint('acct_a', PAN));
  });

  it('does not let merchant id and PAN run into each other', () => {
    expect(vault.fingerprint('acct_1', '2345678901234')).not.toBe(
      vault.fingerprint('acct_12', '345678901234'),
    );
  });

  it('gives distinct fingerprints to distinct random cards', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^\d{16}$/), { minLength: 2, maxLength: 50 }), (pans) => {
        const prints = new Set(pans.map((p) => vault.fingerprint('acct_a', p)));
        expect(prints.size).toBe(pans.length);
      }),
    );
  });

  it('requires a fingerprint key of at least 256 bits', () => {
    expect(
      () =>
        new CardVault({
          kek: { kind: 'local', generateDataKey: unused, unwrapDataKey: unused },
          fingerprintKey: randomBytes(16),
        }),
    ).toThrow(/at least 32 bytes, got 16/);
  });
});

function flip(buffer: Buffer): Buffer {
  const copy = Buffer.from(buffer);
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0x01;
  return copy;
}

function unused(): never {
  throw new Error('the KEK is not used by this test');
}
