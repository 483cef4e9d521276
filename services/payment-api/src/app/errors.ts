import type { Page } from '../store/keyset-page.js';

/** An object the merchant referenced does not exist for that merchant (404 resource_missing). */
export class NotFoundError extends Error {
  constructor(
    readonly resource: string,
    readonly id: string,
    readonly param?: string,
  ) {
    super(`No such ${resource}: '${id}'`);
  }
}

/** The card was rejected (validation at payment method creation); 402 card_error. */
export class CardError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly declineCode?: string,
  ) {
    super(message);
  }
}

/** `value`, or 404 resource_missing for `resource` `id` (naming `param` when the id came in one). */
export function found<T>(value: T | null, resource: string, id: string, param?: string): T {
  if (value === null) throw new NotFoundError(resource, id, param);
  return value;
}

/** A list page, or 404 naming the cursor parameter when the cursor is not one of the merchant's objects. */
export function foundPage<T>(value: T | null, resource: string, page: Page): T {
  return page.startingAfter
    ? found(value, resource, page.startingAfter, 'starting_after')
    : found(value, resource, page.endingBefore ?? '', 'ending_before');
}

/**
 * Another request is changing the object, and it did not finish within the lock timeout (Stripe's
 * `lock_timeout`, 429): nothing was done, retry with the same Idempotency-Key.
 */
export class LockTimeoutError extends Error {
  constructor(readonly resource: string) {
    super(
      `This ${resource} cannot be accessed right now because another API request is changing it. ` +
        'Retry the request (with the same Idempotency-Key).',
    );
  }
}
