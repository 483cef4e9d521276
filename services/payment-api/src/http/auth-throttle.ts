import type { RepeatedFailures } from '../app/audit.js';

/**
 * Throttles failed authentications per source IP and per presented-key prefix, in fixed windows, and turns
 * their audit trail into one record per source and window: the first failure of a source in a window is
 * audited at once, the rest are counted and summarised when the window closes (PCI DSS 10.2.1.4 — every
 * invalid access attempt is recorded, none is lost, and a flood cannot flood the audit log).
 *
 * State lives in this process: with N tasks each throttles on its own (a source gets N × the limit). Pure
 * bookkeeping with an injected clock; the Authenticator does the I/O.
 */
export interface AuthThrottleLimits {
  /** Length of a window. @default 60 000 (60 s) */
  readonly windowMs: number;
  /** Failed authentications of one source IP per window before it answers 429. @default 20 */
  readonly perSource: number;
  /** Failed authentications with one key prefix (any source) per window before it answers 429. @default 10 */
  readonly perKeyPrefix: number;
  /** Sources and key prefixes tracked per window; beyond it, failures are summarised together. @default 10 000 */
  readonly maxTracked: number;
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleLimits = {
  windowMs: 60_000,
  perSource: 20,
  perKeyPrefix: 10,
  maxTracked: 10_000,
};

/** Characters of a presented key that form its prefix: `sk_test_` and 4 secret characters nobody is shown. */
export const KEY_PREFIX_LENGTH = 12;

export interface FailedAttempt {
  readonly sourceIp: string;
  /** First KEY_PREFIX_LENGTH characters of the presented key; null when no well-formed key was presented. */
  readonly keyPrefix: string | null;
  readonly reason: string;
  readonly keyHint: string | null;
  readonly method: string;
  readonly path: string | null;
  readonly requestId: string;
}

/**
 * The failures of one source in one window that were not audited one by one, as the audit records them
 * (`sourceIp` null, with `untrackedSources`: failures of sources beyond `maxTracked`, summarised together).
 */
export type FailureSummary = RepeatedFailures & { readonly sourceIp: string | null };

const MAX_HINTS = 10;
const MAX_PATHS = 20;

interface SourceState {
  failures: number;
  /** The summary of failures after the first (undefined until there is a second). */
  summary?: MutableSummary;
}

interface MutableSummary {
  failures: number;
  reasons: Record<string, number>;
  keyHints: Set<string>;
  paths: Record<string, number>;
  firstRequestId: string;
  lastRequestId: string;
}

export type Verdict =
  { readonly limited: false } | { readonly limited: true; readonly retryAfterSeconds: number };

export class AuthFailureThrottle {
  /** Windows are counted from the throttle's creation: [origin + k·windowMs, origin + (k+1)·windowMs). */
  private readonly origin: number;
  private windowStart: number;
  private sources = new Map<string, SourceState>();
  private keyPrefixes = new Map<string, number>();
  private overflow: MutableSummary | undefined;
  /** Summaries of closed windows not yet taken by `takeSummaries`. */
  private closed: FailureSummary[] = [];

