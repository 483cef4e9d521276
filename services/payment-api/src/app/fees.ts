import type { Database } from '../db/database.js';
import { processingFee, type FeeSchedule } from '../domain/fees.js';
import { appendAudit } from '../store/audit-store.js';
import { findFeeSchedule, updateFeeSchedule } from '../store/merchant-store.js';
import { auditEvents, auditRecord } from './audit.js';

/** How long a process uses a merchant's fee schedule before reading it again. */
const FEE_SCHEDULE_TTL_MS = 60_000;

/**
 * The merchants' fee schedules as the payment path reads them: cached per process for a minute, so a
 * payment costs no extra round trip. A change made by this process applies at once; one made elsewhere
 * (another instance, the CLI) within a minute. The fee a capture posted never changes afterwards.
 */
export class FeeSchedules {
  private readonly cached = new Map<string, { schedule: FeeSchedule; until: number }>();

  constructor(private readonly db: Database) {}

  async of(merchantId: string): Promise<FeeSchedule> {
    const hit = this.cached.get(merchantId);
    if (hit && hit.until > Date.now()) return hit.schedule;
    const schedule = await findFeeSchedule(this.db, merchantId);
    if (!schedule) throw new Error(`merchant ${merchantId} does not exist`);
    this.remember(merchantId, schedule);
    return schedule;
  }

  /** Sets a merchant's schedule (audited); throws RangeError naming the bad field. */
  async set(merchantId: string, schedule: FeeSchedule, actor: string): Promise<void> {
    checkSchedule(schedule);
    await this.db.transaction(async (tx) => {
      if (!(await updateFeeSchedule(tx, merchantId, schedule))) {
        throw new Error(`merchant ${merchantId} does not exist`);
      }
      await appendAudit(
        tx,
        auditEvents({ merchantId, actor }, [
          auditRecord('merchant.fee_schedule', { merchantId, ...schedule }),
        ]),
      );
    });
    this.remember(merchantId, schedule);
  }

  private remember(merchantId: string, schedule: FeeSchedule): void {
    if (this.cached.size >= 10_000) this.cached.clear();
    this.cached.set(merchantId, { schedule, until: Date.now() + FEE_SCHEDULE_TTL_MS });
  }
}

function checkSchedule(s: FeeSchedule): void {
  if (!Number.isSafeInteger(s.percentBps) || s.percentBps < 0 || s.percentBps > 10_000) {
    throw new RangeError(`fee percent_bps ${s.percentBps} must be an integer from 0 to 10000 (100 %)`);
  }
  if (!Number.isSafeInteger(s.fixedAmount) || s.fixedAmount < 0 || s.fixedAmount > 99_999_999) {
    throw new RangeError(
      `fee fixed_amount ${s.fixedAmount} must be an integer from 0 to 99999999 minor units`,
    );
  }
  processingFee(0, s);
}
