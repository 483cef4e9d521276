import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.js';
import { isPlaceholderCertificate } from './placeholders.js';
import {
  arnAccount,
  arnRegion,
  certificateArn,
  hostName,
  hostedZone,
  oneOf,
  pemCertificates,
  retentionDays,
  type RuleIssue,
  wholeNumber,
} from './primitives.js';

/** Relative `api.*File` paths resolve from the repository root (where `npx cdk` and `npm run pki` run). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The infra test CA (its key was discarded): synthesizable, never deployable. */
export const TEST_CA_FOLDER = 'infra/test/support/partner-ca';

/**
 * Security policies of a mutual-TLS custom domain. API Gateway refuses mutual TLS on a domain with an enhanced
 * (`SecurityPolicy_*`) policy, so TLS_1_2 (TLS 1.2 and 1.3) is the only one (ADR 0046).
 */
export const API_SECURITY_POLICIES = ['TLS_1_2'] as const;

/** Who owns the account-wide API Gateway CloudWatch Logs role (one per account and region, ADR 0047). */
export const ACCOUNT_CLOUDWATCH_ROLE_MODES = ['create', 'existing'] as const;

/** API Gateway's account-level defaults per region; a stage cannot throttle above them without a quota increase. */
const ACCOUNT_RATE_LIMIT = 10_000;
const ACCOUNT_BURST_LIMIT = 5_000;
/** The longest an authorizer result may be cached (API Gateway's limit). */
const MAX_RESULTS_CACHE_TTL_SECONDS = 3600;
/** The longest the authorizer reuses the revocation list it read (the function's own limit, ADR 0036). */
const MAX_REVOCATION_LIST_TTL_SECONDS = 900;
/**
 * Seconds one authorizer invocation is counted for when sizing its reserved concurrency (a warm run with the
 * cached revocation list takes milliseconds; this leaves room for cold starts and S3 reads).
 */
export const AUTHORIZER_SECONDS_PER_REQUEST = 0.1;

const seconds = (max: number) =>
  wholeNumber
    .min(0, { error: `must be between 0 and ${max} seconds` })
    .max(max, { error: `must be between 0 and ${max} seconds` });

const filePath = z.string().min(1, { error: 'must be a file path' });

/**
 * The Api stack: the partner API on API Gateway with a mutual-TLS custom domain, its truststore and revocation
 * list, the client-certificate authorizer and the private integration to the load balancer. Off until an
 * operator has a CA (`npm run pki`) and a domain for it.
 */