  constructor(
    private readonly limits: AuthThrottleLimits = DEFAULT_AUTH_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {
    this.origin = now();
    this.windowStart = this.origin;
  }

  private startOf(time: number): number {
    return time - ((time - this.origin) % this.limits.windowMs);
  }

  /** Closes the current window when its time is over (also called by a timer, so idle windows close too). */
  advance(): void {
    const start = this.startOf(this.now());
    if (start !== this.windowStart) this.closeWindow(start);
  }

  private closeWindow(nextStart: number): void {
    const window = {
      start: new Date(this.windowStart),
      end: new Date(this.windowStart + this.limits.windowMs),
    };
    for (const [sourceIp, state] of this.sources) {
      if (state.summary) this.closed.push(frozen(sourceIp, window, state.summary));
    }
    if (this.overflow) this.closed.push(frozen(null, window, this.overflow));
    this.sources = new Map();
    this.keyPrefixes = new Map();
    this.overflow = undefined;
    this.windowStart = nextStart;
  }

  /** Whether a request from `sourceIp` presenting `keyPrefix` is refused before its key is looked up. */
  check(sourceIp: string, keyPrefix: string | null): Verdict {
    this.advance();
    const source = this.sources.get(sourceIp)?.failures ?? 0;
    const key = keyPrefix === null ? 0 : (this.keyPrefixes.get(keyPrefix) ?? 0);
    if (source < this.limits.perSource && key < this.limits.perKeyPrefix) return { limited: false };
    const remaining = this.windowStart + this.limits.windowMs - this.now();
    return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(remaining / 1000)) };
  }

  /**
   * Counts a failed (or refused) attempt. Returns 'audit' when it is the first of its source in this window
   * and must be audited now; 'counted' when it went into the window's summary.
   */
  record(attempt: FailedAttempt): 'audit' | 'counted' {
    this.advance();
    if (attempt.keyPrefix !== null) {
      const count = this.keyPrefixes.get(attempt.keyPrefix);
      if (count !== undefined) this.keyPrefixes.set(attempt.keyPrefix, count + 1);
      else if (this.keyPrefixes.size < this.limits.maxTracked) this.keyPrefixes.set(attempt.keyPrefix, 1);
    }
    let state = this.sources.get(attempt.sourceIp);
    if (!state) {
      if (this.sources.size >= this.limits.maxTracked) {
        this.overflow = addTo(this.overflow, attempt);
        return 'counted';
      }
      state = { failures: 0 };
      this.sources.set(attempt.sourceIp, state);
    }
    state.failures += 1;
    if (state.failures === 1) return 'audit';
    state.summary = addTo(state.summary, attempt);
    return 'counted';
  }

  /** The summaries of closed windows, each returned once. */
  takeSummaries(): FailureSummary[] {
    this.advance();
    const taken = this.closed;
    this.closed = [];
    return taken;
  }

  /** Closes the current window now (at shutdown) and returns every summary not yet taken. */
  drain(): FailureSummary[] {
    this.closeWindow(this.startOf(this.now()));
    return this.takeSummaries();
  }

  /** Puts back summaries that could not be written, so the next write retries them. */
  restore(summaries: readonly FailureSummary[]): void {
    this.closed.unshift(...summaries);
  }
}

function addTo(summary: MutableSummary | undefined, attempt: FailedAttempt): MutableSummary {
  const s = summary ?? {
    failures: 0,
    reasons: {},
    keyHints: new Set<string>(),
    paths: {},
    firstRequestId: attempt.requestId,
    lastRequestId: attempt.requestId,
  };
  s.failures += 1;
  s.reasons[attempt.reason] = (s.reasons[attempt.reason] ?? 0) + 1;
  if (attempt.keyHint !== null && s.keyHints.size < MAX_HINTS) s.keyHints.add(attempt.keyHint);
  const route = `${attempt.method} ${attempt.path ?? '(no route)'}`;
  const bucket = route in s.paths || Object.keys(s.paths).length < MAX_PATHS ? route : '(other)';
  s.paths[bucket] = (s.paths[bucket] ?? 0) + 1;
  s.lastRequestId = attempt.requestId;
  return s;
}

function frozen(
  sourceIp: string | null,
  window: { start: Date; end: Date },
  s: MutableSummary,
): FailureSummary {
  return {
    sourceIp,
    untrackedSources: sourceIp === null,
    windowStart: window.start,
    windowEnd: window.end,
    failures: s.failures,
    reasons: { ...s.reasons },
    keyHints: [...s.keyHints],
    paths: { ...s.paths },
    firstRequestId: s.firstRequestId,
    lastRequestId: s.lastRequestId,
  };
}
