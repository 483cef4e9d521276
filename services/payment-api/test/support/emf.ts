/** One datapoint CloudWatch would extract from an Embedded Metric Format line. */
export interface EmfDatapoint {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly timestamp: number;
}

const UNITS = new Set(['Count', 'Milliseconds', 'Seconds', 'Bytes', 'Percent', 'None']);

/**
 * Reads a log line as CloudWatch Logs would (EMF specification): not JSON or no `_aws` → no metrics; a malformed
 * directive, a dimension without a string value or a metric without a numeric value → an error (CloudWatch would
 * drop the metrics of that line).
 */
export function parseEmf(line: string): EmfDatapoint[] {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return [];
  }
  const aws = record._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (aws === undefined) return [];
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp)) {
    throw new Error(`_aws.Timestamp must be epoch milliseconds: ${line}`);
  }
  if (!Array.isArray(aws.CloudWatchMetrics))
    throw new Error(`_aws.CloudWatchMetrics must be an array: ${line}`);
  const points: EmfDatapoint[] = [];
  for (const directive of aws.CloudWatchMetrics as Record<string, unknown>[]) {
    const { Namespace, Dimensions, Metrics } = directive;
    if (typeof Namespace !== 'string' || Namespace === '')
      throw new Error(`directive without Namespace: ${line}`);
    if (!Array.isArray(Dimensions) || !Array.isArray(Metrics)) throw new Error(`directive shape: ${line}`);
    for (const metric of Metrics as { Name?: unknown; Unit?: unknown }[]) {
      const value = typeof metric.Name === 'string' ? record[metric.Name] : undefined;
      if (typeof value !== 'number')
        throw new Error(`metric ${String(metric.Name)} has no numeric value: ${line}`);
      if (metric.Unit !== undefined && !UNITS.has(String(metric.Unit)))
        throw new Error(`unit ${String(metric.Unit)}`);
      for (const set of Dimensions as unknown[][]) {
        const dimensions: Record<string, string> = {};
        for (const name of set) {
          const dim = record[String(name)];
          if (typeof dim !== 'string')
            throw new Error(`dimension ${String(name)} has no string value: ${line}`);
          dimensions[String(name)] = dim;
        }
        points.push({
          namespace: Namespace,
          name: metric.Name as string,
          unit: String(metric.Unit ?? 'None'),
          value,
          dimensions,
          timestamp: aws.Timestamp,
        });
      }
    }
  }
  return points;
}

/** The sum of `name` over the datapoints whose dimensions are exactly `dimensions`. */
export function sumOf(
  points: readonly EmfDatapoint[],
  name: string,
  dimensions: Readonly<Record<string, string>>,
): number {
  const key = JSON.stringify(Object.entries(dimensions).sort());
  return points
    .filter((p) => p.name === name && JSON.stringify(Object.entries(p.dimensions).sort()) === key)
    .reduce((total, p) => total + p.value, 0);
}
