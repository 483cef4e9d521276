import { connectAsUser, readPending, type StepContext } from './context.js';
import { privilegeProblem } from './privilege-check.js';

/** testSecret: log in with AWSPENDING and prove the session holds the privileges the application needs. */
export async function testSecret(context: StepContext): Promise<void> {
  const pending = await readPending(context);
  const session = await connectAsUser(context, pending);
  let problem: string | undefined;
  try {
    problem = await privilegeProblem(session, pending);
  } finally {
    await session.close();
  }
  if (problem !== undefined) throw new Error(`testSecret: ${problem}`);
  context.logger.info('testSecret: pending credentials work', { username: pending.username });
}
