import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { MonitoringConfig } from '../../../config/monitoring.js';
import type { AlarmFactory, DashboardSection } from './alarm-factory.js';
import type {
  MonitoredResources,
  WatchedAutoScalingGroup,
  WatchedDatabase,
  WatchedEcsService,
  WatchedEksCluster,
  WatchedFunction,
  WatchedLoadBalancer,
  WatchedPaymentApi,
  WatchedQueue,
  WatchedRestApi,
  WatchedWebAcl,
} from './monitored-resources.js';
import { PAYMENT_METRICS, PAYMENT_METRICS_NAMESPACE } from './payment-metrics.js';

const Op = cloudwatch.ComparisonOperator;
const Missing = cloudwatch.TreatMissingData;
const GIB = 1024 ** 3;

export type Thresholds = Omit<MonitoringConfig, 'escalationEmails' | 'budget'>;
export type Graphs = Record<DashboardSection, cloudwatch.IWidget[]>;

const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
  new cloudwatch.GraphWidget({ title, left, right, width: 12, height: 6 });

/** Creates the alarms and graphs of every resource in `resources`. */
export function watch(f: AlarmFactory, resources: MonitoredResources, t: Thresholds, graphs: Graphs): void {
  for (const lb of resources.loadBalancers ?? []) watchLoadBalancer(f, lb, t, graphs);
  for (const service of resources.ecsServices ?? []) watchEcsService(f, service, t, graphs);
  for (const group of resources.autoScalingGroups ?? []) watchAutoScalingGroup(f, group, t, graphs);
  for (const cluster of resources.eksClusters ?? []) watchEksCluster(f, cluster, t, graphs);
  for (const db of resources.databases ?? []) watchDatabase(f, db, t, graphs);
  for (const fn of resources.functions ?? []) watchFunction(f, fn, graphs);
  for (const api of resources.restApis ?? []) watchRestApi(f, api, t, graphs);
  for (const acl of resources.webAcls ?? []) watchWebAcl(f, acl, t, graphs);
  for (const queue of resources.queues ?? []) watchQueue(f, queue, graphs);
  if (resources.paymentApi) watchPaymentApi(f, resources.paymentApi, t, graphs);
}

function watchLoadBalancer(f: AlarmFactory, w: WatchedLoadBalancer, t: Thresholds, g: Graphs): void {
  const { period } = f;
  const responseTime = w.targetGroup.metrics.targetResponseTime({ statistic: 'Average', period });
  const requests = w.targetGroup.metrics.requestCount({ statistic: 'Sum', period });
  const target5xx = w.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
    statistic: 'Sum',
    period,
  });
  const unhealthy = w.targetGroup.metrics.unhealthyHostCount({ statistic: 'Maximum', period });
  const rejected = w.loadBalancer.metrics.rejectedConnectionCount({ statistic: 'Sum', period });
  const errorRate = f.expression(
    `${w.label} target 5xx %`,
    'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)',
    { errors: target5xx, requests },
  );

  f.add({
    id: `${w.label}-TargetResponseTime`,
    metric: responseTime,
    threshold: t.loadBalancer.targetResponseTimeSeconds,
    comparison: Op.GREATER_THAN_THRESHOLD,
    // No requests, no response time: nothing is slow.
    treatMissingData: Missing.NOT_BREACHING,
    severity: 'warning',
    description: `Average ${w.label} target response time is above ${t.loadBalancer.targetResponseTimeSeconds} s.`,
    section: 'latency',
  });
  f.add({
    id: `${w.label}-UnhealthyHosts`,
    metric: unhealthy,
    threshold: 0,
    comparison: Op.GREATER_THAN_THRESHOLD,
    treatMissingData: Missing.NOT_BREACHING,
    severity: 'critical',
    runbook: 'unhealthy-targets',
    description: `At least one ${w.label} target fails its health check.`,
    section: 'errors',
  });
  f.add({
    id: `${w.label}-Target5xxRate`,
    metric: errorRate,
    threshold: t.loadBalancer.target5xxPercent,
    comparison: Op.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: Missing.NOT_BREACHING,
    severity: 'critical',
    runbook: 'target-5xx-rate',
    description: `${t.loadBalancer.target5xxPercent} % or more of ${w.label} requests get a 5xx from the targets.`,
    section: 'errors',
  });
  f.add({
    id: `${w.label}-RejectedConnections`,
    metric: rejected,
    threshold: 0,
    comparison: Op.GREATER_THAN_THRESHOLD,
    // ELB publishes the count only when it rejected something.
    treatMissingData: Missing.NOT_BREACHING,
    severity: 'warning',
    description: `The ${w.label} load balancer rejected connections (it reached its connection maximum).`,
    section: 'errors',
  });
  g.traffic.push(graph(`${w.label} requests`, [requests]));
  g.latency.push(
    graph(`${w.label} target response time`, [
      responseTime,
      w.targetGroup.metrics.targetResponseTime({ statistic: 'p99', period }),
    ]),
  );
  g.errors.push(graph(`${w.label} target 5xx and unhealthy hosts`, [errorRate], [unhealthy, rejected]));
}

