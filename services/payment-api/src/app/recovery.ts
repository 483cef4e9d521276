import { newIdBody } from '../domain/ids.js';
import {
  completeKey,
  findUnfinishedAttempts,
  keepRecoveryPoint,
  releaseKey,
  renewLease,
  takeOverKey,
  type KeyRef,
} from '../store/idempotency-store.js';
import { Attempt } from './attempt.js';
import { auditEvents, auditRecord } from './audit.js';
import type { CommitHook, Rendered, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { fromStored, type ResumableRequest } from './resumable.js';

/** A response rendered to the text that is stored under the key and sent. */
export interface RenderedText {
  readonly status: number;
  readonly text: string;
}

/** A commit hook that also tells the HTTP layer what it rendered (once) for the response. */
export interface KeyHook<T> extends CommitHook<T> {
  rendered(result: T): RenderedText;
}

/** The hook that completes `ref` with the request's response in the transaction of its effects. */
export function keyHook<T>(
  ref: KeyRef | null,
  attempt: Attempt,
  render: (result: T) => Rendered,
): KeyHook<T> {
  let text: (RenderedText & { readonly stored: string }) | undefined;
  const rendered = (result: T) => {
    if (!text) {
      const r = render(result);
      const sent = JSON.stringify(r.body);
      text = { status: r.status, text: sent, stored: 'replay' in r ? JSON.stringify(r.replay) : sent };
    }
    return text;
  };
  return {
    attempt,
    rendered: (result) => {
      const { status, text: sent } = rendered(result);
      return { status, text: sent };
    },
    store: async (tx, result) => {
      if (!ref) return;
      const out = rendered(result);
      await completeKey(tx, ref, out.status, out.stored);
    },
    prepare: (result) => {
      if (!ref) return null;
      const out = rendered(result);
      return { merchantId: ref.merchantId, key: ref.key, status: out.status, body: out.stored };
    },
  };
}

/**
 * Runs a request whose key it holds: renews the lease while it runs (a third of the lease apart), so a
 * retry waits for a live run and takes over a dead one within one lease. When the run fails, a key whose
 * acquirer may have acted keeps its recovery point, and the failure is audited (PCI DSS 10.2: failed
 * actions too); any other key is released, as if the request had not been made — unless the run still
 * holds a payment intent, which only resuming it can end.
 */
export async function runClaimed<T>(
  deps: Deps,
  ctx: RequestContext,
  claimed: { readonly ref: KeyRef; readonly attempt: Attempt; readonly request: ResumableRequest | null },
  leaseSeconds: number,
  run: () => Promise<T>,
): Promise<T> {
  const { ref, attempt } = claimed;
  const heartbeat = setInterval(
    () => void renewLease(deps.db, ref, attempt.id).catch(() => undefined),
    (leaseSeconds * 1000) / 3,
  );
  heartbeat.unref();
  try {
    return await run();
  } catch (err) {
    if (attempt.mayHaveActed && claimed.request) {
      const subject = claimed.request.subject(attempt);
      const record = auditRecord('payment_attempt.interrupted', {
        operation: claimed.request.operation,
        ...subject,
        attempt: attempt.id,
      });
      // If even this write fails, the claim still names the attempt: its lease runs out and it is resumed.
      await keepRecoveryPoint(deps.db, ref, attempt.id, auditEvents(ctx, [record])).catch(() => undefined);
    } else if (!attempt.holdsIntent) {
      await releaseKey(deps.db, ref).catch(() => undefined);
    }
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * The completer: finishes requests that may have reached the acquirer and were left unfinished — a run
 * failed after the acquirer call, or its process died — once their lease has run out, as a retry of their
 * client would (same attempt, same acquirer references, same stored response), from the operation and
 * input their claim recorded. It is what resolves requests that came without an Idempotency-Key, and it
 * ends an intent's hold that a client never retried. Returns how many it finished and how many failed again.
 */
export async function completeUnfinished(
  deps: Deps,
  leaseSeconds: number,
  limit = 20,
): Promise<{ completed: number; failed: number }> {
  let completed = 0;
  let failed = 0;
  for (const unfinished of await findUnfinishedAttempts(deps.db, leaseSeconds, limit)) {
    const stored = fromStored(unfinished.resume);
    if (!stored) continue;
    const claim = await takeOverKey(deps.db, unfinished, leaseSeconds, newIdBody());
    if (!claim) continue; // a retry took it first
    const attempt = new Attempt(claim.attempt, claim.afterAcquirer);
    const ctx: RequestContext = { merchantId: unfinished.merchantId, ...stored.who };
    const hook = keyHook(unfinished, attempt, (r: unknown) => stored.request.render(r));
    try {
      await runClaimed(deps, ctx, { ref: unfinished, attempt, request: stored.request }, leaseSeconds, () =>
        stored.request.run(deps, ctx, hook),
      );
      completed += 1;
    } catch {
      failed += 1;
    }
  }
  return { completed, failed };
}