export const apiSchema = z.strictObject({
  /** Deploy the Api stack. Needs domainName, hostedZone or certificateArn, truststoreFile and revocationListFile. */
  enabled: z.boolean({ error: 'must be true or false' }),
  /** The partner API's own name, e.g. partner.pay.example.com (not the load balancer's app.tls.domainName). */
  domainName: hostName.optional(),
  /** Route 53 zone (ids given, no lookup) for the alias record and, without certificateArn, DNS validation. */
  hostedZone: hostedZone.optional(),
  /** An issued ACM certificate for domainName in the primary region; without it one is DNS-validated in hostedZone. */
  certificateArn: certificateArn.optional(),
  /**
   * A public ACM certificate for the same name, proving ownership: API Gateway requires it for mutual TLS when
   * certificateArn was imported into ACM or issued by AWS Private CA.
   */
  ownershipVerificationCertificateArn: certificateArn.optional(),
  /** TLS policy of the custom domain (ADR 0046). */
  securityPolicy: z.enum(API_SECURITY_POLICIES, {
    error:
      `must be one of ${oneOf(API_SECURITY_POLICIES)}: API Gateway refuses mutual TLS on a domain with an ` +
      'enhanced SecurityPolicy_* policy (ADR 0046)',
  }),
  /** Stage-wide throttling of every method (token bucket): steady requests per second and the burst on top. */
  throttling: z.strictObject({
    rateLimit: wholeNumber
      .min(1, { error: 'must be at least 1 request per second' })
      .max(ACCOUNT_RATE_LIMIT, {
        error: `must be at most ${ACCOUNT_RATE_LIMIT} (the account's default; raise the quota first)`,
      }),
    burstLimit: wholeNumber.min(1, { error: 'must be at least 1 request' }).max(ACCOUNT_BURST_LIMIT, {
      error: `must be at most ${ACCOUNT_BURST_LIMIT} (the account's default; raise the quota first)`,
    }),
  }),
  /** Requests per client IP in five minutes before the stage's WAF blocks. */
  wafRateLimitPerFiveMinutes: wholeNumber.min(10, { error: 'must be at least 10 (the WAF minimum)' }),
  /** Retention of the access, execution, authorizer and WAF log groups of the partner API, in days. */
  logRetentionDays: retentionDays,
  authorizer: z.strictObject({
    /** How long API Gateway reuses an authorizer decision; 0 asks the authorizer on every request (ADR 0047). */
    resultsCacheTtlSeconds: seconds(MAX_RESULTS_CACHE_TTL_SECONDS),
    /** How long the authorizer reuses the revocation list it read (REVOCATION_LIST_TTL_SECONDS). */
    revocationListTtlSeconds: seconds(MAX_REVOCATION_LIST_TTL_SECONDS),
    /** Concurrent executions reserved for (and capping) the authorizer function. */
    reservedConcurrency: wholeNumber.min(1, { error: 'must be at least 1' }),
  }),
  /** The truststore `npm run pki -- bundle` wrote (PEM CA certificates), relative to the repository root. */
  truststoreFile: filePath.optional(),
  /** The CA folder's `revocations.json` (`npm run pki -- revoke` keeps it), relative to the repository root. */
  revocationListFile: filePath.optional(),
  /**
   * `create`: the Api stack sets the account's API Gateway CloudWatch Logs role (one per account and region).
   * `existing`: another stack or the organization already set it.
   */
  accountCloudWatchRole: z.enum(ACCOUNT_CLOUDWATCH_ROLE_MODES, {
    error: `must be one of ${oneOf(ACCOUNT_CLOUDWATCH_ROLE_MODES)}`,
  }),
});

export type ApiConfig = z.infer<typeof apiSchema>;

interface ApiRulesInput {
  readonly api: ApiConfig;
  readonly regions: { readonly primary: string };
  readonly app: { readonly tls: { readonly domainName?: string } };
}

/** An enabled partner API has a name, a certificate, its PKI files and a load balancer name to reach over TLS. */
export function apiRules({ api, regions, app }: ApiRulesInput): RuleIssue[] {
  if (!api.enabled) return [];
  const issues: RuleIssue[] = [];
  const at = (key: string, message: string) => issues.push({ path: ['api', key], message });
  if (!api.domainName)
    at('domainName', 'is required when api.enabled is true (e.g. partner.pay.example.com)');
  if (!api.hostedZone && !api.certificateArn) {
    at(
      'certificateArn',
      `or api.hostedZone is required: the custom domain needs an ACM certificate in ${regions.primary}`,
    );
  }
  if (api.hostedZone && api.domainName && !`.${api.domainName}`.endsWith(`.${api.hostedZone.name}`)) {
    at('domainName', `must be inside the hosted zone ${api.hostedZone.name}`);
  }
  for (const key of ['certificateArn', 'ownershipVerificationCertificateArn'] as const) {
    const arn = api[key];
    if (arn && !isPlaceholderCertificate(arn) && arnRegion(arn) !== regions.primary) {
      at(key, `must be a certificate in the primary region ${regions.primary} (a regional custom domain)`);
    }
  }
  if (api.ownershipVerificationCertificateArn && !api.certificateArn) {
    at('ownershipVerificationCertificateArn', 'only applies with api.certificateArn');
  }
  if (!api.truststoreFile) at('truststoreFile', 'is required: write it with npm run pki -- bundle');
  if (!api.revocationListFile) at('revocationListFile', "is required: the CA folder's revocations.json");
  if (!app.tls.domainName) {
    issues.push({
      path: ['app', 'tls', 'domainName'],
      message:
        'is required when api.enabled is true: API Gateway reaches the load balancer over HTTPS and checks ' +
        'that its certificate covers this name',
    });
  } else if (app.tls.domainName === api.domainName) {
    at('domainName', `must differ from app.tls.domainName (${app.tls.domainName}), the load balancer's name`);
  }
  const needed = Math.ceil(api.throttling.rateLimit * AUTHORIZER_SECONDS_PER_REQUEST);
  if (api.authorizer.resultsCacheTtlSeconds === 0 && api.authorizer.reservedConcurrency < needed) {
    issues.push({
      path: ['api', 'authorizer', 'reservedConcurrency'],
      message:
        `must be at least ${needed}: without result caching every request at the stage's rate limit ` +
        `(${api.throttling.rateLimit}/s) runs the authorizer for up to ${AUTHORIZER_SECONDS_PER_REQUEST} s`,
    });
  }
  return issues;
}

