/**
 * A merchant's processing fee: `percentBps` basis points of the captured amount, rounded half up to the
 * minor unit, plus `fixedAmount` minor units — never more than the amount itself. The default is Stripe's
 * public US card rate, 2.9 % + 30¢.
 */
export interface FeeSchedule {
  readonly percentBps: number;
  readonly fixedAmount: number;
}

export const STRIPE_US_CARD_RATE: FeeSchedule = { percentBps: 290, fixedAmount: 30 };
export const NO_FEES: FeeSchedule = { percentBps: 0, fixedAmount: 0 };

export function processingFee(amount: number, schedule: FeeSchedule): number {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError('amount must be a non-negative integer');
  const percent = Math.floor((amount * schedule.percentBps + 5_000) / 10_000);
  return Math.min(amount, percent + schedule.fixedAmount);
}
