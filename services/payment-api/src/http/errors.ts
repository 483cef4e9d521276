/** An error answered with Stripe's envelope: { error: { type, code, decline_code, message, param } }. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'card_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'api_error';

/** Every error carries a code (Stripe's where Stripe has one), so clients can branch on it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
    readonly code: string,
    readonly param?: string,
    readonly declineCode?: string,
    /** Response headers that belong to the answer, e.g. `Retry-After` of a 429. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  envelope(): { error: Record<string, unknown> } {
    return {
      error: {
        type: this.type,
        code: this.code,
        ...(this.declineCode ? { decline_code: this.declineCode } : {}),
        message: this.message,
        ...(this.param ? { param: this.param } : {}),
      },
    };
  }

  /** The envelope as the text sent on the wire. */
  body(): string {
    return JSON.stringify(this.envelope());
  }
}

export const invalidRequest = (message: string, param: string | undefined, code: string, status = 400) =>
  new ApiError(status, 'invalid_request_error', message, code, param);
