import { describe, expect, it } from 'vitest';
import { scrubText } from '../src/logger.js';

describe('log redaction', () => {
  it('scrubs Luhn-valid 13–19 digit runs, secret keys and credentials from text', () => {
    expect(scrubText('card 4242 4242 4242 4242 declined')).toBe('card [PAN REDACTED] declined');
    expect(scrubText('pan=5555-5555-5555-4444')).toBe('pan=[PAN REDACTED]');
    expect(scrubText('order 1234567890123')).toBe('order 1234567890123'); // not Luhn-valid: kept
    expect(scrubText('key sk_test_abcDEF123')).toBe('key sk_test_[REDACTED]');
    expect(scrubText('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [REDACTED]');
  });

  it('scrubs PANs written with percent-escapes, spaces, plus signs or slashes, as they appear in URLs', () => {
    const pan = '4242424242424242';
    const written = [
      `/v1/payment_intents/4242%204242%204242%204242`,
      `/v1/payment_intents/4242+4242+4242+4242`,
      `/v1/payment_intents/4242%2B4242%2B4242%2B4242`,
      `/v1/payment_intents/${[...pan].map((d) => `%3${d}`).join('')}`,
      `/v1/payment_intents/%2534${pan.slice(1)}`, // the first digit encoded twice
      `/v1/payment_intents/4242-4242 4242+4242`,
      `/v1/x/4242/4242/4242/4242`,
      `/v1/payment_intents/4242%2D4242%2d4242%2D4242?card=1`,
      `card=4242++4242++4242++4242`,
    ];
    for (const text of written) {
      const scrubbed = scrubText(text);
      expect(scrubbed, text).toContain('[PAN REDACTED]');
      expect(
        decodeURIComponent(scrubbed.replace(/%(?![0-9a-f]{2})/gi, '%25')).replace(/\D/g, ''),
        text,
      ).not.toContain(pan);
    }
    // text without a secret keeps its escapes
    expect(scrubText('/v1/payment_intents/pi_%41bc?limit=10')).toBe('/v1/payment_intents/pi_%41bc?limit=10');
    expect(scrubText('/v1/x/sk_test%5Fabc123')).toBe('/v1/x/sk_test_[REDACTED]');
  });
});
