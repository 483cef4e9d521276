import { AcquirerError } from '../acquirer/index.js';
import { newIdBody } from '../domain/ids.js';

/**
 * One run of a request that may call the acquirer, named by an id that is stable across its retries: the
 * idempotency key's attempt, recorded when the key is claimed and before any foreign call. The objects the
 * request creates (pi_, ch_, re_) and the references of its acquirer calls derive from it, so a retry — or
 * the completer — creates the same intent or refund and gets the acquirer's original results instead of new
 * effects (ADR 0023).
 */
export class Attempt {
  private reached: boolean;

  /**
   * @param id the claimed key's attempt; a request outside the idempotency layer gets a fresh one
   * @param afterAcquirer an earlier run of this attempt may already have reached the acquirer
   */
  constructor(
    readonly id: string = newIdBody(),
    afterAcquirer = false,
  ) {
    this.reached = afterAcquirer;
  }

  /** The id of the object of this kind that the attempt creates. */
  objectId(prefix: 'pi' | 'ch' | 're' | 'pm' | 'seti'): string {
    return `${prefix}_${this.id}`;
  }

  /** The acquirer reference of this attempt's capture or void (authorizations use the charge id, refunds the refund id). */
  reference(operation: 'capture' | 'void'): string {
    return `${operation}_${this.id}`;
  }

  /**
   * Calls the acquirer. From the call on, a failure of the request keeps the key's recovery point — unless
   * the acquirer refused (an AcquirerError: it did nothing) and no earlier call may have acted.
   */
  async callAcquirer<T>(call: () => Promise<T>): Promise<T> {
    const before = this.reached;
    this.reached = true;
    try {
      return await call();
    } catch (err) {
      if (err instanceof AcquirerError) this.reached = before;
      throw err;
    }
  }

  /** The acquirer may have acted for this attempt: its key must be resumed, never released. */
  get mayHaveActed(): boolean {
    return this.reached;
  }

  /**
   * The attempt holds a payment intent it could not let go (the database failed then too): its key must not
   * be released either, so that the completer resumes the attempt and ends the hold.
   */
  holdsIntent = false;
}