function watchEcsService(f: AlarmFactory, w: WatchedEcsService, t: Thresholds, g: Graphs): void {
  const { period } = f;
  const cpu = w.service.metricCpuUtilization({ statistic: 'Average', period });
  const memory = w.service.metricMemoryUtilization({ statistic: 'Average', period });
  const insights = (metricName: string) =>
    f.metric({
      namespace: 'ECS/ContainerInsights',
      metricName,
      dimensionsMap: { ClusterName: w.clusterName, ServiceName: w.service.serviceName },
      statistic: 'Average',
    });
  const missingTasks = f.expression(`${w.label} tasks missing`, 'desired - running', {
    desired: insights('DesiredTaskCount'),
    running: insights('RunningTaskCount'),
  });
  for (const [name, metric, threshold] of [
    ['Cpu', cpu, t.compute.cpuPercent],
    ['Memory', memory, t.compute.memoryPercent],
  ] as const) {
    f.add({
      id: `${w.label}-${name}`,
      metric,
      threshold,
      comparison: Op.GREATER_THAN_THRESHOLD,
      // ECS publishes while tasks run; a missing task is the RunningBelowDesired alarm's.
      treatMissingData: Missing.MISSING,
      severity: 'warning',
      description: `${w.label} ${name === 'Cpu' ? 'CPU' : 'memory'} utilization is above ${threshold} %.`,
      section: 'traffic',
    });
  }
  f.add({
    id: `${w.label}-RunningBelowDesired`,
    metric: missingTasks,
    threshold: 1,
    comparison: Op.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // Container Insights falls silent when the service has nothing running: treat that as missing tasks.
    treatMissingData: Missing.BREACHING,
    severity: 'critical',
    runbook: 'running-below-desired',
    description: `${w.label} runs fewer tasks than it wants.`,
    section: 'errors',
  });
  g.traffic.push(graph(`${w.label} CPU and memory %`, [cpu, memory], [missingTasks]));
}

function watchAutoScalingGroup(f: AlarmFactory, w: WatchedAutoScalingGroup, t: Thresholds, g: Graphs): void {
  const dimensionsMap = { AutoScalingGroupName: w.autoScalingGroup.autoScalingGroupName };
  const cpu = f.metric({
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    dimensionsMap,
    statistic: 'Average',
  });
  // Group metrics the group collects (Ec2PaymentService turns them on).
  const group = (metricName: string) =>
    f.metric({ namespace: 'AWS/AutoScaling', metricName, dimensionsMap, statistic: 'Average' });
  const missingInstances = f.expression(`${w.label} instances missing`, 'desired - inService', {
    desired: group('GroupDesiredCapacity'),
    inService: group('GroupInServiceInstances'),
  });
  f.add({
    id: `${w.label}-Cpu`,
    metric: cpu,
    threshold: t.compute.cpuPercent,
    comparison: Op.GREATER_THAN_THRESHOLD,
    // Instances publish every minute; a gap (no instance) shows on the load balancer's unhealthy hosts.
    treatMissingData: Missing.MISSING,
    severity: 'warning',
    description: `${w.label} average CPU utilization is above ${t.compute.cpuPercent} %.`,
    section: 'traffic',
  });
  f.add({
    id: `${w.label}-RunningBelowDesired`,
    metric: missingInstances,
    threshold: 1,
    comparison: Op.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // Group metrics are published every minute while collection is on: a gap means collection broke.
    treatMissingData: Missing.BREACHING,
    severity: 'critical',
    runbook: 'running-below-desired',
    description: `${w.label} has fewer instances in service than it wants.`,
    section: 'errors',
  });
  g.traffic.push(graph(`${w.label} CPU %`, [cpu], [missingInstances]));
}

