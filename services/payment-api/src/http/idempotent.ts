import type { FastifyReply, FastifyRequest } from 'fastify';
import { Attempt } from '../app/attempt.js';
import type { CommitHook, Rendered, RequestContext } from '../app/context.js';
import type { Deps } from '../app/deps.js';
import { keyHook, runClaimed } from '../app/recovery.js';
import { storedRequest, type ResumableRequest } from '../app/resumable.js';
import { canonicalRequest, validateIdempotencyKey } from '../domain/idempotency.js';
import { newIdBody } from '../domain/ids.js';
import { hashRequest } from '../secrets.js';
import { claimKey, type KeyRef } from '../store/idempotency-store.js';
import { ApiError, invalidRequest } from './errors.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The key of a request that may call the acquirer but came without an Idempotency-Key: the claim is the
 * record of its attempt. The space keeps it apart from every key a client may send.
 */
const serverKey = (requestId: string) => `server ${requestId}`;

/**
 * Runs a resumable request that the service makes on a caller's behalf without an API request of theirs
 * (the cardholder's answer on the 3D Secure page) under the service's own `key`: a repeat of it (a form
 * sent twice) gets the stored response, another request under it is refused, and a run that fails after
 * the acquirer may have acted is resumed by the completer like any other.
 */
export async function runServiceRequest(
  deps: Deps,
  leaseSeconds: number,
  ctx: RequestContext,
  key: string,
  path: string,
  request: ResumableRequest,
): Promise<{ status: number; text: string }> {
  const ref: KeyRef = { merchantId: ctx.merchantId, key };
  const hash = hashRequest(
    deps.keys,
    canonicalRequest('POST', path, request.input as Record<string, unknown>),
  );
  const claim = await claimKey(deps.db, ref, { hash, method: 'POST', path }, leaseSeconds, {
    attempt: newIdBody(),
    resume: storedRequest(request, ctx),
  });
  if (claim.action === 'replay') return { status: claim.status, text: claim.body };
  if (claim.action === 'mismatch' || claim.action === 'in_flight') {
    throw new ApiError(
      409,
      'idempotency_error',
      'This request was already answered differently, or is being answered now.',
      'idempotency_key_in_use',
    );
  }
  const attempt = new Attempt(claim.attempt, claim.afterAcquirer);
  const hook = keyHook(ref, attempt, (r) => request.render(r));
  const result = await runClaimed(deps, ctx, { ref, attempt, request }, leaseSeconds, () =>
    request.run(deps, ctx, hook),
  );
  return hook.rendered(result);
}

/**
 * Runs a POST under the Idempotency-Key rules. The response is rendered to text once, stored inside the
 * transaction that commits the request's effects (CommitHook), and sent; a replay sends the stored text.
 * Requests that fail before the acquirer could act (validation, conflicts) release their claim so they can
 * be retried; after it, the key keeps its recovery point and a retry resumes the same attempt (ADR 0023).
 * A request that may call the acquirer (`resumable`) always runs under a key — its own, or one made here.
 */
export async function runIdempotent<T>(
  deps: Deps,
  leaseSeconds: number,
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: RequestContext,
  run: (hook: CommitHook<T>) => Promise<T>,
  render: (result: T) => Rendered,
  resumable: ResumableRequest | null = null,
): Promise<FastifyReply> {
  const header = req.headers['idempotency-key'];
  const clientKey = Array.isArray(header) ? header[0] : header;
  if (clientKey === undefined && !resumable) {
    const hook = keyHook<T>(null, new Attempt(), render);
    const out = hook.rendered(await run(hook));
    return reply.code(out.status).type(JSON_TYPE).send(out.text);
  }
  if (clientKey !== undefined) {
    const problem = validateIdempotencyKey(clientKey);
    if (problem) throw invalidRequest(problem, undefined, 'idempotency_key_invalid');
  }

  const ref: KeyRef = { merchantId: ctx.merchantId, key: clientKey ?? serverKey(req.id) };
  const path = req.url.split('?')[0] ?? req.url;
  const hash = hashRequest(deps.keys, canonicalRequest(req.method, path, req.body ?? {}));
  const claim = await claimKey(deps.db, ref, { hash, method: req.method, path }, leaseSeconds, {
    attempt: newIdBody(),
    resume: resumable ? storedRequest(resumable, ctx) : null,
  });
  if (claim.action === 'replay') {
    return reply.code(claim.status).type(JSON_TYPE).header('idempotent-replayed', 'true').send(claim.body);
  }
  if (claim.action === 'mismatch') {
    // Stripe answers 400 idempotency_error (the SDK raises StripeIdempotencyError for it).
    throw new ApiError(
      400,
      'idempotency_error',
      `Keys for idempotent requests can only be used with the same parameters they were first used with. ` +
        `Try using a key other than '${ref.key.slice(0, 64)}' if you meant to execute a different request.`,
      'idempotency_key_in_use',
    );
  }
  if (claim.action === 'in_flight') {
    throw new ApiError(
      409,
      'idempotency_error',
      'There is currently another in-progress request using this Idempotency-Key; retry this request later.',
      'idempotency_key_in_use',
    );
  }
  const attempt = new Attempt(claim.attempt, claim.afterAcquirer);
  const hook = keyHook(ref, attempt, render);
  const result = await runClaimed(deps, ctx, { ref, attempt, request: resumable }, leaseSeconds, () =>
    run(hook),
  );
  const out = hook.rendered(result);
  return reply.code(out.status).type(JSON_TYPE).send(out.text);
}
