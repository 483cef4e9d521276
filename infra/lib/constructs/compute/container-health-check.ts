import { Duration } from 'aws-cdk-lib';
import { PAYMENT_API_PORT } from './payment-api-runtime.js';

/**
 * Liveness probe run inside the container. The image ships Node but no curl/wget, so the probe
 * uses Node's built-in fetch against `/health`.
 */
export function healthProbeScript(port: number = PAYMENT_API_PORT): string {
  return `fetch('http://127.0.0.1:${port}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
}

export const HEALTH_CHECK_TIMING = {
  interval: Duration.seconds(15),
  timeout: Duration.seconds(5),
  retries: 3,
  startPeriod: Duration.seconds(30),
} as const;
