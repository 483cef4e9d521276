import type { Acquirer } from '../acquirer/index.js';
import type { Database } from '../db/database.js';
import type { BusinessMetrics } from '../metrics/business-metrics.js';
import type { UrlPolicy } from '../domain/webhook-url.js';
import type { ServiceKeys } from '../secrets.js';
import type { VaultedCard } from '../store/payment-method-store.js';
import type { CardVault } from '../vault/index.js';
import type { FeeSchedules } from './fees.js';
import type { IntentLocks } from './intent-locks.js';

/** The adapters the application services work with. */
export interface Deps {
  readonly db: Database;
  readonly vault: CardVault;
  readonly acquirer: Acquirer;
  /** The business metrics (Embedded Metric Format lines in the log). */
  readonly metrics: BusinessMetrics;
  /** How long a CVC sealed with a new payment method may wait for its first authorization. */
  readonly cvcTtlSeconds: number;
  readonly keys: ServiceKeys;
  /** Days after a capture's UTC day on which its funds become available (SETTLEMENT_DELAY_DAYS, ADR 0032). */
  readonly settlementDelayDays: number;
  /** The merchants' processing fee schedules (cached). */
  readonly fees: FeeSchedules;
  /** Exclusive access to a payment intent while a request changes it. */
  readonly intentLocks: IntentLocks;
  /**
   * Vaulted (still sealed) cards by merchant/payment method id; they never change once written. `cvcTaken`:
   * this process took (or found no) CVC for the card — none can appear later, so no lookup is needed.
   */
  /** Where webhook endpoints may point (SSRF policy, ADR 0033). */
  readonly webhookUrlPolicy: UrlPolicy;
  readonly sealedCards: Map<string, { readonly card: VaultedCard; cvcTaken: boolean }>;
}