function watchEksCluster(f: AlarmFactory, w: WatchedEksCluster, t: Thresholds, g: Graphs): void {
  const insights = (metricName: string, statistic: string) =>
    f.metric({
      namespace: 'ContainerInsights',
      metricName,
      dimensionsMap: { ClusterName: w.clusterName },
      statistic,
    });
  const cpu = insights('node_cpu_utilization', 'Average');
  const memory = insights('node_memory_utilization', 'Average');
  const failedNodes = insights('cluster_failed_node_count', 'Maximum');
  for (const [name, metric, threshold] of [
    ['NodeCpu', cpu, t.compute.cpuPercent],
    ['NodeMemory', memory, t.compute.memoryPercent],
  ] as const) {
    f.add({
      id: `${w.label}-${name}`,
      metric,
      threshold,
      comparison: Op.GREATER_THAN_THRESHOLD,
      // The nodes publish while they run; no node at all is the FailedNodes and unhealthy-hosts alarms' case.
      treatMissingData: Missing.MISSING,
      severity: 'warning',
      description: `${w.label} average node ${name === 'NodeCpu' ? 'CPU' : 'memory'} utilization is above ${threshold} %.`,
      section: 'traffic',
    });
  }
  f.add({
    id: `${w.label}-FailedNodes`,
    metric: failedNodes,
    threshold: 1,
    comparison: Op.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // Container Insights falls silent when no agent runs: the cluster lost its nodes or its observability add-on.
    treatMissingData: Missing.BREACHING,
    severity: 'critical',
    runbook: 'running-below-desired',
    description: `${w.label} has worker nodes failing a node condition (or reports no nodes at all).`,
    section: 'errors',
  });
  g.traffic.push(graph(`${w.label} node CPU and memory %`, [cpu, memory], [failedNodes]));
}

function watchDatabase(f: AlarmFactory, w: WatchedDatabase, t: Thresholds, g: Graphs): void {
  const rds = (metricName: string, statistic: string, extra: Record<string, string> = {}) =>
    f.metric({
      namespace: 'AWS/RDS',
      metricName,
      dimensionsMap: { DBClusterIdentifier: w.clusterIdentifier, ...extra },
      statistic,
    });
  const cpu = rds('CPUUtilization', 'Maximum');
  const connections = rds('DatabaseConnections', 'Maximum');
  const freeLocal = rds('FreeLocalStorage', 'Minimum');
  const deadlocks = rds('Deadlocks', 'Maximum');
  const connectionLimit = Math.floor((w.maxConnections * t.database.connectionsPercentOfMax) / 100);

  f.add({
    id: `${w.label}-Cpu`,
    metric: cpu,
    threshold: t.database.cpuPercent,
    comparison: Op.GREATER_THAN_THRESHOLD,
    // RDS publishes every minute while an instance runs; keep the last state through a gap.
    treatMissingData: Missing.MISSING,
    severity: 'warning',
    description: `The busiest ${w.label} instance's CPU is above ${t.database.cpuPercent} %.`,
    section: 'database',
  });
  f.add({
    id: `${w.label}-Connections`,
    metric: connections,
    threshold: connectionLimit,
    comparison: Op.GREATER_THAN_THRESHOLD,
    treatMissingData: Missing.MISSING,
    severity: 'critical',
    runbook: 'database-connections',
    description:
      `A ${w.label} instance holds more than ${connectionLimit} connections ` +
      `(${t.database.connectionsPercentOfMax} % of its max_connections ${w.maxConnections}).`,
    section: 'database',
  });
  f.add({
    id: `${w.label}-FreeLocalStorage`,
    metric: freeLocal,
    threshold: t.database.freeLocalStorageGiB * GIB,
    comparison: Op.LESS_THAN_THRESHOLD,
    treatMissingData: Missing.MISSING,
    severity: 'critical',
    runbook: 'database-local-storage',
    description: `A ${w.label} instance has less than ${t.database.freeLocalStorageGiB} GiB of local storage left.`,
    section: 'database',
  });
  f.add({
    id: `${w.label}-Deadlocks`,
    metric: deadlocks,
    threshold: 0,
    comparison: Op.GREATER_THAN_THRESHOLD,
    // No deadlock, no datapoint worth alarming on.
    treatMissingData: Missing.NOT_BREACHING,
    severity: 'warning',
    description: `PostgreSQL on ${w.label} resolved deadlocks (a transaction was rolled back).`,
    section: 'database',
  });
  const lagged: cloudwatch.IMetric[] = [];
  if (w.readers > 0) {
    const lag = rds('AuroraReplicaLag', 'Maximum', { Role: 'READER' });
    lagged.push(lag);
    f.add({
      id: `${w.label}-ReplicaLag`,
      metric: lag,
      threshold: t.database.replicaLagSeconds * 1000,
      comparison: Op.GREATER_THAN_THRESHOLD,
      // During a failover no reader reports; that is the failover's event, not lag.
      treatMissingData: Missing.NOT_BREACHING,
      severity: 'warning',
      description: `A ${w.label} reader lags the writer by more than ${t.database.replicaLagSeconds} s.`,
      section: 'database',
    });
  }
  const proxy: cloudwatch.IMetric[] = [];
  if (w.proxyName) {
    const clients = f.metric({
      namespace: 'AWS/RDS',
      metricName: 'ClientConnections',
      dimensionsMap: { ProxyName: w.proxyName },
      statistic: 'Maximum',
    });
    proxy.push(clients);
    f.add({
      id: `${w.label}-ProxyClientConnections`,
      metric: clients,
      threshold: t.database.proxyClientConnections,
      comparison: Op.GREATER_THAN_THRESHOLD,
      // The proxy publishes only while clients are connected.
      treatMissingData: Missing.NOT_BREACHING,
      severity: 'warning',
      description: `RDS Proxy ${w.proxyName} holds more than ${t.database.proxyClientConnections} client connections.`,
      section: 'database',
    });
  }
  g.database.push(
    graph(`${w.label} CPU % and connections`, [cpu], [connections, ...proxy]),
    graph(`${w.label} free local storage, deadlocks, replica lag`, [freeLocal], [deadlocks, ...lagged]),
  );
}

