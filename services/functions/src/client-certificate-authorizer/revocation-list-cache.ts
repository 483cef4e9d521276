import { RevocationIndex, type RevocationList } from '@tessera/pki';

/** Where the authorizer reads the revocation list from (the S3 object in AWS, a fake in tests). */
export interface RevocationListSource {
  /** Where the list lives, for logs (e.g. `s3://bucket/key`). */
  readonly location: string;
  load(): Promise<RevocationList>;
}

/**
 * Keeps the last list loaded for `ttlMs` per Lambda execution environment, so most invocations need no S3
 * call. Concurrent refreshes share one load. A failed load is not cached and its error propagates: the
 * authorizer fails closed, and the next invocation tries again.
 */
export class RevocationListCache {
  private current: { readonly index: RevocationIndex; readonly loadedAt: number } | undefined;
  private pending: Promise<RevocationIndex> | undefined;

  constructor(
    private readonly source: RevocationListSource,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(): Promise<RevocationIndex> {
    if (this.current && this.clock() - this.current.loadedAt < this.ttlMs) {
      return Promise.resolve(this.current.index);
    }
    this.pending ??= this.source
      .load()
      .then((list) => {
        const index = new RevocationIndex(list);
        this.current = { index, loadedAt: this.clock() };
        return index;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
