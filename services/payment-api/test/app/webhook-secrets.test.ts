import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openWebhookSecret, sealWebhookSecret } from '../../src/app/webhook-secrets.js';
import { newWebhookSecret } from '../../src/domain/webhook-signature.js';
import { deriveServiceKeys } from '../../src/secrets.js';

describe('webhook secrets at rest (AES-256-GCM under a subkey of SERVICE_HMAC_KEY)', () => {
  const keys = deriveServiceKeys(randomBytes(32));

  it('uses a subkey of its own', () => {
    const others = [keys.apiKeyHash, keys.idempotencyHash, keys.challengeSignature];
    expect(keys.webhookSecret).toHaveLength(32);
    for (const other of others) expect(keys.webhookSecret.equals(other)).toBe(false);
  });

  it('round-trips, never holds the secret in clear, and differs on every seal', () => {
    const secret = newWebhookSecret();
    const sealed = sealWebhookSecret(keys.webhookSecret, 'acct_1', 'we_1', secret);
    expect(sealed.includes(Buffer.from(secret))).toBe(false);
    expect(sealed.includes(Buffer.from(secret.slice(6), 'hex'))).toBe(false);
    expect(openWebhookSecret(keys.webhookSecret, 'acct_1', 'we_1', sealed)).toBe(secret);
    expect(sealWebhookSecret(keys.webhookSecret, 'acct_1', 'we_1', secret).equals(sealed)).toBe(false);
  });

  it('refuses a sealed secret that was altered, moved to another endpoint or opened with another key', () => {
    const sealed = sealWebhookSecret(keys.webhookSecret, 'acct_1', 'we_1', newWebhookSecret());
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] = (altered[altered.length - 1] as number) ^ 1;
    expect(() => openWebhookSecret(keys.webhookSecret, 'acct_1', 'we_1', altered)).toThrow();
    expect(() => openWebhookSecret(keys.webhookSecret, 'acct_1', 'we_2', sealed)).toThrow();
    expect(() => openWebhookSecret(keys.webhookSecret, 'acct_2', 'we_1', sealed)).toThrow();
    expect(() =>
      openWebhookSecret(deriveServiceKeys(randomBytes(32)).webhookSecret, 'acct_1', 'we_1', sealed),
    ).toThrow();
  });
});