function watchFunction(f: AlarmFactory, w: WatchedFunction, g: Graphs): void {
  const errors = w.function.metricErrors({ statistic: 'Sum', period: f.period });
  const throttles = w.function.metricThrottles({ statistic: 'Sum', period: f.period });
  for (const [name, metric] of [
    ['Errors', errors],
    ['Throttles', throttles],
  ] as const) {
    f.add({
      id: `${w.label}-${name}`,
      metric,
      threshold: 1,
      comparison: Op.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // Lambda publishes only when the function runs.
      treatMissingData: Missing.NOT_BREACHING,
      severity: 'warning',
      description: `The ${w.label} function ${name === 'Errors' ? 'failed' : 'was throttled'}.`,
      section: 'errors',
      evaluationPeriods: 1,
    });
  }
  g.errors.push(graph(`${w.label} function errors and throttles`, [errors, throttles]));
}

function watchRestApi(f: AlarmFactory, w: WatchedRestApi, t: Thresholds, g: Graphs): void {
  const stage = w.api.deploymentStage;
  // 5XXError and 4XXError are 0 or 1 per request: their average is the error rate.
  const server = stage.metricServerError({ statistic: 'Average', period: f.period });
  const client = stage.metricClientError({ statistic: 'Average', period: f.period });
  const latency = stage.metricLatency({ statistic: 'p99', period: f.period });
  const rates = [
    ['ServerErrorRate', server, t.api.serverErrorPercent, '5xx'],
    ['ClientErrorRate', client, t.api.clientErrorPercent, '4xx'],
  ] as const;
  for (const [name, metric, percent, kind] of rates) {
    f.add({
      id: `${w.label}-${name}`,
      metric,
      threshold: percent / 100,
      comparison: Op.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: Missing.NOT_BREACHING,
      severity: 'warning',
      description: `${percent} % or more of ${w.label} requests answer ${kind}.`,
      section: 'errors',
    });
  }
  f.add({
    id: `${w.label}-LatencyP99`,
    metric: latency,
    threshold: t.api.latencyP99Milliseconds,
    comparison: Op.GREATER_THAN_THRESHOLD,
    treatMissingData: Missing.NOT_BREACHING,
    severity: 'warning',
    description: `${w.label} p99 latency is above ${t.api.latencyP99Milliseconds} ms.`,
    section: 'latency',
  });
  g.traffic.push(graph(`${w.label} requests`, [stage.metricCount({ statistic: 'Sum', period: f.period })]));
  g.latency.push(graph(`${w.label} p99 latency`, [latency]));
  g.errors.push(graph(`${w.label} 5xx / 4xx rate`, [server, client]));
}

