import {
  CLONE_SUFFIX,
  POSTGRES_IDENTIFIER_PATTERN,
  POSTGRES_MAX_IDENTIFIER_LENGTH,
  POSTGRES_ROLE_NAME_PATTERN,
} from '../../../config/primitives.js';

export const POSTGRES_PORT = 5432;

/** The second login the rotation alternates a base role with (ADR 0002). */
export function cloneOf(role: string): string {
  return `${role}${CLONE_SUFFIX}`;
}

/** Throws unless `name` is a plain lowercase identifier PostgreSQL accepts unquoted (`what` names it). */
export function assertIdentifier(what: string, name: string): void {
  if (!POSTGRES_IDENTIFIER_PATTERN.test(name)) {
    throw new Error(
      `${what} "${name}" must be 1-${POSTGRES_MAX_IDENTIFIER_LENGTH} lowercase letters, digits or underscores, starting with a letter`,
    );
  }
}

/**
 * Throws unless `name` is a base role name whose clone still fits PostgreSQL's identifier limit. Names are
 * written into SQL and into IAM `rds-db:connect` ARNs, so only plain lowercase identifiers pass.
 */
export function assertRoleName(what: string, name: string): void {
  if (!POSTGRES_ROLE_NAME_PATTERN.test(name)) {
    throw new Error(
      `${what} "${name}" must be 1-${POSTGRES_MAX_IDENTIFIER_LENGTH - CLONE_SUFFIX.length} lowercase letters, digits or underscores, starting with a letter (the rotation adds "${CLONE_SUFFIX}")`,
    );
  }
}
