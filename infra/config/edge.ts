import { z } from 'zod';
import {
  arnRegion,
  certificateArn,
  hostName,
  oneOf,
  positiveDays,
  retentionDays,
  type RuleIssue,
  wholeNumber,
} from './primitives.js';

export const EDGE_PRICE_CLASSES = ['100', '200', 'all'] as const;

/** The Edge stack: CloudFront static content and its WAF (which lives in us-east-1). */
export const edgeSchema = z.strictObject({
  /** ACM certificate in us-east-1 for `domainNames`; without it CloudFront uses *.cloudfront.net. */
  certificateArn: certificateArn.optional(),
  domainNames: z.array(hostName),
  /** Requests per client IP in five minutes before the CloudFront WAF blocks. */
  wafRateLimitPerFiveMinutes: wholeNumber.min(10, { error: 'must be at least 10 (the WAF minimum)' }),
  priceClass: z.enum(EDGE_PRICE_CLASSES, { error: `must be one of ${oneOf(EDGE_PRICE_CLASSES)}` }),
  /** Days CloudFront and S3 access logs are kept. */
  accessLogRetentionDays: positiveDays,
  /** Retention of the CloudFront WAF's log group, in days. */
  logRetentionDays: retentionDays,
});

export type EdgeConfig = z.infer<typeof edgeSchema>;

/** CloudFront takes certificates from us-east-1 only, and a certificate comes with the names it covers. */
export function edgeRules({ edge }: { readonly edge: EdgeConfig }): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (edge.certificateArn && arnRegion(edge.certificateArn) !== 'us-east-1') {
    issues.push({
      path: ['edge', 'certificateArn'],
      message: 'must be a certificate in us-east-1 (CloudFront only uses certificates from us-east-1)',
    });
  }
  if (edge.certificateArn && edge.domainNames.length === 0) {
    issues.push({ path: ['edge', 'domainNames'], message: 'must list the names edge.certificateArn covers' });
  }
  if (!edge.certificateArn && edge.domainNames.length > 0) {
    issues.push({ path: ['edge', 'certificateArn'], message: 'is required when edge.domainNames is set' });
  }
  return issues;
}
