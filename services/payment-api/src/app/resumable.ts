import type { CancellationReason } from '../domain/payment-intent.js';
import type { RefundRecord } from '../store/records.js';
import type { Attempt } from './attempt.js';
import type { CommitHook, Rendered, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import {
  authenticateIntent,
  cancelIntent,
  captureIntent,
  confirmIntent,
  createIntent,
  type ConfirmInput,
  type CreateIntentInput,
  type IntentResult,
} from './payment-intents.js';
import { createRefund, type RefundInput } from './refunds.js';
import { intentResponse, refundObject } from './serialize.js';

/**
 * The requests that may call the acquirer. Each runs under an idempotency key (one the server makes when
 * the client sent none) whose claim records the attempt and this operation with its parsed input — never
 * card data: these requests carry none — so that the completer can finish a run that failed after the
 * acquirer may have acted, exactly as the client's retry would.
 */
interface Operations {
  'payment_intent.create_and_confirm': { input: CreateIntentInput; result: IntentResult };
  'payment_intent.confirm': { input: { id: string } & ConfirmInput; result: IntentResult };
  'payment_intent.authenticate': { input: { id: string; approved: boolean }; result: IntentResult };
  'payment_intent.capture': { input: { id: string; amountToCapture: number | null }; result: IntentResult };
  'payment_intent.cancel': { input: { id: string; reason: CancellationReason | null }; result: IntentResult };
  'refund.create': { input: RefundInput; result: RefundRecord };
}

export type ResumableOperation = keyof Operations;

interface Operation<I, R> {
  run(deps: Deps, ctx: RequestContext, input: I, hook: CommitHook<R>): Promise<R>;
  render(result: R): Rendered;
  /** The object the request creates or changes (named by the audit record of an interrupted run). */
  subject(input: I, attempt: Attempt): { readonly objectType: string; readonly objectId: string };
}

const onIntent = (input: { id: string }) => ({ objectType: 'payment_intent', objectId: input.id });

const OPERATIONS: {
  readonly [O in ResumableOperation]: Operation<Operations[O]['input'], Operations[O]['result']>;
} = {
  'payment_intent.create_and_confirm': {
    run: createIntent,
    render: intentResponse,
    subject: (_input, attempt) => ({ objectType: 'payment_intent', objectId: attempt.objectId('pi') }),
  },
  'payment_intent.confirm': {
    run: (deps, ctx, { id, ...confirm }, hook) => confirmIntent(deps, ctx, id, confirm, hook),
    render: intentResponse,
    subject: onIntent,
  },
  'payment_intent.authenticate': {
    run: (deps, ctx, { id, approved }, hook) => authenticateIntent(deps, ctx, id, { approved }, hook),
    render: intentResponse,
    subject: onIntent,
  },
  'payment_intent.capture': {
    run: (deps, ctx, { id, amountToCapture }, hook) =>
      captureIntent(deps, ctx, id, { amountToCapture }, hook),
    render: intentResponse,
    subject: onIntent,
  },
  'payment_intent.cancel': {
    run: (deps, ctx, { id, reason }, hook) => cancelIntent(deps, ctx, id, { reason }, hook),
    render: intentResponse,
    subject: onIntent,
  },
  'refund.create': {
    run: createRefund,
    render: (refund) => ({ status: 200, body: refundObject(refund) }),
    subject: (_input, attempt) => ({ objectType: 'refund', objectId: attempt.objectId('re') }),
  },
};

/** A resumable request, ready to run: what the claim records, and how to run and render it. */
export interface ResumableRequest {
  readonly operation: ResumableOperation;
  readonly input: unknown;
  run(deps: Deps, ctx: RequestContext, hook: CommitHook<unknown>): Promise<unknown>;
  render(result: unknown): Rendered;
  subject(attempt: Attempt): { readonly objectType: string; readonly objectId: string };
}

export function resumableRequest<O extends ResumableOperation>(
  operation: O,
  input: Operations[O]['input'],
): ResumableRequest {
  const op = OPERATIONS[operation] as unknown as Operation<Operations[O]['input'], unknown>;
  return {
    operation,
    input,
    run: (deps, ctx, hook) => op.run(deps, ctx, input, hook),
    render: (result) => op.render(result),
    subject: (attempt) => op.subject(input, attempt),
  };
}

/** What a claim stores for the completer: the operation, its input and who asked (PCI DSS 10.2.2 "who"). */
export interface StoredRequest {
  readonly operation: ResumableOperation;
  readonly input: unknown;
  readonly actor: string;
  readonly sourceIp?: string;
  readonly requestId?: string;
  readonly idempotencyKey?: string;
}

export function storedRequest(request: ResumableRequest, ctx: RequestContext): StoredRequest {
  return {
    operation: request.operation,
    input: request.input,
    actor: ctx.actor,
    ...(ctx.sourceIp === undefined ? {} : { sourceIp: ctx.sourceIp }),
    ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
    ...(ctx.idempotencyKey === undefined ? {} : { idempotencyKey: ctx.idempotencyKey }),
  };
}

/** The request a claim stored, or null when it is not one this version can run. */
export function fromStored(
  stored: unknown,
): { request: ResumableRequest; who: Omit<StoredRequest, 'operation' | 'input'> } | null {
  const s = stored as Partial<StoredRequest> | null;
  if (!s || typeof s.operation !== 'string' || !(s.operation in OPERATIONS) || typeof s.actor !== 'string') {
    return null;
  }
  return {
    request: resumableRequest(s.operation, s.input as never),
    who: {
      actor: s.actor,
      ...(s.sourceIp === undefined ? {} : { sourceIp: s.sourceIp }),
      ...(s.requestId === undefined ? {} : { requestId: s.requestId }),
      ...(typeof s.idempotencyKey === 'string' ? { idempotencyKey: s.idempotencyKey } : {}),
    },
  };
}
