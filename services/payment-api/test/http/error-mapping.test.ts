import { describe, expect, it } from 'vitest';
import { CardError, LockTimeoutError, NotFoundError } from '../../src/app/errors.js';
import { DomainError } from '../../src/domain/errors.js';
import { toApiError } from '../../src/http/error-mapping.js';
import { FormError } from '../../src/http/form.js';

describe('errors to the Stripe envelope', () => {
  it('maps domain, card, not-found and form errors to 400/402/404 with code and param', () => {
    const domain = toApiError(new DomainError('amount_too_large', 'too much', 'amount')).error;
    expect([domain.status, domain.envelope()]).toEqual([
      400,
      {
        error: {
          type: 'invalid_request_error',
          code: 'amount_too_large',
          message: 'too much',
          param: 'amount',
        },
      },
    ]);
    const card = toApiError(new CardError('card_declined', 'declined', undefined, 'generic_decline')).error;
    expect([card.status, card.envelope().error]).toEqual([
      402,
      { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'declined' },
    ]);
    const missing = toApiError(new NotFoundError('refund', 're_1', 'refund')).error;
    expect([missing.status, missing.code, missing.param]).toEqual([404, 'resource_missing', 'refund']);
    const form = toApiError(new FormError('twice', 'a[b]', 'parameter_duplicate')).error;
    expect([form.status, form.code, form.param]).toEqual([400, 'parameter_duplicate', 'a[b]']);
    expect(toApiError(new FormError('bad escape', '')).error.envelope()).toEqual({
      error: { type: 'invalid_request_error', code: 'parameter_malformed', message: 'bad escape' },
    });
  });

  it("answers Stripe's 429 lock_timeout for lock conflicts PostgreSQL reports and a held payment intent", () => {
    const conflicts = [
      ...['40001', '40P01', '55P03'].map((code) => Object.assign(new Error('conflict'), { code })),
      new LockTimeoutError('payment_intent'),
    ];
    for (const conflict of conflicts) {
      const { error, internal } = toApiError(conflict);
      expect([error.status, error.type, error.code, internal]).toEqual([
        429,
        'invalid_request_error',
        'lock_timeout',
        false,
      ]);
      expect(error.message).toMatch(/another API request is changing it/);
    }
  });

  it('maps Fastify body errors to 413/415/400 and anything else to a 500 that reveals nothing', () => {
    expect(toApiError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).error.status).toBe(413);
    expect(toApiError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }).error.status).toBe(415);
    expect(
      toApiError({ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400, message: 'empty' }).error.status,
    ).toBe(400);
    const boom = toApiError(new Error('connection to 10.0.3.7 refused; password=hunter2'));
    expect(boom.internal).toBe(true);
    expect(boom.error.status).toBe(500);
    expect(boom.error.type).toBe('api_error');
    expect(boom.error.code).toBe('internal_error');
    expect(boom.error.message).not.toContain('hunter2');
  });
});
