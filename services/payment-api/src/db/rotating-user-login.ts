import pg from 'pg';
import type { CurrentDatabaseUser } from './current-database-user.js';
import { sqlState } from './database.js';
import type { AuthTokenProvider } from './iam-auth-token.js';

/** SQLSTATEs of a refused login: invalid_authorization_specification, invalid_password. */
export const LOGIN_REFUSED_SQLSTATES = new Set(['28000', '28P01']);

export function isLoginRefused(err: unknown): boolean {
  return LOGIN_REFUSED_SQLSTATES.has(sqlState(err) ?? '');
}

/**
 * Logs in as the secret's current user with a token per connection (ADR 0011). The user name is read at
 * start and again only when a login is refused: after a rotation the secret names the other alternating
 * user. Each connection keeps the user it was opened with, so open connections are never disturbed.
 */
export class RotatingUserLogin {
  private refreshing: Promise<string> | null = null;

  private constructor(
    private readonly source: CurrentDatabaseUser,
    private readonly tokens: AuthTokenProvider,
    private current: string,
    private readonly onUserChanged: (previous: string, next: string) => void,
  ) {}

  static async start(
    source: CurrentDatabaseUser,
    tokens: AuthTokenProvider,
    onUserChanged: (previous: string, next: string) => void = () => undefined,
  ): Promise<RotatingUserLogin> {
    return new RotatingUserLogin(source, tokens, await source.read(), onUserChanged);
  }

  get user(): string {
    return this.current;
  }

  /** Re-reads the current user name; concurrent callers share one read. */
  refresh(): Promise<string> {
    this.refreshing ??= this.source
      .read()
      .then((next) => {
        if (next !== this.current) {
          const previous = this.current;
          this.current = next;
          this.onUserChanged(previous, next);
        }
        return next;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  /** A pg.Client class for pg.Pool's `Client` option: each new client logs in as the user current now. */
  clientClass(): typeof pg.Client {
    const currentUser = (): string => this.current;
    const tokenFor = (user: string): Promise<string> => this.tokens.token(user);
    return class RotatingUserClient extends pg.Client {
      constructor(config?: string | pg.ClientConfig) {
        if (typeof config === 'string') throw new Error('RotatingUserClient needs a config object');
        const user = currentUser();
        // pg calls the function when the server asks for a password; the token never sits in the config.
        super({ ...config, user, password: () => tokenFor(user) });
      }
    };
  }
}
