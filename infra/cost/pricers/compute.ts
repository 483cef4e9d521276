import {
  asgInstances,
  ecsServiceTasks,
  fargateTaskSize,
  isFargateService,
  launchTemplateOf,
} from '../fleet.js';
import { HOURS_PER_MONTH } from '../prices.js';
import { UnpricedError, type Pricer } from '../pricing.js';
import { arrayAt, prop, stringAt } from '../template.js';
import { instanceCharges } from './network.js';

const round = (n: number): string => n.toFixed(2);

export const ecsService: Pricer = ({ resource, env, profile }) => {
  if (!isFargateService(resource)) {
    return [{ label: 'tasks', quantity: 0, note: 'runs on the cluster’s EC2 instances, priced there' }];
  }
  const size = fargateTaskSize(env, resource);
  const tasks = ecsServiceTasks(env, resource, profile);
  const taskHours = tasks * HOURS_PER_MONTH;
  const how = `${round(tasks)} tasks on average (scheduled minimum; request-count target tracking under traffic) × ${HOURS_PER_MONTH} h`;
  const charges = [
    {
      label: `Fargate ${size.architecture} vCPU hours`,
      item: `fargate.${size.architecture}.vcpuHour`,
      quantity: taskHours * size.vcpu,
      note: `${size.vcpu} vCPU × ${how}`,
    },
    {
      label: `Fargate ${size.architecture} memory hours`,
      item: `fargate.${size.architecture}.gbHour`,
      quantity: taskHours * size.memoryGb,
      note: `${size.memoryGb} GB × ${how}`,
    },
  ];
  if (size.extraEphemeralGb > 0) {
    charges.push({
      label: 'ephemeral storage above 20 GB',
      item: 'fargate.ephemeralStorage.gbHour',
      quantity: taskHours * size.extraEphemeralGb,
      note: `${size.extraEphemeralGb} GB × ${how}`,
    });
  }
  return charges;
};

/** Enhanced observability metrics an ECS task emits a minute (task and container level). */
const OBSERVATIONS_PER_TASK_MINUTE = 30;

export const ecsCluster: Pricer = ({ resource, env, profile }) => {
  const insights = arrayAt(resource.properties, 'ClusterSettings').find(
    (s) => stringAt(s, 'Name') === 'containerInsights',
  );
  const mode = stringAt(insights, 'Value') ?? 'disabled';
  if (mode === 'disabled') return [];
  if (mode !== 'enhanced') throw new UnpricedError(`Container Insights mode '${mode}' is not priced`);
  const tasks = env
    .referrers(resource, 'AWS::ECS::Service')
    .filter((s) => env.pointsAt(s, prop(s.properties, 'Cluster'), resource))
    .reduce((sum, s) => sum + ecsServiceTasks(env, s, profile), 0);
  return [
    {
      label: 'Container Insights (enhanced) observations',
      item: 'containerInsights.enhanced.observations1M',
      quantity: (tasks * OBSERVATIONS_PER_TASK_MINUTE * HOURS_PER_MONTH * 60) / 1_000_000,
      note: `${round(tasks)} tasks × ~${OBSERVATIONS_PER_TASK_MINUTE} task and container metrics a minute (estimate)`,
    },
  ];
};

export const autoScalingGroup: Pricer = ({ resource, env, profile }) => {
  const template = launchTemplateOf(env, resource);
  const instances = asgInstances(env, resource, profile);
  return instanceCharges(
    template,
    prop(template.properties, 'LaunchTemplateData'),
    instances,
    `${round(instances)} instances on average (scheduled minimum; request-count target tracking under traffic)`,
  );
};
