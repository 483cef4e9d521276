/**
 * Holds a card's CVC in process memory only, from payment method creation until its first authorization
 * (PCI DSS 3.3.1: sensitive authentication data must not be retained after authorization, and is never
 * written to storage or logs). Entries expire after a short TTL and are removed when used.
 */
export class CvcStore {
  private readonly entries = new Map<string, { cvc: string; expiresAt: number }>();

  constructor(
    private readonly ttlMs = 10 * 60 * 1000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  put(paymentMethodId: string, cvc: string): void {
    this.evictExpired();
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(paymentMethodId, { cvc, expiresAt: this.now() + this.ttlMs });
  }

  /** Returns the CVC once and forgets it. */
  take(paymentMethodId: string): string | undefined {
    const entry = this.entries.get(paymentMethodId);
    this.entries.delete(paymentMethodId);
    return entry && entry.expiresAt > this.now() ? entry.cvc : undefined;
  }

  private evictExpired(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(id);
  }
}
