import type { Currency } from './currency.js';

/**
 * Double-entry ledger rules. Every merchant has these accounts per currency:
 *  - cardholder_holds     (debit-normal)  authorized funds held on cardholders' cards, not yet captured
 *  - merchant_pending     (credit-normal) what the merchant will receive once those holds are captured
 *  - acquirer_receivable  (debit-normal)  captured funds the acquirer owes us (settled later)
 *  - merchant_settling    (credit-normal) captured funds net of fees, not yet available (Stripe's pending)
 *  - merchant_available   (credit-normal) settled funds less refunds, owed to the merchant (Stripe's available)
 *  - processing_fees      (credit-normal) the processing fees charged to the merchant (platform revenue)
 * Automatic capture posts a single sale entry (the authorization and capture legs on the hold accounts
 * would cancel out). A capture's processing fee is posted in the capturing entry itself (merchant_settling
 * debited, processing_fees credited), so each capture or sale entry is one balance transaction. A daily
 * settlement entry moves what became available from merchant_settling to merchant_available (ADR 0032);
 * refunds come out of merchant_available at once, which may go negative, as at Stripe.
 * A posting's amount is signed: debit positive, credit negative. Every entry sums to zero.
 * Balances are sums over insert-only postings: no balance row is ever updated, so there is no hot row.
 */
export const ACCOUNT_KINDS = [
  'cardholder_holds',
  'merchant_pending',
  'acquirer_receivable',
  'merchant_available',
  'processing_fees',
  'merchant_settling',
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export type EntryKind = 'authorization' | 'capture' | 'sale' | 'release' | 'refund' | 'settlement';

export interface Posting {
  readonly account: AccountKind;
  readonly amount: number;
}

export interface LedgerEntry {
  /** The ledger transaction's id (txn_…) when the caller names it. @default a new id */
  readonly id?: string;
  readonly kind: EntryKind;
  readonly currency: Currency;
  readonly postings: readonly Posting[];
}

export class UnbalancedEntryError extends Error {}

function entry(kind: EntryKind, currency: Currency, postings: Posting[]): LedgerEntry {
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amount) || p.amount === 0) {
      throw new UnbalancedEntryError(`posting to ${p.account} has invalid amount ${p.amount}`);
    }
  }
  const total = postings.reduce((acc, p) => acc + p.amount, 0);
  if (total !== 0) throw new UnbalancedEntryError(`${kind} entry does not balance (sum ${total})`);
  return { kind, currency, postings };
}

function positive(name: string, amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0)
    throw new RangeError(`${name} must be a positive integer`);
}

/** Authorization: hold the amount on the card; the merchant is owed it once captured. */
export function authorizationEntry(amount: number, currency: Currency): LedgerEntry {
  positive('amount', amount);
  return entry('authorization', currency, [
    { account: 'cardholder_holds', amount },
    { account: 'merchant_pending', amount: -amount },
  ]);
}

/** The legs crediting the merchant with `captured` less `fee` (the fee legs only when there is a fee). */
function capturedLegs(captured: number, fee: number): Posting[] {
  if (!Number.isSafeInteger(fee) || fee < 0 || fee > captured) {
    throw new RangeError('fee must be an integer between 0 and the captured amount');
  }
  const legs: Posting[] = [
    { account: 'acquirer_receivable', amount: captured },
    { account: 'merchant_settling', amount: -captured },
  ];
  if (fee === 0) return legs;
  return [
    ...legs,
    { account: 'merchant_settling', amount: fee },
    { account: 'processing_fees', amount: -fee },
  ];
}

/**
 * Capture of `captured` out of `authorized`: the whole hold is consumed, the uncaptured rest released, and
 * the processing `fee` is charged to the merchant.
 */
export function captureEntry(authorized: number, captured: number, currency: Currency, fee = 0): LedgerEntry {
  positive('authorized', authorized);
  positive('captured', captured);
  if (captured > authorized) throw new RangeError('captured amount exceeds the authorized amount');
  return entry('capture', currency, [
    { account: 'cardholder_holds', amount: -authorized },
    { account: 'merchant_pending', amount: authorized },
    ...capturedLegs(captured, fee),
  ]);
}

/**
 * Sale: authorization and full capture in one step (automatic capture). It is the sum of authorizationEntry
 * and captureEntry(amount, amount), whose hold postings cancel out, so only the capture legs remain.
 */
export function saleEntry(amount: number, currency: Currency, fee = 0): LedgerEntry {
  positive('amount', amount);
  return entry('sale', currency, capturedLegs(amount, fee));
}

/** Release of an uncaptured authorization (cancel from requires_capture). */
export function releaseEntry(authorized: number, currency: Currency): LedgerEntry {
  positive('authorized', authorized);
  return entry('release', currency, [
    { account: 'cardholder_holds', amount: -authorized },
    { account: 'merchant_pending', amount: authorized },
  ]);
}

/** Refund: reverses captured funds back to the cardholder (the processing fee is not returned, as at Stripe). */
export function refundEntry(amount: number, currency: Currency): LedgerEntry {
  positive('amount', amount);
  return entry('refund', currency, [
    { account: 'merchant_available', amount },
    { account: 'acquirer_receivable', amount: -amount },
  ]);
}

/**
 * Settlement: `net` (the sum of the nets of the balance transactions that became available) moves from
 * merchant_settling to merchant_available. Null when there is nothing to move (a zero net).
 */
export function settlementEntry(net: number, currency: Currency): LedgerEntry | null {
  if (!Number.isSafeInteger(net) || net < 0) throw new RangeError('net must be a non-negative integer');
  if (net === 0) return null;
  return entry('settlement', currency, [
    { account: 'merchant_settling', amount: net },
    { account: 'merchant_available', amount: -net },
  ]);
}

/**
 * Merchant-facing balance from per-account sums (credit-normal accounts are negated), as Stripe defines it:
 * `pending` is captured funds not yet available (merchant_settling); authorized, uncaptured holds
 * (merchant_pending) are in neither.
 */
export function merchantBalance(sums: Readonly<Partial<Record<AccountKind, number>>>): {
  available: number;
  pending: number;
} {
  return {
    available: 0 - (sums.merchant_available ?? 0),
    pending: 0 - (sums.merchant_settling ?? 0),
  };
}
