import type { Redactor } from './redactor.js';

/** The only fields a log line may carry. No field can hold a secret value. */
export interface LogFields {
  readonly secretArn?: string;
  readonly step?: string;
  readonly token?: string;
  readonly username?: string;
  readonly versionId?: string;
  readonly error?: string;
  readonly errorCode?: string;
}

const ALLOWED_FIELDS: ReadonlySet<string> = new Set([
  'secretArn',
  'step',
  'token',
  'username',
  'versionId',
  'error',
  'errorCode',
]);

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export type LineWriter = (line: string) => void;

/**
 * One JSON object per line on stdout (CloudWatch Logs parses it). Fields outside the allow-list are dropped
 * even if a caller smuggles them in, and every line passes through the invocation's {@link Redactor}.
 */
export function createJsonLogger(
  redactor: Redactor,
  write: LineWriter = (line) => console.log(line),
): Logger {
  const emit = (level: string, message: string, fields: LogFields = {}): void => {
    // Scrub each value before serialising: JSON escaping could otherwise hide a secret from the scrubber.
    const entry: Record<string, string> = { level, message: redactor.scrub(message) };
    for (const [key, value] of Object.entries(fields)) {
      if (ALLOWED_FIELDS.has(key) && typeof value === 'string') entry[key] = redactor.scrub(value);
    }
    write(JSON.stringify(entry));
  };
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}
