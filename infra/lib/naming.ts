import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const ENV_NAMES = new WeakMap<IConstruct, string>();

/** Records the environment name on the app (or stage) so `uniqueName` can include it. */
export function registerEnvironmentName(root: IConstruct, envName: string): void {
  ENV_NAMES.set(root.node.root, envName);
}

/** The environment name registered on the construct tree this scope belongs to. */
export function environmentName(scope: IConstruct): string {
  const name = ENV_NAMES.get(scope.node.root);
  if (name === undefined) {
    throw new Error(
      `no environment name registered for the app containing ${scope.node.path}; call registerEnvironmentName(app, env) first`,
    );
  }
  return name;
}

const MAX_LENGTH = 63;

/**
 * Name unique per environment, account and region: `tessera-<env>-<parts>-<account>-<region>`, lowercase.
 * Used for bucket names, log group names and named roles. Needs a stack with an explicit account and region.
 */
export function uniqueName(scope: IConstruct, ...parts: string[]): string {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    throw new Error(`uniqueName needs an explicit account and region on stack ${stack.stackName}`);
  }
  return uniqueNameIn(
    { envName: environmentName(scope), account: stack.account, region: stack.region },
    ...parts,
  );
}

/**
 * {@link uniqueName} for an account and region other than the scope's, e.g. a DR-region bucket named from the
 * primary region: both sides derive the same name from the config, so neither references the other.
 */
export function uniqueNameIn(
  where: { readonly envName: string; readonly account: string; readonly region: string },
  ...parts: string[]
): string {
  const name = ['tessera', where.envName, ...parts, where.account, where.region]
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  if (name.length > MAX_LENGTH) {
    throw new Error(`name '${name}' is ${name.length} characters; shorten the parts (max ${MAX_LENGTH})`);
  }
  return name;
}
