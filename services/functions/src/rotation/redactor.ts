const REDACTED = '[REDACTED]';

/**
 * Remembers every secret string one invocation has seen (passwords, password verifiers) and scrubs them from
 * any text on its way to a log line or an error. A second line of defence: the code never puts a secret in a
 * message on purpose, but a driver error may quote one (e.g. a syntax error "at or near" a literal).
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  remember(secret: string): void {
    // Very short strings would scrub ordinary words; generated and stored passwords are far longer.
    if (secret.length >= 8) this.secrets.add(secret);
  }

  scrub(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join(REDACTED);
    return result;
  }
}
