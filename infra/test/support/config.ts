import { ConfigError, type EnvironmentConfig, defaultsFor, validateConfig } from '../../config/index.js';

/** The ConfigError a changed copy of an environment's defaults raises (fails the test when there is none). */
export function rejected(change: (c: EnvironmentConfig) => void, envName = 'dev'): ConfigError {
  const config = defaultsFor(envName);
  change(config);
  try {
    validateConfig(config);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected the configuration to be rejected');
}

/** Context lookup over a record, as `-c key=value` flags give it. */
export const context =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

/** Alert addresses the deploy preflight accepts (a monitored domain, not one reserved for documentation). */
export const MONITORED_ALERT_EMAILS = {
  security: 'security-alerts@tessera-payments.io',
  compliance: 'compliance-alerts@tessera-payments.io',
  operations: 'operations-alerts@tessera-payments.io',
} as const;

export const MONITORED_ESCALATION_EMAILS = ['oncall@tessera-payments.io'];
