import { CardError, LockTimeoutError, NotFoundError } from '../app/errors.js';
import { RETRYABLE_SQLSTATES, sqlState } from '../db/database.js';
import { DomainError } from '../domain/errors.js';
import { ApiError, invalidRequest } from './errors.js';
import { FormError } from './form.js';

/** Maps any thrown error to the Stripe error envelope; `internal` marks errors that are our fault (logged). */
export function toApiError(err: unknown): { error: ApiError; internal: boolean } {
  if (err instanceof ApiError) return { error: err, internal: false };
  if (err instanceof FormError)
    return { error: invalidRequest(err.message, err.param || undefined, err.code), internal: false };
  if (err instanceof NotFoundError) {
    return {
      error: new ApiError(404, 'invalid_request_error', err.message, 'resource_missing', err.param),
      internal: false,
    };
  }
  if (err instanceof DomainError) {
    return {
      error: new ApiError(400, 'invalid_request_error', err.message, err.code, err.param),
      internal: false,
    };
  }
  if (err instanceof CardError) {
    return {
      error: new ApiError(402, 'card_error', err.message, err.code, err.param, err.declineCode),
      internal: false,
    };
  }
  // Stripe's lock_timeout: another request holds the object (our intent hold, or a PostgreSQL lock
  // timeout, deadlock or serialization failure); nothing was done and the same request may be retried.
  if (err instanceof LockTimeoutError) {
    return { error: invalidRequest(err.message, undefined, 'lock_timeout', 429), internal: false };
  }
  const state = sqlState(err);
  if (state && RETRYABLE_SQLSTATES.has(state)) {
    return {
      error: invalidRequest(
        'This object cannot be accessed right now because another API request is changing it. ' +
          'Retry the request (with the same Idempotency-Key).',
        undefined,
        'lock_timeout',
        429,
      ),
      internal: false,
    };
  }
  const fastify = err as { code?: string; statusCode?: number; message?: string };
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      error: invalidRequest('The request body is too large.', undefined, 'request_too_large', 413),
      internal: false,
    };
  }
  if (fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return {
      error: invalidRequest(
        'Unsupported Content-Type; send application/x-www-form-urlencoded or application/json.',
        undefined,
        'unsupported_media_type',
        415,
      ),
      internal: false,
    };
  }
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    // Malformed JSON, empty JSON body, bad headers, … detected by Fastify before our handler.
    const message = fastify.code?.startsWith('FST_ERR_CTP')
      ? `The request body could not be parsed: ${fastify.message ?? 'invalid body'}.`
      : (fastify.message ?? 'Invalid request.');
    return { error: invalidRequest(message, undefined, 'parameter_invalid_body', 400), internal: false };
  }
  return {
    error: new ApiError(
      500,
      'api_error',
      'An unexpected error occurred on our side. Retry the request later.',
      'internal_error',
    ),
    internal: true,
  };
}
