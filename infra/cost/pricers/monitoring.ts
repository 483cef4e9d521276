import type { Pricer } from '../pricing.js';
import { arrayAt, numberAt, prop } from '../template.js';

/** A metric alarm bills each metric it reads; a period under 60 s is high resolution. */
export const alarm: Pricer = ({ resource }) => {
  const metrics = arrayAt(resource.properties, 'Metrics');
  const read = metrics.length > 0 ? metrics.filter((m) => prop(m, 'MetricStat') !== undefined).length : 1;
  const periods =
    metrics.length > 0
      ? metrics.map((m) => numberAt(m, 'MetricStat.Period') ?? 60)
      : [numberAt(resource.properties, 'Period') ?? 60];
  const highResolution = periods.some((p) => p < 60);
  return [
    {
      label: highResolution ? 'high-resolution alarm metrics' : 'alarm metrics',
      item: highResolution ? 'cloudwatch.highResolutionAlarmMonth' : 'cloudwatch.alarmMonth',
      quantity: read,
      note: `${read} metric(s) read`,
    },
  ];
};

export const dashboard: Pricer = () => [
  { label: 'dashboard', item: 'cloudwatch.dashboardMonth', quantity: 1, note: 'one custom dashboard' },
];

/** A metric filter publishes one custom metric (no dimensions here), billed as a metric-month once it reports. */
export const metricFilter: Pricer = ({ resource }) => {
  const transformations = arrayAt(resource.properties, 'MetricTransformations');
  const metrics = Math.max(transformations.length, 1);
  return [
    {
      label: 'custom metrics',
      item: 'cloudwatch.metricMonth',
      quantity: metrics,
      note: `${metrics} custom metric(s) published by the filter (counted as reporting all month)`,
    },
  ];
};
