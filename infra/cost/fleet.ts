/**
 * What runs, on average, in a month: tasks, instances, vCPUs, ACUs. Compute pricers and the services that bill per
 * vCPU (GuardDuty, RDS Proxy, Container Insights) read the same numbers from here.
 */
import { dbVcpus, ec2Vcpus } from './instance-types.js';
import { HOURS_PER_MONTH } from './prices.js';
import { UnpricedError } from './pricing.js';
import { averageOverYear, parseSchedule, type CapacityChange } from './schedule.js';
import { arrayAt, numberAt, prop, stringAt, type EnvironmentModel, type Resource } from './template.js';
import type { TrafficProfile } from './traffic/index.js';

const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;

/** API requests a minute, assuming the month's requests arrive evenly. */
function apiRequestsPerMinute(profile: TrafficProfile): number {
  return profile.volumes.api.requestsPerMonth / MINUTES_PER_MONTH;
}

/**
 * Average capacity of a scaled group: target tracking holds it at the scheduled minimum when idle; with traffic,
 * a request-count policy needs ceil(requests a minute ÷ target) — every API request reaches this group.
 */
function averageCapacity(
  initial: { min: number; max: number },
  changes: readonly CapacityChange[],
  requestsPerTarget: number | undefined,
  profile: TrafficProfile,
): number {
  const rpm = apiRequestsPerMinute(profile);
  const needed = requestsPerTarget !== undefined && rpm > 0 ? Math.ceil(rpm / requestsPerTarget) : 0;
  return averageOverYear(initial, changes, (b) => Math.min(b.max, Math.max(b.min, needed)));
}

/** TargetValue of the ALB request-count target-tracking policy among `policies`, read under `configKey`. */
function requestsPerTarget(policies: readonly Resource[], configKey: string): number | undefined {
  const policy = policies.find(
    (p) =>
      stringAt(p.properties, `${configKey}.PredefinedMetricSpecification.PredefinedMetricType`) ===
      'ALBRequestCountPerTarget',
  );
  return policy ? numberAt(policy.properties, `${configKey}.TargetValue`) : undefined;
}

export interface FargateTaskSize {
  readonly vcpu: number;
  readonly memoryGb: number;
  readonly architecture: 'arm64' | 'x86';
  /** Ephemeral storage above the included 20 GB. */
  readonly extraEphemeralGb: number;
}

export function isFargateService(service: Resource): boolean {
  const launchType = stringAt(service.properties, 'LaunchType');
  const providers = arrayAt(service.properties, 'CapacityProviderStrategy').map((p) =>
    stringAt(p, 'CapacityProvider'),
  );
  if (providers.includes('FARGATE_SPOT')) {
    throw new UnpricedError('Fargate Spot capacity is not in the price table');
  }
  return launchType === 'FARGATE' || providers.includes('FARGATE');
}

export function fargateTaskSize(env: EnvironmentModel, service: Resource): FargateTaskSize {
  const task = env.target(
    service.stack,
    prop(service.properties, 'TaskDefinition'),
    'AWS::ECS::TaskDefinition',
  );
  if (!task) throw new UnpricedError('its task definition is not in the templates');
  const cpu = numberAt(task.properties, 'Cpu');
  const memory = numberAt(task.properties, 'Memory');
  if (cpu === undefined || memory === undefined)
    throw new UnpricedError('its task definition has no literal Cpu/Memory');
  const arch = stringAt(task.properties, 'RuntimePlatform.CpuArchitecture') ?? 'X86_64';
  const ephemeral = numberAt(task.properties, 'EphemeralStorage.SizeInGiB') ?? 20;
  return {
    vcpu: cpu / 1024,
    memoryGb: memory / 1024,
    architecture: arch === 'ARM64' ? 'arm64' : 'x86',
    extraEphemeralGb: Math.max(0, ephemeral - 20),
  };
}

/** Average running tasks of an ECS service over the month. */
export function ecsServiceTasks(env: EnvironmentModel, service: Resource, profile: TrafficProfile): number {
  const target = env
    .ofType('AWS::ApplicationAutoScaling::ScalableTarget')
    .find(
      (t) =>
        stringAt(t.properties, 'ScalableDimension') === 'ecs:service:DesiredCount' &&
        env.pointsAt(t, prop(t.properties, 'ResourceId'), service),
    );
  if (!target) return numberAt(service.properties, 'DesiredCount') ?? 1;
  const min = numberAt(target.properties, 'MinCapacity') ?? 0;
  const max = numberAt(target.properties, 'MaxCapacity') ?? min;
  const changes = arrayAt(target.properties, 'ScheduledActions').map((a) => ({
    schedule: parseSchedule(stringAt(a, 'Schedule') ?? ''),
    min: numberAt(a, 'ScalableTargetAction.MinCapacity'),
    max: numberAt(a, 'ScalableTargetAction.MaxCapacity'),
  }));
  const perTarget = requestsPerTarget(
    env.referrers(target, 'AWS::ApplicationAutoScaling::ScalingPolicy'),
    'TargetTrackingScalingPolicyConfiguration',
  );
  return averageCapacity({ min, max }, changes, perTarget, profile);
}

