import { describe, expect, it } from 'vitest';
import { RdsIamTokenProvider } from '../../src/db/iam-auth-token.js';

// Signing is local (a SigV4 presigned URL), so the real signer runs here with fixed example credentials.
const provider = new RdsIamTokenProvider({
  hostname: 'proxy.example.internal',
  port: 5432,
  region: 'eu-central-1',
  credentials: {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
});

describe('RdsIamTokenProvider', () => {
  it('signs an rds-db connect token for the given user at the proxy endpoint', async () => {
    const token = await provider.token('payment_api_clone');
    const url = new URL(`https://${token}`);
    expect(url.host).toBe('proxy.example.internal:5432');
    expect(url.searchParams.get('Action')).toBe('connect');
    expect(url.searchParams.get('DBUser')).toBe('payment_api_clone');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-central-1\/rds-db\/aws4_request$/,
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs for whichever user it is asked for (the user follows the rotation)', async () => {
    const base = new URL(`https://${await provider.token('payment_api')}`);
    const clone = new URL(`https://${await provider.token('payment_api_clone')}`);
    expect(base.searchParams.get('DBUser')).toBe('payment_api');
    expect(clone.searchParams.get('DBUser')).toBe('payment_api_clone');
    expect(base.searchParams.get('X-Amz-Signature')).not.toBe(clone.searchParams.get('X-Amz-Signature'));
  });
});
