/**
 * CloudWatch Embedded Metric Format: a JSON log line whose `_aws` member tells CloudWatch Logs which of its
 * root members are metrics (and their units) and which are dimensions. CloudWatch extracts the metrics when
 * the line lands in a log group; writing it costs the process nothing but the log line.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

export type EmfUnit = 'Count' | 'Milliseconds';

/** One metric directive: metrics under one namespace, aggregated by each dimension set. */
export interface EmfDirective {
  readonly namespace: string;
  /** Each set lists root members that are dimensions; CloudWatch allows at most 30 per set. */
  readonly dimensionSets: readonly (readonly string[])[];
  readonly metrics: Readonly<Record<string, { readonly value: number; readonly unit: EmfUnit }>>;
}

const MAX_DIMENSIONS_PER_SET = 30;
const MAX_METRICS_PER_DIRECTIVE = 100;

/** The EMF record of `directives` with their dimension values, at `timestamp` (ms since the epoch). */
export function emfRecord(
  directives: readonly EmfDirective[],
  dimensions: Readonly<Record<string, string>>,
  timestamp: number,
): Record<string, unknown> {
  const record: Record<string, unknown> = { ...dimensions };
  for (const directive of directives) {
    const names = Object.keys(directive.metrics);
    if (names.length > MAX_METRICS_PER_DIRECTIVE) {
      throw new Error(
        `an EMF directive has at most ${MAX_METRICS_PER_DIRECTIVE} metrics, got ${names.length}`,
      );
    }
    for (const set of directive.dimensionSets) {
      if (set.length > MAX_DIMENSIONS_PER_SET) {
        throw new Error(
          `an EMF dimension set has at most ${MAX_DIMENSIONS_PER_SET} dimensions, got ${set.length}`,
        );
      }
      const missing = set.filter((d) => dimensions[d] === undefined);
      if (missing.length > 0) throw new Error(`EMF dimension(s) without a value: ${missing.join(', ')}`);
    }
    for (const [name, { value }] of Object.entries(directive.metrics)) record[name] = value;
  }
  record._aws = {
    Timestamp: timestamp,
    CloudWatchMetrics: directives.map((d) => ({
      Namespace: d.namespace,
      Dimensions: d.dimensionSets.map((set) => [...set]),
      Metrics: Object.entries(d.metrics).map(([Name, { unit }]) => ({ Name, Unit: unit })),
    })),
  };
  return record;
}
