import pino, { type DestinationStream, type Logger } from 'pino';
import { luhnValid } from './vault/index.js';

const CENSOR = '[REDACTED]';

/** Structured paths that may carry secrets or card data, wherever they appear in a log object. */
const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'card',
  '*.card',
  'number',
  '*.number',
  'cvc',
  '*.cvc',
  'pan',
  '*.pan',
  'apiKey',
  '*.apiKey',
  'secretKey',
  '*.secretKey',
  'password',
  '*.password',
  'body',
  '*.body',
];

/** 13–19 digits, each pair at most two separators apart: spaces, `-`, `+` (a form-encoded space), `.`, `/`. */
const DIGIT_RUN = /\d(?:[ +./-]{0,2}\d){12,18}/g;
const SECRET_KEY = /\b(sk|rk)_(test|live)_[0-9A-Za-z]+/g;
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9+/=._-]+/gi;
/** A percent-escape of an ASCII character (`%34` is "4", `%20` a space, `%2B` a plus). */
const ASCII_ESCAPE = /%([0-7][0-9A-Fa-f])/g;

function scrubPlain(text: string): string {
  return text
    .replace(DIGIT_RUN, (run) => (luhnValid(run.replace(/\D/g, '')) ? '[PAN REDACTED]' : run))
    .replace(SECRET_KEY, (_m, kind: string, mode: string) => `${kind}_${mode}_${CENSOR}`)
    .replace(AUTH_HEADER, (_m, scheme: string) => `${scheme} ${CENSOR}`);
}

/** `text` with its ASCII percent-escapes decoded, three levels deep (so `%2534` becomes "4"). */
function percentDecoded(text: string): string {
  let decoded = text;
  for (let level = 0; level < 3 && decoded.includes('%'); level += 1) {
    const next = decoded.replace(ASCII_ESCAPE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === decoded) break;
    decoded = next;
  }
  return decoded;
}

/**
 * Removes anything that looks like a PAN (13–19 digits passing Luhn, with separators), a secret key or a
 * credential. Text with percent-escapes (URL paths) is also read decoded; when a secret hides behind the
 * escapes, the decoded text is logged, redacted.
 */
export function scrubText(text: string): string {
  const scrubbed = scrubPlain(text);
  if (!text.includes('%')) return scrubbed;
  const decoded = percentDecoded(text);
  const scrubbedDecoded = scrubPlain(decoded);
  return scrubbedDecoded === decoded ? scrubbed : scrubbedDecoded;
}

export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  if (value instanceof Error)
    return scrubValue({ type: value.name, message: value.message, stack: value.stack }, depth);
  // Class instances (Fastify request/reply, sockets) are left to their serializers, which scrub what they emit.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, depth + 1);
  return out;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'payment-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      serializers: {
        err: (err: Error) => scrubValue(err),
        req: (req: { method?: string; url?: string; id?: string; ip?: string }) => ({
          method: req.method,
          url: scrubText(String(req.url ?? '').split('?')[0] ?? ''),
          requestId: req.id,
          remoteAddress: req.ip,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      formatters: {
        log: (obj) => scrubValue(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}
