import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Additional data binding a sealed secret to its endpoint, so a sealed value cannot be moved to another. */
const aad = (merchantId: string, endpointId: string) =>
  Buffer.from(`tessera/webhook-secret/v1|${merchantId}|${endpointId}`, 'utf8');

/** Encrypts a webhook signing secret with AES-256-GCM: iv ‖ tag ‖ ciphertext. */
export function sealWebhookSecret(
  key: Buffer,
  merchantId: string,
  endpointId: string,
  secret: string,
): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(merchantId, endpointId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Decrypts what sealWebhookSecret made; throws when it was altered or sealed for another endpoint. */
export function openWebhookSecret(
  key: Buffer,
  merchantId: string,
  endpointId: string,
  sealed: Buffer,
): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(aad(merchantId, endpointId));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
    'utf8',
  );
}
