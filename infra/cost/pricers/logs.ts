import { DAYS_PER_MONTH } from '../prices.js';
import { UnpricedError, type Pricer, type PricingContext } from '../pricing.js';
import { arrayAt, numberAt, prop, stringAt } from '../template.js';
import { gbOf } from '../traffic/index.js';
import { wafRequests } from './edge.js';
import { lambdaInvocations } from './functions.js';

interface Writer {
  readonly gb: number;
  readonly note: string;
}

/** Who writes into a log group, found from what refers to it, and how much that is under the profile. */
function writer({ resource, env, profile }: PricingContext): Writer {
  const v = profile.volumes;
  const s = profile.shape;
  const from = (type: string) =>
    env.referrers(resource, type).filter((r) => env.pointsAt(r, r.properties, resource));
  const api = v.api.requestsPerMonth;
  if (from('AWS::EC2::FlowLog').length > 0) {
    return { gb: v.network.flowLogGb, note: 'VPC flow logs: the profile’s flow-log volume' };
  }
  const waf = from('AWS::WAFv2::LoggingConfiguration')[0];
  if (waf) {
    const acl = env.target(waf.stack, prop(waf.properties, 'ResourceArn'), 'AWS::WAFv2::WebACL');
    const inspects = acl ? wafRequests(env, acl, profile) : { requests: api, what: 'API' };
    return {
      gb: gbOf(inspects.requests, s.wafLogKbPerRequest),
      note: `WAF logs: ${inspects.what} requests × ${s.wafLogKbPerRequest} KiB`,
    };
  }
  const partner = v.partnerApi.requestsPerMonth;
  if (
    env
      .referrers(resource, 'AWS::ApiGateway::Stage')
      .some((st) => env.pointsAt(st, prop(st.properties, 'AccessLogSetting.DestinationArn'), resource))
  ) {
    return {
      gb: gbOf(partner, s.apiGatewayAccessLogKbPerRequest),
      note: `API Gateway access log: partner API requests × ${s.apiGatewayAccessLogKbPerRequest} KiB`,
    };
  }
  // API Gateway writes execution logs to API-Gateway-Execution-Logs_<api id>/<stage> by name.
  if (
    JSON.stringify(prop(resource.properties, 'LogGroupName') ?? '').includes('API-Gateway-Execution-Logs_')
  ) {
    return {
      gb: gbOf(partner, s.apiGatewayExecutionLogKbPerRequest),
      note: `API Gateway execution log (INFO, no data trace): partner API requests × ${s.apiGatewayExecutionLogKbPerRequest} KiB`,
    };
  }
  if (from('AWS::CloudTrail::Trail').length > 0) {
    return {
      gb: gbOf(v.security.managementEventsPerMonth, s.trailLogKbPerEvent),
      note: `CloudTrail copy: management events × ${s.trailLogKbPerEvent} KiB`,
    };
  }
  if (from('AWS::ECS::TaskDefinition').length + from('AWS::EC2::LaunchTemplate').length > 0) {
    return {
      gb: gbOf(api, s.appLogKbPerRequest),
      note: `payment API log: requests × ${s.appLogKbPerRequest} KiB`,
    };
  }
  // RDS writes exported logs to /aws/rds/cluster/<cluster identifier>/<log type> by name.
  const name = stringAt(resource.properties, 'LogGroupName');
  const exportedBy = env.ofType('AWS::RDS::DBCluster').find((c) => {
    const id = stringAt(c.properties, 'DBClusterIdentifier');
    const types = arrayAt(c.properties, 'EnableCloudwatchLogsExports');
    return id !== undefined && types.some((t) => name === `/aws/rds/cluster/${id}/${String(t)}`);
  });
  if (exportedBy) {
    return {
      gb: gbOf(api, s.databaseLogKbPerRequest),
      note: `PostgreSQL log (connections, pgaudit): requests × ${s.databaseLogKbPerRequest} KiB`,
    };
  }
  const fn = from('AWS::Lambda::Function')[0];
  if (fn) {
    const invocations = lambdaInvocations(env, fn, profile);
    return {
      gb: gbOf(invocations.perMonth, s.functionLogKbPerInvocation),
      note: `function log: ${invocations.perMonth.toFixed(1)} invocations × ${s.functionLogKbPerInvocation} KiB`,
    };
  }
  return {
    gb: v.logs.otherGbPerLogGroup,
    note: 'writer not recognised: the profile’s volume for other log groups',
  };
}

export const logGroup: Pricer = (ctx) => {
  const { resource, profile } = ctx;
  if (prop(resource.properties, 'DataProtectionPolicy') !== undefined) {
    throw new UnpricedError('log data protection (masking) is not priced');
  }
  const logClass = stringAt(resource.properties, 'LogGroupClass') ?? 'STANDARD';
  if (logClass !== 'STANDARD') throw new UnpricedError(`log class ${logClass} is not priced`);
  const w = writer(ctx);
  const retentionDays = numberAt(resource.properties, 'RetentionInDays');
  const months = Math.min(
    profile.monthsInOperation,
    (retentionDays ?? Number.POSITIVE_INFINITY) / DAYS_PER_MONTH,
  );
  return [
    { label: 'ingestion', item: 'logs.ingest.gb', quantity: w.gb, note: w.note },
    {
      label: 'archive storage',
      item: 'logs.storage.gbMonth',
      quantity: w.gb * months * profile.shape.logArchiveRatio,
      note: `${months.toFixed(1)} months of ingestion kept (retention ${retentionDays ?? 'never expires'} days, month ${profile.monthsInOperation}), compressed to ${profile.shape.logArchiveRatio}`,
    },
  ];
};
