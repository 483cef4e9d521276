import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/** A load balancer and the target group behind it. */
export interface WatchedLoadBalancer {
  readonly label: string;
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly targetGroup: elbv2.IApplicationTargetGroup;
}

/** An ECS service in a cluster with Container Insights (its running and desired task counts). */
export interface WatchedEcsService {
  readonly label: string;
  readonly service: ecs.FargateService | ecs.Ec2Service;
  readonly clusterName: string;
}

/** An EC2 Auto Scaling group. */
export interface WatchedAutoScalingGroup {
  readonly label: string;
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
}

/** An EKS cluster whose nodes report to Container Insights (the CloudWatch Observability add-on). */
export interface WatchedEksCluster {
  readonly label: string;
  readonly clusterName: string;
}

/** An Aurora PostgreSQL cluster and the proxy in front of it. */
export interface WatchedDatabase {
  readonly label: string;
  readonly clusterIdentifier: string;
  /** The instances' default `max_connections` (see {@link auroraPostgresMaxConnections}). */
  readonly maxConnections: number;
  /** Reader instances; replica lag is watched only when there is one. */
  readonly readers: number;
  readonly proxyName?: string;
}

/** A Lambda function the platform runs (not a CDK deploy-time provider). */
export interface WatchedFunction {
  readonly label: string;
  readonly function: lambda.IFunction;
}

/** A REST API stage. */
export interface WatchedRestApi {
  readonly label: string;
  readonly api: apigateway.RestApi;
}

/** A regional web ACL, by the metric name of its visibility config (the `WebACL` dimension of AWS/WAFV2). */
export interface WatchedWebAcl {
  readonly label: string;
  readonly metricName: string;
}

/** A work queue and its dead-letter queue. */
export interface WatchedQueue {
  readonly label: string;
  readonly queue: sqs.IQueue;
  /** Alarm when the oldest message waits longer than this many seconds. */
  readonly maxAgeSeconds: number;
  readonly deadLetterQueue?: sqs.IQueue;
}

/** The payment API's log group, where its Embedded Metric Format lines land. */
export interface WatchedPaymentApi {
  readonly logGroup: logs.ILogGroup;
  /** The `Environment` dimension the service writes (`METRICS_ENVIRONMENT`). */
  readonly environment: string;
}

/**
 * What a stack asks the Monitoring stack to watch. Each stack exposes one as `monitoring`; the Monitoring stack
 * takes a list of them and reads from them only (ADR 0018, ADR 0039): a new stack adds its own and one entry.
 */
export interface MonitoredResources {
  readonly loadBalancers?: readonly WatchedLoadBalancer[];
  readonly ecsServices?: readonly WatchedEcsService[];
  readonly autoScalingGroups?: readonly WatchedAutoScalingGroup[];
  readonly eksClusters?: readonly WatchedEksCluster[];
  readonly databases?: readonly WatchedDatabase[];
  readonly functions?: readonly WatchedFunction[];
  readonly restApis?: readonly WatchedRestApi[];
  readonly webAcls?: readonly WatchedWebAcl[];
  readonly queues?: readonly WatchedQueue[];
  readonly paymentApi?: WatchedPaymentApi;
}
