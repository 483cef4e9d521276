import { alternateUsername, baseUsername, type DatabaseSecret } from './database-secret.js';
import type { DatabaseSession } from './database.js';
import { connectAs, readCurrent, readMaster, readPending, type StepContext } from './context.js';
import { alreadyInPlace } from './login-check.js';
import type { Redactor } from './redactor.js';
import { scramSha256Verifier } from './scram-verifier.js';

/**
 * setSecret: make the database accept the AWSPENDING credentials, logged in as the master user.
 *
 * Only the user that is NOT current is touched, so sessions and new logins with AWSCURRENT keep working.
 * The clone user is created on the first rotation as `CREATE ROLE <base>_clone LOGIN` plus
 * `GRANT <base> TO <base>_clone`: membership (with the default INHERIT) means the clone holds exactly the
 * privileges granted to the base user, now and in future, instead of a copy of today's grants that would drift
 * whenever a migration grants something new to the base user.
 */
export async function setSecret(context: StepContext): Promise<void> {
  const current = await readCurrent(context);
  const pending = await readPending(context);
  assertSameDatabase(current, pending);
  if (await alreadyInPlace(context, pending)) {
    context.logger.info('setSecret: pending credentials already work', { username: pending.username });
    return;
  }
  const master = await readMaster(context, current.masterarn);
  if (master.host !== undefined && master.host !== current.host) {
    throw new Error(
      `setSecret: the master secret is for host "${master.host}" but the secret being rotated is for "${current.host}"`,
    );
  }
  const session = await connectAs(context, current, master);
  try {
    await applyPassword(session, pending, context.redactor, context.iamToken !== undefined);
  } finally {
    await session.close();
  }
  context.logger.info('setSecret: password set in the database', { username: pending.username });
}

/**
 * Confused-deputy protection: the pending value must point at the same database, through the same master
 * secret, and name the partner of the current user — otherwise whoever can write AWSPENDING could make this
 * function change passwords of arbitrary roles or databases with the master's rights.
 */
function assertSameDatabase(current: DatabaseSecret, pending: DatabaseSecret): void {
  for (const field of ['host', 'port', 'dbname', 'masterarn'] as const) {
    if (current[field] !== pending[field]) {
      throw new Error(
        `setSecret: AWSPENDING field "${field}" (${String(pending[field])}) differs from AWSCURRENT (${String(current[field])})`,
      );
    }
  }
  if (pending.username !== alternateUsername(current.username)) {
    throw new Error(
      `setSecret: AWSPENDING user "${pending.username}" is not the alternate of the current user "${current.username}"`,
    );
  }
}

/** One transaction: the clone is never left half-created (role without membership or without password). */
async function applyPassword(
  session: DatabaseSession,
  pending: DatabaseSecret,
  redactor: Redactor,
  iamLogin: boolean,
): Promise<void> {
  const base = baseUsername(pending.username);
  const role = session.quoteIdentifier(pending.username);
  await session.query('BEGIN');
  try {
    if (!(await roleExists(session, base))) {
      throw new Error(`setSecret: base role "${base}" does not exist; create it (schema bootstrap) first`);
    }
    if (pending.username !== base) {
      if (!(await roleExists(session, pending.username))) {
        await session.query(`CREATE ROLE ${role} WITH LOGIN INHERIT`);
      }
      // Idempotent (a NOTICE if already a member); re-asserted each time so a revoked membership heals.
      await session.query(`GRANT ${session.quoteIdentifier(base)} TO ${role}`);
      // IAM logins (no proxy): the base role holds rds_iam from the bootstrap; granted directly as well so the
      // clone never depends on how RDS resolves nested membership.
      if (iamLogin) await session.query(`GRANT rds_iam TO ${role}`);
    }
    const verifier = scramSha256Verifier(pending.password);
    redactor.remember(verifier);
    await session.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD ${session.quoteLiteral(verifier)}`);
    await session.query('COMMIT');
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function roleExists(session: DatabaseSession, name: string): Promise<boolean> {
  const rows = await session.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [name]);
  return rows.length > 0;
}
