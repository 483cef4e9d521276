/**
 * Bounded in-memory cache of plaintext data keys (used by the KMS KEK).
 *
 * Every entry has a deadline and an optional budget of uses; the least recently inserted entry is
 * evicted when the cache is full. Evicted and expired keys are zeroed. Callers get copies, so zeroing
 * a returned key never corrupts the cache.
 */
export interface DataKeyCacheOptions {
  /** How long an entry may be used after it was stored. */
  readonly ttlMs: number;
  /** Maximum number of entries; the oldest is evicted first. */
  readonly maxEntries: number;
  /** Clock in milliseconds, injectable for tests. @default Date.now */
  readonly now?: () => number;
}

interface Entry<T> {
  readonly key: Buffer;
  readonly value: T;
  readonly expiresAt: number;
  usesLeft: number;
}

export class DataKeyCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly now: () => number;

  constructor(private readonly options: DataKeyCacheOptions) {
    if (!(options.ttlMs >= 0) || !Number.isInteger(options.maxEntries) || options.maxEntries < 0) {
      throw new RangeError(
        `data key cache needs ttlMs ≥ 0 and an integer maxEntries ≥ 0, got ${options.ttlMs} and ${options.maxEntries}`,
      );
    }
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Stores a copy of `key`. `uses` is how many take() calls the entry may serve (Infinity for no limit).
   */
  put(id: string, key: Buffer, value: T, uses = Number.POSITIVE_INFINITY): void {
    if (this.options.maxEntries === 0 || this.options.ttlMs === 0 || uses <= 0) return;
    this.delete(id);
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
    }
    this.entries.set(id, {
      key: Buffer.from(key),
      value,
      expiresAt: this.now() + this.options.ttlMs,
      usesLeft: uses,
    });
  }

  /** Returns a copy of the key and its value, consuming one use; undefined when absent, expired or used up. */
  take(id: string): { key: Buffer; value: T } | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (this.now() >= entry.expiresAt || entry.usesLeft <= 0) {
      this.delete(id);
      return undefined;
    }
    entry.usesLeft -= 1;
    const result = { key: Buffer.from(entry.key), value: entry.value };
    if (entry.usesLeft <= 0) this.delete(id);
    return result;
  }

  /** Zeroes and drops every entry (call on shutdown). */
  clear(): void {
    for (const id of [...this.entries.keys()]) this.delete(id);
  }

  private delete(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    entry.key.fill(0);
    this.entries.delete(id);
  }
}
