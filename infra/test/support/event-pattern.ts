/**
 * An in-process EventBridge pattern matcher for the pattern forms Tessera's rules use, following the
 * EventBridge rules: every key of the pattern must match; a list of literals matches when the event's value (or
 * one element of an array value) equals one of them; an object recurses into the event's object; `$or` matches
 * when one of its sub-patterns does. Any other operator (prefix, anything-but, numeric, ...) throws, so a pattern
 * it does not understand can never pass silently.
 */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') {
      if (!Array.isArray(expected)) throw new Error('$or takes an array of patterns');
      return expected.some((p) => matchesEventPattern(p as Record<string, unknown>, record));
    }
    const actual = record[key];
    if (Array.isArray(expected)) return matchesValues(expected, actual);
    if (typeof expected === 'object' && expected !== null) {
      return matchesEventPattern(expected as Record<string, unknown>, actual);
    }
    throw new Error(
      `pattern key ${key}: expected a list of values or an object, got ${JSON.stringify(expected)}`,
    );
  });
}

function matchesValues(expected: unknown[], actual: unknown): boolean {
  for (const value of expected) {
    if (typeof value === 'object' && value !== null) {
      throw new Error(`unsupported pattern operator ${JSON.stringify(value)}`);
    }
  }
  const values = Array.isArray(actual) ? actual : [actual];
  return values.some((v) => v !== undefined && expected.includes(v));
}
