import { addDays, utcDay, type SettlementDate } from '../domain/settlement.js';
import { findMerchants } from '../store/merchant-store.js';
import { unsettledDays } from '../store/settlement-store.js';
import {
  SETTLEMENT_LOOKBACK_DAYS,
  settleMerchantDay,
  type MerchantSettlement,
  type SettlementDeps,
} from './settlement.js';

/** A background task the service runs every `intervalMs` (never two runs of one task at once). */
export interface PeriodicTask {
  readonly name: string;
  readonly intervalMs: number;
  run(): Promise<void>;
}

export interface SettlementScheduleOptions {
  /** SETTLEMENT_HOUR_UTC: the day's run starts at the first tick once this hour (UTC) has begun. */
  readonly hourUtc: number;
  /** How often the task looks at the clock. @default 10 minutes */
  readonly intervalMs?: number;
  /** @default the system clock */
  readonly now?: () => Date;
  /** Told about each merchant day settled. @default nothing */
  readonly onSettled?: (settlement: MerchantSettlement) => void;
}

export const SETTLEMENT_ACTOR = 'system:settlement-schedule';

/**
 * The daily settlement: at most once per UTC day (per process), once the configured hour has begun, it
 * settles every day up to yesterday on which some merchant still has unsettled funds, oldest day first.
 * Many instances may run it: runs of one merchant are serialized and a settled day is never settled again
 * (settleMerchantDay), so a second instance finds nothing left to do. A failed run is retried at the next
 * tick, since the day is only marked done when every merchant's runs succeeded.
 */
export function settlementTask(deps: SettlementDeps, options: SettlementScheduleOptions): PeriodicTask {
  const now = options.now ?? (() => new Date());
  let doneFor: SettlementDate | null = null;
  return {
    name: 'settlement',
    intervalMs: options.intervalMs ?? 10 * 60_000,
    async run() {
      const at = now();
      const today = utcDay(at);
      if (doneFor === today || at.getUTCHours() < options.hourUtc) return;
      const yesterday = addDays(today, -1);
      const from = addDays(yesterday, -SETTLEMENT_LOOKBACK_DAYS);
      for (const merchant of await findMerchants(deps.db)) {
        for (const day of await unsettledDays(deps.db, merchant.id, from, yesterday)) {
          const settlement = await settleMerchantDay(deps, merchant.id, day, SETTLEMENT_ACTOR);
          options.onSettled?.(settlement);
        }
      }
      doneFor = today;
    },
  };
}
