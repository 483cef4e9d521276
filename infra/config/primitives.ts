import { z } from 'zod';

/**
 * Facts and value types every configuration section shares: one definition each. Constructs may import the
 * patterns and limits from here (a fact is the same fact in a construct), never an environment's values.
 */

/** How messages list the allowed values: `a | b | c`. */
export const oneOf = (allowed: readonly (string | number)[]): string => allowed.join(' | ');

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** Retention periods (days) that CloudWatch Logs accepts for `RetentionInDays`. */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Seven years, as CloudWatch Logs counts them: how long prod keeps payment and audit records. */
export const SEVEN_YEARS_DAYS = 2557;

/** PCI DSS 10.5.1: audit logs are kept at least twelve months. */
export const MIN_AUDIT_RETENTION_DAYS = 365;

/** An AWS account id. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** A commercial or GovCloud region name. */
export const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/** An EC2 image id (8 or 17 hex digits). */
export const AMI_ID_PATTERN = /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/;
/** An EC2 (or, without the `db.` prefix, RDS) instance type. */
export const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
/** A Graviton (arm64) instance type: a `g` after the generation digit, as in t4g, m7g, c7gn. */
export const GRAVITON_INSTANCE_TYPE_PATTERN = /^[a-z]+\d+g[a-z]*\.[a-z0-9]+$/;

/** PostgreSQL limits identifiers to 63 bytes (NAMEDATALEN - 1). */
export const POSTGRES_MAX_IDENTIFIER_LENGTH = 63;
/** An identifier written unquoted: a lowercase letter, then lowercase letters, digits or underscores. */
export const POSTGRES_IDENTIFIER_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
/** The second login the rotation alternates with is the base role plus this suffix (ADR 0002). */
export const CLONE_SUFFIX = '_clone';
/** A base role name that leaves room for {@link CLONE_SUFFIX}: 57 + 6 = 63 characters at most. */
export const POSTGRES_ROLE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,56}$/;

/** A problem found by a cross-field rule: where in the environment configuration, and what is wrong. */
export interface RuleIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export const wholeNumber = z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' });

/** Whole days between `min` and `max`; `why` names the limit's source in the message. */
export const wholeDays = (min: number, max: number, why = '') =>
  z
    .number({ error: 'must be a number of days' })
    .int({ error: 'must be a whole number of days' })
    .min(min, { error: `must be between ${min} and ${max} days${why}` })
    .max(max, { error: `must be between ${min} and ${max} days${why}` });

export const positiveDays = z
  .number({ error: 'must be a number of days' })
  .int({ error: 'must be a whole number of days' })
  .min(1, { error: 'must be a positive number of days' });

/** A log group retention CloudWatch Logs accepts. */
export const retentionDays = z
  .number({ error: 'must be a number of days' })
  .refine((v) => (CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(v), {
    error: `must be one of the values CloudWatch Logs accepts: ${oneOf(CLOUDWATCH_RETENTION_DAYS)}`,
  });

const AUDIT_RETENTION_ERROR = `must be at least ${MIN_AUDIT_RETENTION_DAYS} days (PCI DSS 10.5.1 keeps audit logs 12 months)`;

/** Days audit records are kept in S3. */
export const auditRetentionDays = z
  .number({ error: 'must be a number of days' })
  .int({ error: 'must be a whole number of days' })
  .min(MIN_AUDIT_RETENTION_DAYS, { error: AUDIT_RETENTION_ERROR });

/** A log group retention CloudWatch Logs accepts, long enough for audit records. */
export const auditLogRetentionDays = retentionDays.refine((v) => v >= MIN_AUDIT_RETENTION_DAYS, {
  error: AUDIT_RETENTION_ERROR,
});

export const accountId = z
  .string({ error: 'must be a string of 12 digits' })
  .regex(ACCOUNT_ID_PATTERN, { error: 'must be exactly 12 digits (an AWS account id)' });

export const region = z
  .string({ error: 'must be a region name such as us-east-1' })
  .regex(REGION_PATTERN, { error: 'must be a region name such as us-east-1 or eu-central-1' });

export const amiId = z
  .string()
  .regex(AMI_ID_PATTERN, { error: 'must be an AMI id such as ami-0123456789abcdef0' });

/** Pinned images per region: pinning stops a new image release from replacing instances on deploy. */
export const amiIdsByRegion = z.record(z.string(), amiId);

export const email = z.email({ error: 'must be a valid e-mail address such as security@example.com' });

export const ipv4Cidr = z.cidrv4({ error: 'must be an IPv4 CIDR block such as 10.0.0.0/16' });

export const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    error: 'must be a lowercase DNS name such as api.pay.example.com',
  });

/** A Route 53 hosted zone given by id and name, so synth needs no lookup. */
export const hostedZone = z.strictObject({
  id: z
    .string()
    .regex(/^Z[A-Z0-9]{1,32}$/, { error: 'must be a Route 53 hosted zone id such as Z0123456789ABC' }),
  name: hostName,
});

export const certificateArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, {
    error: 'must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<uuid>',
  });

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, base64 with whitespace removed, in order. */
export function pemCertificates(text: string): string[] {
  return [...text.matchAll(PEM_CERTIFICATE)].map((m) => (m[1] ?? '').replace(/\s+/g, ''));
}

/** What a PEM bundle holds besides its certificates (empty for a clean bundle). */
export function pemOtherContent(text: string): string {
  return text.replace(PEM_CERTIFICATE, '').trim();
}

/** Region of an ARN (`arn:partition:service:region:account:...`). */
export function arnRegion(arn: string): string | undefined {
  return arn.split(':')[3];
}

/** Account of an ARN (`arn:partition:service:region:account:...`). */
export function arnAccount(arn: string): string | undefined {
  return arn.split(':')[4];
}

export const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be an IANA time zone such as UTC, Europe/Berlin or America/New_York' },
);

export const hourOfDay = wholeNumber
  .min(0, { error: 'must be an hour 0-23' })
  .max(23, { error: 'must be an hour 0-23' });
