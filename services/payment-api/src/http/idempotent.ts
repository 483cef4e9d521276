import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommitHook, RequestContext } from '../app/context.js';
import type { Deps } from '../app/deps.js';
import { canonicalRequest, validateIdempotencyKey } from '../domain/idempotency.js';
import { hashRequest } from '../secrets.js';
import { claimKey, completeKey, releaseKey, type KeyRef } from '../store/idempotency-store.js';
import { ApiError, invalidRequest } from './errors.js';

export interface Rendered {
  readonly status: number;
  readonly body: unknown;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Runs a POST under the Idempotency-Key rules. The response is rendered to text once, stored inside the
 * transaction that commits the request's effects (CommitHook), and sent; a replay sends the stored text.
 * Requests that fail before committing (validation, conflicts, crashes) release their claim so they can be retried.
 */
export async function runIdempotent<T>(
  deps: Deps,
  leaseSeconds: number,
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: RequestContext,
  run: (hook: CommitHook<T>) => Promise<T>,
  render: (result: T) => Rendered,
): Promise<FastifyReply> {
  const header = req.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  let rendered: { status: number; text: string } | undefined;
  const renderOnce = (result: T) => {
    if (!rendered) {
      const r = render(result);
      rendered = { status: r.status, text: JSON.stringify(r.body) };
    }
    return rendered;
  };

  if (key === undefined) {
    const result = await run({ store: async () => undefined, prepare: () => null });
    const out = renderOnce(result);
    return reply.code(out.status).type(JSON_TYPE).send(out.text);
  }
  const problem = validateIdempotencyKey(key);
  if (problem) throw invalidRequest(problem, undefined, 'idempotency_key_invalid');

  const ref: KeyRef = { merchantId: ctx.merchantId, key };
  const path = req.url.split('?')[0] ?? req.url;
  const hash = hashRequest(deps.keys, canonicalRequest(req.method, path, req.body ?? {}));
  const claim = await claimKey(deps.db, ref, { hash, method: req.method, path }, leaseSeconds);
  if (claim.action === 'replay') {
    return reply.code(claim.status).type(JSON_TYPE).header('idempotent-replayed', 'true').send(claim.body);
  }
  if (claim.action === 'mismatch') {
    throw new ApiError(
      422,
      'idempotency_error',
      `Keys for idempotent requests can only be used with the same parameters they were first used with. ` +
        `Try using a key other than '${key.slice(0, 64)}' if you meant to execute a different request.`,
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
  try {
    const result = await run({
      store: async (tx, r) => {
        const out = renderOnce(r);
        await completeKey(tx, ref, out.status, out.text);
      },
      prepare: (r) => {
        const out = renderOnce(r);
        return { merchantId: ref.merchantId, key: ref.key, status: out.status, body: out.text };
      },
    });
    const out = renderOnce(result);
    return reply.code(out.status).type(JSON_TYPE).send(out.text);
  } catch (err) {
    await releaseKey(deps.db, ref).catch(() => undefined);
    throw err;
  }
}
