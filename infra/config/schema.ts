import { z } from 'zod';
import { apiRules, apiSchema } from './api.js';
import { appRules, appSchema, computeSchema } from './app.js';
import { dataRules, dataSchema } from './data.js';
import { documentsRules, documentsSchema } from './documents.js';
import { edgeRules, edgeSchema } from './edge.js';
import { foundationRules, foundationShape } from './foundation.js';
import { monitoringRules, monitoringSchema } from './monitoring.js';
import { networkRules, networkSchema } from './network.js';
import { peeringRules, peeringSchema } from './peering.js';
import { processingRules, processingSchema } from './processing.js';
import type { RuleIssue } from './primitives.js';
import { securityRules, securitySchema } from './security.js';

/**
 * One environment's configuration: the environment-wide keys (./foundation.ts), then one section per stack,
 * each with its own module (schema, cross-field rules, deploy preflight). ADR 0017 describes the layout and
 * how a new stack adds its section.
 */
export const environmentConfigSchema = z
  .strictObject({
    ...foundationShape,
    /** Network stack: VPC, NAT, endpoints, flow logs; see ./network.ts. */
    network: networkSchema,
    /** Security stack: trail, GuardDuty, Config, Security Hub; see ./security.ts. */
    security: securitySchema,
    /** Data stack: Aurora PostgreSQL, the application user and its rotation, AWS Backup; see ./data.ts. */
    data: dataSchema,
    /** How the payment API runs (`-c compute=ec2` switches); see ./app.ts. */
    compute: computeSchema,
    /** App stack: payment API compute, load balancer, certificate, WAF, scaling; see ./app.ts. */
    app: appSchema,
    /** Edge stack: CloudFront static content and its WAF; see ./edge.ts. */
    edge: edgeSchema,
    /** Documents stacks: the documents bucket and its DR-region replica; see ./documents.ts. */
    documents: documentsSchema,
    /** Processing stack: the events queue, its dead-letter queue, webhook retries, settlement; see ./processing.ts. */
    processing: processingSchema,
    /** Api stack: the partner API with mutual TLS (off until a truststore is configured); see ./api.ts. */
    api: apiSchema,
    /** Analytics, Peering and AnalyticsPeering stacks: the analytics VPC and its peering; see ./peering.ts. */
    peering: peeringSchema,
    /** Monitoring stack: alarm thresholds and periods, escalation, the monthly budget; see ./monitoring.ts. */
    monitoring: monitoringSchema,
  })
  .superRefine((config, ctx) => {
    for (const issue of crossFieldIssues(config)) {
      ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
    }
  });

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema>;

/** Every key of the schema as a dotted path (`network.natStrategy`); a record, list or union is one key. */
export function configKeys(schema: z.core.$ZodType = environmentConfigSchema, prefix = ''): string[] {
  let current = schema;
  while (current._zod.def.type === 'optional')
    current = (current._zod.def as z.core.$ZodOptionalDef).innerType;
  const def = current._zod.def;
  if (def.type !== 'object') return [prefix];
  return Object.entries((def as z.core.$ZodObjectDef).shape).flatMap(([key, value]) =>
    configKeys(value, prefix ? `${prefix}.${key}` : key),
  );
}

/** Every section's cross-field rules; a section reads only the keys its rules declare. */
function crossFieldIssues(config: EnvironmentConfig): RuleIssue[] {
  return [
    ...foundationRules(config),
    ...networkRules(config),
    ...securityRules(config),
    ...dataRules(config),
    ...appRules(config),
    ...edgeRules(config),
    ...documentsRules(config),
    ...processingRules(config),
    ...apiRules(config),
    ...peeringRules(config),
    ...monitoringRules(config),
  ];
}
