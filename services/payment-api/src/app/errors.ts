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
