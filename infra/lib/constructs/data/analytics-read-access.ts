import { assertIdentifier, assertRoleName } from './postgres.js';

/** A table analytics may read: every column, or only the listed ones. */
export interface ReadableTable {
  readonly table: string;
  /** @default - every column */
  readonly columns?: readonly string[];
}

/**
 * The payment API's tables and what the analytics read role gets of each (ADR 0037). Tables that hold card
 * data or secrets (the vault, API keys, idempotent request bodies, audit payloads, the outbox) are absent, so
 * the role has no privilege on them; `payment_intents` and `refunds` are readable without their free-text and
 * secret columns (client_secret, description, metadata, last_payment_error, reason); `customers` and
 * `setup_intents` without personal data, client secrets and free text.
 */
export const ANALYTICS_READABLE_TABLES: readonly ReadableTable[] = [
  { table: 'merchants' },
  {
    table: 'payment_intents',
    columns: [
      'id',
      'merchant_id',
      'amount',
      'currency',
      'status',
      'capture_method',
      'payment_method_id',
      'amount_capturable',
      'amount_received',
      'amount_refunded',
      'cancellation_reason',
      'canceled_at',
      'created_at',
      'updated_at',
    ],
  },
  {
    table: 'refunds',
    columns: ['id', 'merchant_id', 'payment_intent_id', 'amount', 'currency', 'status', 'created_at'],
  },
  // Customers: identifiers and lifecycle only, none of the personal data (email, name, phone, address).
  { table: 'customers', columns: ['id', 'merchant_id', 'deleted_at', 'created_at'] },
  {
    table: 'setup_intents',
    columns: [
      'id',
      'merchant_id',
      'status',
      'usage',
      'customer_id',
      'payment_method_id',
      'cancellation_reason',
      'created_at',
    ],
  },
  { table: 'ledger_accounts' },
  { table: 'ledger_transactions' },
  { table: 'ledger_postings' },
  { table: 'ledger_balances' },
  // settlement (migration 012): runs' totals and which balance transactions each settled; no card data
  { table: 'settlement_runs' },
  { table: 'settlement_transactions' },
];

/** Tables that hold cardholder data, sensitive authentication data or secrets: never readable by analytics. */
export const VAULT_TABLES: readonly string[] = [
  'payment_methods',
  'payment_method_cvcs',
  'card_tokens',
  'api_keys',
  'idempotency_keys',
  'audit_log',
  'audit_chain',
  'audit_chain_heads',
  'audit_unsealed',
  'outbox',
  // event bodies carry whole objects (customers' e-mail addresses, names, billing details)
  'events',
  // signing secrets (sealed), merchants' endpoint URLs, the events they were sent and receivers' responses
  'webhook_endpoints',
  'webhook_deliveries',
  'webhook_attempts',
];

/**
 * The analytics read role before its first rotation: NOLOGIN, no password (the rotation gives it and its clone
 * their logins), CONNECT on the database and USAGE on the public schema, and no table privilege yet
 * ({@link readerGrantsSql} adds those once the payment API's migrations have created the tables). Idempotent.
 */
export function readerRoleSql(reader: string): string {
  assertRoleName('analytics read role', reader);
  return [
    'DO $reader$ BEGIN',
    `IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '${reader}') THEN`,
    `CREATE ROLE ${reader} NOLOGIN;`,
    'END IF;',
    `EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${reader}', current_database());`,
    `GRANT USAGE ON SCHEMA public TO ${reader};`,
    'END $reader$',
  ].join(' ');
}

/**
 * SELECT for `reader` on the tables (and columns) of `tables` that exist, granted as `owner` (the payment API's
 * base role, which owns them: the master user makes itself a member first, as the role's creator may), and an
 * explicit REVOKE of everything on every vault table. Idempotent; a table not yet created is skipped.
 */
export function readerGrantsSql(
  owner: string,
  reader: string,
  tables: readonly ReadableTable[] = ANALYTICS_READABLE_TABLES,
): string {
  assertRoleName('payment API owner role', owner);
  assertRoleName('analytics read role', reader);
  for (const { table, columns } of tables) {
    assertIdentifier('analytics readable table', table);
    columns?.forEach((column) => assertIdentifier(`analytics readable column of ${table}`, column));
  }
  for (const table of VAULT_TABLES) assertIdentifier('vault table', table);
  const grants = tables.map(({ table, columns }) => {
    const what = columns ? `SELECT (${columns.join(', ')})` : 'SELECT';
    return `IF to_regclass('public.${table}') IS NOT NULL THEN GRANT ${what} ON public.${table} TO ${reader}; END IF;`;
  });
  const revokes = VAULT_TABLES.map(
    (table) =>
      `IF to_regclass('public.${table}') IS NOT NULL THEN REVOKE ALL ON public.${table} FROM ${reader}; END IF;`,
  );
  return [
    'DO $grants$ BEGIN',
    `EXECUTE format('GRANT ${owner} TO %I', current_user);`,
    `SET LOCAL ROLE ${owner};`,
    ...grants,
    ...revokes,
    'RESET ROLE;',
    'END $grants$',
  ].join(' ');
}

/** Takes back every table privilege of `reader` (as `owner`): the undo of {@link readerGrantsSql}. */
export function readerRevokeSql(owner: string, reader: string): string {
  assertRoleName('payment API owner role', owner);
  assertRoleName('analytics read role', reader);
  return [
    'DO $revoke$ BEGIN',
    `EXECUTE format('GRANT ${owner} TO %I', current_user);`,
    `SET LOCAL ROLE ${owner};`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${reader};`,
    'RESET ROLE;',
    'END $revoke$',
  ].join(' ');
}