export function launchTemplateOf(env: EnvironmentModel, group: Resource): Resource {
  const template = env.target(
    group.stack,
    prop(group.properties, 'LaunchTemplate.LaunchTemplateId'),
    'AWS::EC2::LaunchTemplate',
  );
  if (!template) throw new UnpricedError('only groups with a launch template in the templates are priced');
  return template;
}

/** Average in-service instances of an Auto Scaling group over the month. */
export function asgInstances(env: EnvironmentModel, group: Resource, profile: TrafficProfile): number {
  if (prop(group.properties, 'MixedInstancesPolicy') !== undefined) {
    throw new UnpricedError('mixed instances policies are not priced');
  }
  const min = numberAt(group.properties, 'MinSize') ?? 0;
  const max = numberAt(group.properties, 'MaxSize') ?? min;
  const changes = env.referrers(group, 'AWS::AutoScaling::ScheduledAction').map((a) => ({
    schedule: parseSchedule(stringAt(a.properties, 'Recurrence') ?? ''),
    min: numberAt(a.properties, 'MinSize'),
    max: numberAt(a.properties, 'MaxSize'),
  }));
  const perTarget = requestsPerTarget(
    env.referrers(group, 'AWS::AutoScaling::ScalingPolicy'),
    'TargetTrackingConfiguration',
  );
  return averageCapacity({ min, max }, changes, perTarget, profile);
}

/** The instance type a launch template or instance names. */
export function instanceTypeOf(resource: Resource): string {
  const type =
    resource.type === 'AWS::EC2::LaunchTemplate'
      ? stringAt(resource.properties, 'LaunchTemplateData.InstanceType')
      : stringAt(resource.properties, 'InstanceType');
  if (type === undefined) throw new UnpricedError('it has no literal instance type');
  return type;
}

/** True when the instance profile's role lets SSM manage the instance (GuardDuty then installs its agent). */
function ssmManaged(env: EnvironmentModel, resource: Resource, profileArnOrName: unknown): boolean {
  const instanceProfile = env.target(resource.stack, profileArnOrName, 'AWS::IAM::InstanceProfile');
  if (!instanceProfile) return false;
  const roles = env.targets(instanceProfile.stack, prop(instanceProfile.properties, 'Roles'));
  return roles.some((role) =>
    JSON.stringify(prop(role.properties, 'ManagedPolicyArns') ?? []).includes('AmazonSSMManagedInstanceCore'),
  );
}

/** Average vCPUs of the environment's ECS Fargate tasks. */
export function fargateVcpus(env: EnvironmentModel, profile: TrafficProfile): number {
  return env
    .ofType('AWS::ECS::Service')
    .filter(isFargateService)
    .reduce((sum, s) => sum + ecsServiceTasks(env, s, profile) * fargateTaskSize(env, s).vcpu, 0);
}

/** Average vCPUs of EC2 instances that GuardDuty's automated agent covers (SSM-managed ones). */
export function ssmManagedEc2Vcpus(env: EnvironmentModel, profile: TrafficProfile): number {
  const instances = env
    .ofType('AWS::EC2::Instance')
    .filter((i) => ssmManaged(env, i, prop(i.properties, 'IamInstanceProfile')))
    .reduce((sum, i) => sum + ec2Vcpus(instanceTypeOf(i)), 0);
  const groups = env.ofType('AWS::AutoScaling::AutoScalingGroup').reduce((sum, g) => {
    const template = launchTemplateOf(env, g);
    const profileRef =
      prop(template.properties, 'LaunchTemplateData.IamInstanceProfile.Arn') ??
      prop(template.properties, 'LaunchTemplateData.IamInstanceProfile.Name');
    if (!ssmManaged(env, template, profileRef)) return sum;
    return sum + asgInstances(env, g, profile) * ec2Vcpus(instanceTypeOf(template));
  }, 0);
  return instances + groups;
}

/** The DB instances of an Aurora cluster. */
export function clusterInstances(env: EnvironmentModel, cluster: Resource): Resource[] {
  return env
    .referrers(cluster, 'AWS::RDS::DBInstance')
    .filter((i) => env.pointsAt(i, prop(i.properties, 'DBClusterIdentifier'), cluster));
}