interface ApiPreflightInput {
  readonly api: ApiConfig;
  readonly accounts: { readonly payment: string };
}

/**
 * Deploying the partner API needs a real certificate of the payment account and the operator's own PKI files:
 * never the infra test CA, whose key does not exist.
 */
export function apiPreflight({ api, accounts }: ApiPreflightInput): ConfigIssue[] {
  if (!api.enabled) return [];
  const issues: ConfigIssue[] = [];
  for (const field of ['certificateArn', 'ownershipVerificationCertificateArn'] as const) {
    const arn = api[field];
    if (arn === undefined) continue;
    if (isPlaceholderCertificate(arn)) {
      issues.push({
        field: `api.${field}`,
        value: arn,
        problem: 'is the example certificate; set an issued one',
      });
    } else if (arnAccount(arn) !== accounts.payment) {
      issues.push({
        field: `api.${field}`,
        value: arn,
        problem: `must belong to the payment account ${accounts.payment}`,
      });
    }
  }
  for (const field of ['truststoreFile', 'revocationListFile'] as const) {
    const path = api[field];
    if (path !== undefined && isUnderInfraTest(path)) {
      issues.push({
        field: `api.${field}`,
        value: path,
        problem: `is a test fixture (infra/test/, e.g. the infra test CA whose key was discarded); use the files of your own CA`,
      });
    }
  }
  const truststore = api.truststoreFile && readIfPresent(api.truststoreFile);
  if (truststore && !isUnderInfraTest(api.truststoreFile!)) {
    const testCas = new Set(testCaCertificates());
    if (pemCertificates(truststore).some((pem) => testCas.has(pem))) {
      issues.push({
        field: 'api.truststoreFile',
        value: api.truststoreFile,
        problem: `contains the infra test CA (${TEST_CA_FOLDER}), whose key was discarded; bundle only your own CAs`,
      });
    }
  }
  return issues;
}

/** An `api.*File` path as the stack reads it: absolute, or relative to the repository root. */
export function resolveRepositoryPath(path: string): string {
  return isAbsolute(path) ? path : resolve(REPOSITORY_ROOT, path);
}

/**
 * Reads a configured file for the stack, or fails with a ConfigError naming the field and the resolved path.
 */
export function readConfiguredFile(field: string, path: string | undefined): string {
  if (path === undefined) {
    throw new ConfigError('api', [{ field, value: path, problem: 'is required when api.enabled is true' }]);
  }
  const full = resolveRepositoryPath(path);
  if (!existsSync(full)) {
    throw new ConfigError('api', [
      {
        field,
        value: path,
        problem: `does not exist (looked at ${full}); see README "Partner API with mutual TLS"`,
      },
    ]);
  }
  return readFileSync(full, 'utf8');
}

/** Every certificate of the infra test CA folder's bundles. */
function testCaCertificates(): string[] {
  const folder = resolveRepositoryPath(TEST_CA_FOLDER);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.pem'))
    .flatMap((name) => pemCertificates(readFileSync(join(folder, name), 'utf8')));
}

function readIfPresent(path: string): string | undefined {
  const full = resolveRepositoryPath(path);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

function isUnderInfraTest(path: string): boolean {
  const fromTestFolder = relative(resolveRepositoryPath('infra/test'), resolveRepositoryPath(path));
  return !fromTestFolder.startsWith('..') && !isAbsolute(fromTestFolder);
}
