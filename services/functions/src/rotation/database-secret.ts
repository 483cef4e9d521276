/**
 * The JSON stored in the application user's secret — the shape AWS's own RDS rotation functions use, so the
 * console, RDS Proxy and the payment API can all read it.
 */
export interface DatabaseSecret {
  readonly engine: 'postgres';
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  readonly username: string;
  readonly password: string;
  /** ARN of the secret holding the credentials that may create roles and change passwords. */
  readonly masterarn: string;
  readonly ssl: true;
  /**
   * Other fields of the stored JSON (e.g. `dbClusterIdentifier`, added when the secret is attached to the
   * cluster), carried over unchanged into the next version.
   */
  readonly otherFields?: Readonly<Record<string, unknown>>;
}

const KNOWN_FIELDS = new Set([
  'engine',
  'host',
  'port',
  'dbname',
  'username',
  'password',
  'masterarn',
  'ssl',
]);

/** The master secret as RDS manages it (`manageMasterUserPassword`): only username and password are certain. */
export interface MasterSecret {
  readonly username: string;
  readonly password: string;
  readonly host?: string;
}

export const CLONE_SUFFIX = '_clone';
/** PostgreSQL truncates identifiers beyond NAMEDATALEN - 1 bytes; a truncated clone name would collide. */
const MAX_IDENTIFIER_BYTES = 63;

/** Thrown for a secret whose JSON is not usable. The message names the field, never its value. */
export class InvalidSecretError extends Error {
  override readonly name = 'InvalidSecretError';
}

export function parseDatabaseSecret(secretString: string, label: string): DatabaseSecret {
  const raw = parseObject(secretString, label);
  const engine = raw['engine'];
  if (engine !== 'postgres') {
    throw new InvalidSecretError(`${label}: field "engine" must be "postgres", got ${describe(engine)}`);
  }
  const port = raw['port'];
  const portNumber = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
  if (
    typeof portNumber !== 'number' ||
    !Number.isInteger(portNumber) ||
    portNumber < 1 ||
    portNumber > 65535
  ) {
    throw new InvalidSecretError(`${label}: field "port" must be an integer 1-65535, got ${describe(port)}`);
  }
  const ssl = raw['ssl'];
  if (ssl !== true && ssl !== 'true') {
    throw new InvalidSecretError(
      `${label}: field "ssl" must be true (TLS is mandatory), got ${describe(ssl)}`,
    );
  }
  const username = requiredString(raw, 'username', label);
  if (Buffer.byteLength(baseUsername(username)) + CLONE_SUFFIX.length > MAX_IDENTIFIER_BYTES) {
    throw new InvalidSecretError(
      `${label}: field "username" is too long: "${username}" plus "${CLONE_SUFFIX}" must fit in ${MAX_IDENTIFIER_BYTES} bytes`,
    );
  }
  const otherFields = Object.fromEntries(Object.entries(raw).filter(([key]) => !KNOWN_FIELDS.has(key)));
  return {
    engine,
    host: requiredString(raw, 'host', label),
    port: portNumber,
    dbname: requiredString(raw, 'dbname', label),
    username,
    password: requiredString(raw, 'password', label),
    masterarn: requiredString(raw, 'masterarn', label),
    ssl: true,
    ...(Object.keys(otherFields).length > 0 ? { otherFields } : {}),
  };
}

export function parseMasterSecret(secretString: string, label: string): MasterSecret {
  const raw = parseObject(secretString, label);
  const host = raw['host'];
  if (host !== undefined && typeof host !== 'string') {
    throw new InvalidSecretError(
      `${label}: field "host" must be a string when present, got ${describe(host)}`,
    );
  }
  return {
    username: requiredString(raw, 'username', label),
    password: requiredString(raw, 'password', label),
    ...(host === undefined ? {} : { host }),
  };
}

/** `payments` and `payments_clone` share the base `payments`. */
export function baseUsername(username: string): string {
  return username.endsWith(CLONE_SUFFIX) ? username.slice(0, -CLONE_SUFFIX.length) : username;
}

/** The user a rotation should switch to: the one that is NOT current. */
export function alternateUsername(username: string): string {
  return username.endsWith(CLONE_SUFFIX) ? baseUsername(username) : `${username}${CLONE_SUFFIX}`;
}

export function serializeDatabaseSecret(secret: DatabaseSecret): string {
  const { engine, host, port, dbname, username, password, masterarn, ssl, otherFields } = secret;
  return JSON.stringify({ ...otherFields, engine, host, port, dbname, username, password, masterarn, ssl });
}

function parseObject(secretString: string, label: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // The JSON parser's message quotes the input, which is secret: say only that it is not JSON.
    throw new InvalidSecretError(`${label}: the secret value is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidSecretError(`${label}: the secret value must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function requiredString(raw: Record<string, unknown>, field: string, label: string): string {
  const value = raw[field];
  if (typeof value !== 'string' || value.length === 0) {
    // Never echo the value: for "password" that would be the secret itself.
    throw new InvalidSecretError(`${label}: field "${field}" must be a non-empty string`);
  }
  return value;
}

/** Describes a non-secret field's bad value for an error message. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}