export function clusterOf(env: EnvironmentModel, instance: Resource): Resource | undefined {
  return env.target(instance.stack, prop(instance.properties, 'DBClusterIdentifier'), 'AWS::RDS::DBCluster');
}

export const isServerless = (instance: Resource): boolean =>
  stringAt(instance.properties, 'DBInstanceClass') === 'db.serverless';

/** The lowest capacity of an awake Serverless v2 instance whose minimum is 0 (it pauses or runs at 0.5+). */
export const AWAKE_FLOOR_ACU = 0.5;

/** Resource types of the payment API's compute: each keeps at least one task, instance or node running. */
const ALWAYS_ON_CLIENTS = ['AWS::ECS::Service', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::EKS::Nodegroup'];

/**
 * True when a minimum-0 writer never pauses: the payment API's background jobs (audit sealing every second,
 * the CVC and idempotency reapers) query it whenever the service runs, and app.scaling.minCapacity (at least 1)
 * keeps it running in every compute mode.
 */
export function keptAwake(env: EnvironmentModel): boolean {
  return ALWAYS_ON_CLIENTS.some((type) => env.ofType(type).length > 0);
}

/**
 * Average ACUs of a Serverless v2 instance: its minimum when idle, the profile's average under traffic, within
 * the cluster's minimum and maximum. A minimum of 0 (auto-pause) counts as 0.5 ACU while a client keeps the
 * writer awake ({@link keptAwake}), and 0 only when nothing does.
 */
export function serverlessAcu(env: EnvironmentModel, instance: Resource, profile: TrafficProfile): number {
  const cluster = clusterOf(env, instance);
  if (!cluster) throw new UnpricedError('its Aurora cluster is not in the templates');
  const min = numberAt(cluster.properties, 'ServerlessV2ScalingConfiguration.MinCapacity');
  const max = numberAt(cluster.properties, 'ServerlessV2ScalingConfiguration.MaxCapacity');
  if (min === undefined || max === undefined)
    throw new UnpricedError('its cluster has no literal Serverless v2 scaling range');
  const floor = min === 0 && keptAwake(env) ? AWAKE_FLOOR_ACU : min;
  return Math.min(max, Math.max(floor, profile.volumes.database.serverlessAverageAcu));
}

/** vCPUs of a provisioned DB instance. */
export function dbInstanceVcpus(instance: Resource): number {
  return dbVcpus(stringAt(instance.properties, 'DBInstanceClass') ?? '');
}

/** The literal text of a CloudFormation string value: plain, or the literal parts of an Fn::Join. */
function literalText(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = prop(value, 'Fn::Join');
  if (!Array.isArray(join)) return '';
  const parts = join[1];
  return Array.isArray(parts) ? parts.filter((p): p is string => typeof p === 'string').join('') : '';
}

/**
 * Average nodes of an EKS managed node group: its minimum, raised by the EventBridge Scheduler calls of
 * `eks:UpdateNodegroupConfig` that target it (the weekday floor). Pods scale on CPU within the nodes, so traffic
 * does not change the node count (no cluster autoscaler, ADR 0044).
 */
export function nodegroupNodes(env: EnvironmentModel, nodegroup: Resource): number {
  const min = numberAt(nodegroup.properties, 'ScalingConfig.MinSize') ?? 0;
  const max = numberAt(nodegroup.properties, 'ScalingConfig.MaxSize') ?? min;
  const changes = env.referrers(nodegroup, 'AWS::Scheduler::Schedule').map((s) => {
    const input = literalText(prop(s.properties, 'Target.Input'));
    const floor = /"minSize":(\d+)/.exec(input);
    if (!floor) throw new UnpricedError(`schedule ${s.logicalId} sets no literal minSize`);
    return {
      schedule: parseSchedule(stringAt(s.properties, 'ScheduleExpression') ?? ''),
      min: Number(floor[1]),
    };
  });
  return averageOverYear({ min, max }, changes, (b) => b.min);
}

/** Instance type of a node group (one literal type). */
export function nodegroupInstanceType(nodegroup: Resource): string {
  const types = arrayAt(nodegroup.properties, 'InstanceTypes');
  const type = types[0];
  if (types.length !== 1 || typeof type !== 'string')
    throw new UnpricedError('node groups are priced with exactly one literal instance type');
  return type;
}

/** Average vCPUs of the EKS managed nodes (GuardDuty's EKS add-on agent covers each). */
export function eksNodeVcpus(env: EnvironmentModel): number {
  return env
    .ofType('AWS::EKS::Nodegroup')
    .reduce((sum, g) => sum + nodegroupNodes(env, g) * ec2Vcpus(nodegroupInstanceType(g)), 0);
}