function watchWebAcl(f: AlarmFactory, w: WatchedWebAcl, t: Thresholds, g: Graphs): void {
  const blocked = f.metric({
    namespace: 'AWS/WAFV2',
    metricName: 'BlockedRequests',
    dimensionsMap: { WebACL: w.metricName, Rule: 'ALL', Region: Stack.of(f).region },
    statistic: 'Sum',
  });
  f.add({
    id: `${w.label}-BlockedRequests`,
    metric: blocked,
    threshold: t.wafBlockedRequests,
    comparison: Op.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // WAF publishes BlockedRequests only when it blocked something.
    treatMissingData: Missing.NOT_BREACHING,
    severity: 'warning',
    description: `The ${w.label} web ACL blocked ${t.wafBlockedRequests} requests or more in one period (an attack or a broken client).`,
    section: 'security',
  });
  g.security.push(graph(`${w.label} blocked requests`, [blocked]));
}

function watchQueue(f: AlarmFactory, w: WatchedQueue, g: Graphs): void {
  const age = w.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: f.period });
  f.add({
    id: `${w.label}-OldestMessageAge`,
    metric: age,
    threshold: w.maxAgeSeconds,
    comparison: Op.GREATER_THAN_THRESHOLD,
    // SQS stops publishing for a queue idle for hours: an idle queue has no backlog.
    treatMissingData: Missing.NOT_BREACHING,
    severity: 'warning',
    description: `The oldest ${w.label} message waits longer than ${w.maxAgeSeconds} s (consumers are behind or failing).`,
    section: 'queue',
  });
  const depth: cloudwatch.IMetric[] = [];
  if (w.deadLetterQueue) {
    const dlq = w.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: f.period,
    });
    depth.push(dlq);
    f.add({
      id: `${w.label}-DeadLetters`,
      metric: dlq,
      threshold: 0,
      comparison: Op.GREATER_THAN_THRESHOLD,
      treatMissingData: Missing.NOT_BREACHING,
      severity: 'critical',
      runbook: 'dead-letter-queue',
      description: `Messages of ${w.label} failed every retry and wait in its dead-letter queue.`,
      section: 'queue',
      evaluationPeriods: 1,
    });
  }
  g.queue.push(graph(`${w.label} oldest message age and dead letters`, [age], depth));
}

function watchPaymentApi(f: AlarmFactory, w: WatchedPaymentApi, t: Thresholds, g: Graphs): void {
  const emf = (metricName: string, statistic = 'Sum') =>
    f.metric({
      namespace: PAYMENT_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { Environment: w.environment },
      statistic,
    });
  const succeeded = emf(PAYMENT_METRICS.succeeded);
  const declined = emf(PAYMENT_METRICS.declined);
  const requests = emf(PAYMENT_METRICS.requests);
  const serverErrors = emf(PAYMENT_METRICS.serverErrors);
  const minimum = t.payments.minimumVolume;
  const declineRate = f.expression(
    'decline %',
    `IF(FILL(ok, 0) + FILL(declined, 0) >= ${minimum}, 100 * FILL(declined, 0) / (FILL(ok, 0) + FILL(declined, 0)), 0)`,
    { ok: succeeded, declined },
  );
  const errorRate = f.expression(
    'payment API 5xx %',
    `IF(FILL(requests, 0) >= ${minimum}, 100 * FILL(errors, 0) / requests, 0)`,
    { requests, errors: serverErrors },
  );
  f.add({
    id: 'Payments-DeclineRate',
    metric: declineRate,
    threshold: t.payments.declineRatePercent,
    comparison: Op.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // No payments, no decline rate.
    treatMissingData: Missing.NOT_BREACHING,
    severity: 'warning',
    description:
      `${t.payments.declineRatePercent} % or more of at least ${minimum} authorizations in a period were declined ` +
      '(an acquirer or issuer problem, or card testing).',
    section: 'traffic',
  });
  f.add({
    id: 'Payments-ErrorRate',
    metric: errorRate,
    threshold: t.payments.errorRatePercent,
    comparison: Op.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: Missing.NOT_BREACHING,
    severity: 'critical',
    runbook: 'payment-error-rate',
    description: `${t.payments.errorRatePercent} % or more of at least ${minimum} payment API responses in a period were 5xx.`,
    section: 'errors',
  });
  g.traffic.push(
    graph(
      'Payments: succeeded, declined, refunds, idempotent replays',
      [succeeded, declined, emf(PAYMENT_METRICS.refunds), emf(PAYMENT_METRICS.idempotentReplays)],
      [declineRate],
    ),
  );
  g.latency.push(
    graph('Payments: authorization latency (ms)', [
      emf(PAYMENT_METRICS.authorizationLatency, 'p50'),
      emf(PAYMENT_METRICS.authorizationLatency, 'p99'),
    ]),
  );
  g.errors.push(graph('Payment API 5xx %', [errorRate], [serverErrors]));
}
