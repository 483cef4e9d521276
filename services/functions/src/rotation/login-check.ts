import type { DatabaseSecret } from './database-secret.js';
import { DatabaseError } from './database.js';
import { connectAs, type StepContext } from './context.js';

/** True when the credentials open a session and run a query; any failure (logged, scrubbed) means false. */
export async function canLogIn(context: StepContext, secret: DatabaseSecret): Promise<boolean> {
  try {
    const session = await connectAs(context, secret, secret);
    try {
      await session.query('SELECT 1');
    } finally {
      await session.close();
    }
    return true;
  } catch (error) {
    context.logger.info('login check failed', {
      username: secret.username,
      errorCode: error instanceof DatabaseError ? error.code : undefined,
    });
    return false;
  }
}
