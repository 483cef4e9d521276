/** One problem found in the configuration: where, what was given, and what is allowed. */
export interface ConfigIssue {
  readonly field: string;
  readonly value: unknown;
  readonly problem: string;
}

/** Thrown when the environment configuration is invalid; the message lists every issue. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      [
        `invalid tessera configuration (${source}):`,
        ...issues.map((i) => `  - ${i.field}: ${describeValue(i.value)} ${i.problem}`),
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'is missing;';
  return `got ${JSON.stringify(value)};`;
}
