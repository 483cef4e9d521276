import type { DatabaseSecret } from './database-secret.js';
import { DatabaseError } from './database.js';
import { connectAsUser, type StepContext } from './context.js';
import { privilegeProblem } from './privilege-check.js';

/**
 * True when the credentials log in AND hold the base user's privileges — then setSecret has nothing left to
 * do. Any failure (logged without secrets) means false, and setSecret does its work.
 */
export async function alreadyInPlace(context: StepContext, secret: DatabaseSecret): Promise<boolean> {
  try {
    const session = await connectAsUser(context, secret);
    try {
      return (await privilegeProblem(session, secret)) === undefined;
    } finally {
      await session.close();
    }
  } catch (error) {
    context.logger.info('pending credentials do not log in yet', {
      username: secret.username,
      errorCode: error instanceof DatabaseError ? error.code : undefined,
    });
    return false;
  }
}
