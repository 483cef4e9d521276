import type { FastifyRequest } from 'fastify';
import { auditRefusedStripeAccount } from '../app/merchants.js';
import type { Queryable } from '../db/database.js';
import { ApiError } from './errors.js';

/** Stripe Connect's header: run the request on a connected account instead of the key's own. */
export const STRIPE_ACCOUNT_HEADER = 'stripe-account';

const ACCOUNT_ID = /^acct_[0-9A-Za-z]{1,64}$/;

/**
 * An onRequest guard after authentication: a request runs on the key's account and no other. Stripe
 * Connect is not implemented, so any Stripe-Account header is refused (403 `account_invalid`, what Stripe
 * answers for an account the key cannot act on) and audited on the caller's chain — silently ignoring it
 * would run the request on another account than the caller believes.
 */
export function stripeAccountCheck(db: Queryable) {
  return async (req: FastifyRequest): Promise<void> => {
    const header = req.headers[STRIPE_ACCOUNT_HEADER];
    const caller = req.merchant;
    if (header === undefined || caller === null) return;
    const value = String(header).trim();
    const requestedAccount = ACCOUNT_ID.test(value) ? value : null;
    await auditRefusedStripeAccount(
      db,
      { merchantId: caller.merchantId, actor: caller.actor, sourceIp: req.ip, requestId: req.id },
      requestedAccount,
    );
    const shown = requestedAccount ?? value.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
    throw new ApiError(
      403,
      'invalid_request_error',
      `The provided key does not have access to account '${shown}' (or that account does not exist). ` +
        'Stripe Connect is not supported: send requests without the Stripe-Account header.',
      'account_invalid',
    );
  };
}
