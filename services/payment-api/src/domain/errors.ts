/** A rule of the domain was violated by the request; the HTTP layer maps it to a 400 invalid_request_error. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}
