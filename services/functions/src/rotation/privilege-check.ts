import { baseUsername, type DatabaseSecret } from './database-secret.js';
import type { DatabaseSession } from './database.js';

/**
 * Proves a session is the expected user and holds the base user's privileges (for the clone: through its
 * membership in the base role). Returns the problem, or undefined when all is well.
 */
export async function privilegeProblem(
  session: DatabaseSession,
  secret: DatabaseSecret,
): Promise<string | undefined> {
  const base = baseUsername(secret.username);
  const rows = await session.query(
    `SELECT current_user AS username,
            pg_catalog.pg_has_role(current_user, $1, 'USAGE') AS has_base_privileges,
            pg_catalog.has_database_privilege(current_database(), 'CONNECT') AS can_connect`,
    [base],
  );
  const row = rows[0];
  if (row?.['username'] !== secret.username) {
    return `logged in as "${String(row?.['username'])}", expected "${secret.username}"`;
  }
  if (row['has_base_privileges'] !== true)
    return `"${secret.username}" does not hold the privileges of "${base}"`;
  if (row['can_connect'] !== true) return `"${secret.username}" lacks CONNECT on database "${secret.dbname}"`;
  return undefined;
}
