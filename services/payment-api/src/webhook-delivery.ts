import type { Logger } from 'pino';
import type { Deps } from './app/deps.js';
import { WebhookDispatcher } from './app/webhook-dispatcher.js';
import type { WebhookConfig } from './config.js';
import { HttpWebhookSender, type Resolve } from './webhook-client/webhook-sender.js';

/**
 * The webhook dispatcher of a running service: the event stream's `webhooks` consumer, whose `task()` the
 * runtime runs on a timer to send due deliveries and retries (ADR 0033).
 */
export function createWebhookDispatcher(
  config: WebhookConfig,
  deps: Pick<Deps, 'db' | 'keys'>,
  logger: Logger,
  options: { resolve?: Resolve; now?: () => Date } = {},
): WebhookDispatcher {
  return new WebhookDispatcher({
    db: deps.db,
    keys: deps.keys,
    sender: new HttpWebhookSender(
      { allowLoopback: config.allowLoopbackHttp },
      config.timeoutMs,
      options.resolve,
    ),
    schedule: config.retrySchedule,
    timeoutMs: config.timeoutMs,
    ...(options.now ? { now: options.now } : {}),
    log: logger.child({ component: 'webhooks' }),
  });
}
