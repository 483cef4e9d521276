import { baseUsername } from './database-secret.js';
import { connectAs, readPending, type StepContext } from './context.js';

/**
 * testSecret: log in with AWSPENDING and prove the session is the expected user and holds the base user's
 * privileges (for the clone: through its membership in the base role).
 */
export async function testSecret(context: StepContext): Promise<void> {
  const pending = await readPending(context);
  const session = await connectAs(context, pending, pending);
  try {
    const rows = await session.query(
      `SELECT current_user AS username,
              pg_catalog.pg_has_role(current_user, $1, 'USAGE') AS has_base_privileges,
              pg_catalog.has_database_privilege(current_database(), 'CONNECT') AS can_connect`,
      [baseUsername(pending.username)],
    );
    const row = rows[0];
    if (row?.['username'] !== pending.username) {
      throw new Error(
        `testSecret: logged in as "${String(row?.['username'])}", expected "${pending.username}"`,
      );
    }
    if (row['has_base_privileges'] !== true) {
      throw new Error(
        `testSecret: "${pending.username}" does not hold the privileges of "${baseUsername(pending.username)}"`,
      );
    }
    if (row['can_connect'] !== true) {
      throw new Error(`testSecret: "${pending.username}" lacks CONNECT on database "${pending.dbname}"`);
    }
  } finally {
    await session.close();
  }
  context.logger.info('testSecret: pending credentials work', { username: pending.username });
}
