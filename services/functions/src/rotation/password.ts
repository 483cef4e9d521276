import type { StepContext } from './context.js';

export const PASSWORD_LENGTH = 32;
/**
 * Characters left out of generated passwords because they break PostgreSQL connection strings/URIs
 * (`@ : / ? # [ ] % & = + ;`), quoting in shells, JSON or SQL (`" ' \` $`), or key=value DSNs (space).
 */
export const EXCLUDED_PASSWORD_CHARACTERS = ' "\'\\/@:?#[]%&=+;,<>{}|^`~$';

/** A strong password from Secrets Manager's generator, checked before it is used. */
export async function generatePassword(context: StepContext): Promise<string> {
  const password = await context.secrets.getRandomPassword({
    passwordLength: PASSWORD_LENGTH,
    excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
    includeSpace: false,
    requireEachIncludedType: true,
  });
  context.redactor.remember(password);
  const usable =
    password.length === PASSWORD_LENGTH &&
    /^[\x21-\x7e]+$/.test(password) &&
    ![...password].some((c) => EXCLUDED_PASSWORD_CHARACTERS.includes(c));
  if (!usable) throw new Error('GetRandomPassword returned a password that violates the requested policy');
  return password;
}
