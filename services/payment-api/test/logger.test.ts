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
});
