import pg from 'pg';
import { pgSslOption, type DatabaseTls } from './database-tls.js';
import type { Redactor } from './redactor.js';

export interface DatabaseCredentials {
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  readonly username: string;
  readonly password: string;
}

export type Row = Record<string, unknown>;

export interface DatabaseSession {
  query(text: string, values?: readonly unknown[]): Promise<Row[]>;
  quoteIdentifier(name: string): string;
  quoteLiteral(value: string): string;
  close(): Promise<void>;
}

/** Opens an authenticated session; errors are {@link DatabaseError}s scrubbed by the redactor. */
export type ConnectDatabase = (
  credentials: DatabaseCredentials,
  redactor: Redactor,
) => Promise<DatabaseSession>;

/**
 * A database failure with a message that is safe to log: the operation, the SQLSTATE (or socket error code)
 * and the driver's message with every known secret scrubbed. The driver error is deliberately not attached
 * as `cause`, so nothing unscrubbed can be printed by whoever logs this error.
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }

  static from(operation: string, error: unknown, redactor: Redactor): DatabaseError {
    const code = errorCode(error);
    const detail = error instanceof Error ? redactor.scrub(error.message) : 'unknown error';
    return new DatabaseError(`${operation} failed${code ? ` (${code})` : ''}: ${detail}`, code);
  }
}

export interface PgConnectorOptions {
  readonly connectTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
}

export function pgConnector(tls: DatabaseTls, options: PgConnectorOptions = {}): ConnectDatabase {
  return async (credentials, redactor) => {
    const client = new pg.Client({
      host: credentials.host,
      port: credentials.port,
      database: credentials.dbname,
      user: credentials.username,
      password: credentials.password,
      ssl: pgSslOption(tls),
      application_name: 'tessera-secret-rotation',
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      query_timeout: options.queryTimeoutMs ?? 30_000,
    });
    // A dropped connection emits 'error' on the client; without a listener Node would crash the process.
    client.on('error', () => undefined);
    const target = `connect to ${credentials.host}:${credentials.port}/${credentials.dbname} as ${credentials.username}`;
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw DatabaseError.from(target, error, redactor);
    }
    return {
      async query(text, values) {
        try {
          const result = await client.query(text, values ? [...values] : undefined);
          return result.rows as Row[];
        } catch (error) {
          // The statement text is never part of the message: it may hold a password verifier.
          throw DatabaseError.from('query', error, redactor);
        }
      },
      quoteIdentifier: (name) => client.escapeIdentifier(name),
      quoteLiteral: (value) => client.escapeLiteral(value),
      close: async () => {
        await client.end().catch(() => undefined);
      },
    };
  };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  if (typeof code !== 'string') return undefined;
  return /^[0-9A-Z]{5}$/.test(code) ? `SQLSTATE ${code}` : code;
}
