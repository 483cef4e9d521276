import { describe, expect, it } from 'vitest';
import { defaultsFor, validateConfig } from '../../config/index.js';
import { rejected } from '../support/config.js';

const US_EAST_1 = 'arn:aws:acm:us-east-1:123456789013:certificate/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b';

describe('edge section (config/edge.ts)', () => {
  it('accepts a us-east-1 certificate with the names it covers', () => {
    const c = defaultsFor('prod');
    c.edge.certificateArn = US_EAST_1;
    c.edge.domainNames = ['status.pay.example.com'];
    expect(() => validateConfig(c)).not.toThrow();
  });

  it('refuses a CloudFront certificate outside us-east-1', () => {
    const e = rejected((c) => {
      c.edge.certificateArn = US_EAST_1.replace('us-east-1', 'eu-west-1');
      c.edge.domainNames = ['status.example.com'];
    });
    expect(e.message).toMatch(/edge\.certificateArn: .*must be a certificate in us-east-1/);
  });

  it('refuses a certificate without names, and names without a certificate', () => {
    expect(rejected((c) => (c.edge.certificateArn = US_EAST_1)).message).toContain(
      'edge.domainNames: got []; must list the names edge.certificateArn covers',
    );
    expect(rejected((c) => (c.edge.domainNames = ['status.example.com'])).message).toContain(
      'edge.certificateArn: is missing; is required when edge.domainNames is set',
    );
  });

  it('refuses a WAF log retention CloudWatch Logs does not accept and a rate limit under the WAF minimum', () => {
    const e = rejected((c) => {
      c.edge.logRetentionDays = 100;
      c.edge.wafRateLimitPerFiveMinutes = 5;
    });
    expect(e.message).toContain(
      'edge.logRetentionDays: got 100; must be one of the values CloudWatch Logs accepts',
    );
    expect(e.message).toContain(
      'edge.wafRateLimitPerFiveMinutes: got 5; must be at least 10 (the WAF minimum)',
    );
  });
});
