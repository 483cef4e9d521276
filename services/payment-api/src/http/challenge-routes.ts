import type { FastifyInstance } from 'fastify';
import { CHALLENGE_PATH, findChallenge, returnUrlFor } from '../app/authentication.js';
import type { Deps } from '../app/deps.js';
import { resumableRequest } from '../app/resumable.js';
import { challengeHeaders, challengePage, formatAmount, messagePage } from './challenge-page.js';
import { ApiError } from './errors.js';
import { runServiceRequest } from './idempotent.js';
import { PUBLIC_ROUTE } from './route-guard.js';

const INVALID = messagePage(
  'Authentication link not valid',
  'This authentication link is not valid, or a newer authentication replaced it.',
);

const field = (value: unknown, key: string): string => {
  const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v.slice(0, 200) : '';
};

const originOf = (url: string | null) => (url ? new URL(url).origin : null);

/**
 * The simulated 3D Secure challenge page (ADR 0027), public: the cardholder's browser opens it from
 * next_action.redirect_to_url.url, without an API key; its link's capability names the intent.
 */
export function registerChallengeRoutes(app: FastifyInstance, deps: Deps, leaseSeconds: number): void {
  app.get(`${CHALLENGE_PATH}/:id`, PUBLIC_ROUTE, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const secret = field(req.query, 'secret');
    const challenge = await findChallenge(deps, id, secret);
    if (!challenge) return reply.code(404).headers(challengeHeaders(null)).send(INVALID);
    const { intent } = challenge;
    if (!challenge.pending) {
      const done = messagePage(
        'Authentication complete',
        'This payment was already authenticated or failed.',
      );
      return reply.headers(challengeHeaders(null)).send(done);
    }
    const html = challengePage({
      action: `${CHALLENGE_PATH}/${intent.id}`,
      secret,
      amount: formatAmount(intent.amount, intent.currency),
      card: challenge.card,
    });
    return reply.headers(challengeHeaders(originOf(intent.returnUrl))).send(html);
  });

  app.post(`${CHALLENGE_PATH}/:id`, PUBLIC_ROUTE, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const challenge = await findChallenge(deps, id, field(req.body, 'secret'));
    if (!challenge) return reply.code(404).headers(challengeHeaders(null)).send(INVALID);
    const outcome = field(req.body, 'outcome');
    if (outcome !== 'approve' && outcome !== 'fail') {
      const bad = messagePage('Answer not understood', 'Choose to complete or to fail the authentication.');
      return reply.code(400).headers(challengeHeaders(null)).send(bad);
    }
    const { intent } = challenge;
    const ctx = {
      merchantId: intent.merchantId,
      actor: 'cardholder:3ds_challenge',
      sourceIp: req.ip,
      requestId: req.id,
    };
    const approved = outcome === 'approve';
    // One key per challenge: the same answer sent twice replays, the other answer after it is refused.
    try {
      await runServiceRequest(
        deps,
        leaseSeconds,
        ctx,
        `3ds ${intent.id} ${intent.authenticationChallenge ?? ''}`,
        `${CHALLENGE_PATH}/${intent.id}`,
        resumableRequest('payment_intent.authenticate', { id: intent.id, approved }),
      );
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 409) throw err;
      const answered = messagePage('Already answered', 'This authentication was already answered otherwise.');
      return reply.code(409).headers(challengeHeaders(null)).send(answered);
    }
    const target = returnUrlFor(intent, approved);
    if (target) return reply.code(303).header('location', target).headers(challengeHeaders(null)).send('');
    const done = messagePage(
      approved ? 'Authentication complete' : 'Authentication failed',
      approved ? 'You can return to the merchant.' : 'The payment was not authenticated.',
    );
    return reply.headers(challengeHeaders(null)).send(done);
  });
}
