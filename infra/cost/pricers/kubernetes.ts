/** EKS mode (ADR 0044): the control plane, the managed nodes, the shared EFS file system, manifest parameters. */
import { nodegroupInstanceType, nodegroupNodes } from '../fleet.js';
import { HOURS_PER_MONTH } from '../prices.js';
import { UnpricedError, type Pricer } from '../pricing.js';
import { arrayAt, prop, stringAt } from '../template.js';
import { ebsCharges } from './network.js';

const round = (n: number): string => n.toFixed(2);

/** GB the settlement staging file system holds: report files of the day, kept until they are sent. */
const EFS_STAGING_GB = 1;

export const eksCluster: Pricer = ({ resource }) => {
  const support = stringAt(resource.properties, 'UpgradePolicy.SupportType') ?? 'EXTENDED';
  if (support !== 'STANDARD')
    throw new UnpricedError('EKS extended support ($0.60 per cluster-hour) is not priced');
  return [
    {
      label: 'EKS cluster hours (standard support)',
      item: 'eks.clusterHour',
      quantity: HOURS_PER_MONTH,
      note: 'one control plane, all month',
    },
  ];
};

export const eksNodegroup: Pricer = ({ resource, env }) => {
  const type = nodegroupInstanceType(resource);
  const nodes = nodegroupNodes(env, resource);
  const how = `${round(nodes)} nodes on average (minimum, weekday floor from the schedules)`;
  const template = env.target(
    resource.stack,
    prop(resource.properties, 'LaunchTemplate.Id'),
    'AWS::EC2::LaunchTemplate',
  );
  if (!template)
    throw new UnpricedError('only node groups with a launch template in the templates are priced');
  const data = prop(template.properties, 'LaunchTemplateData');
  const detailed = prop(data, 'Monitoring.Enabled') === true;
  return [
    {
      label: `${type} node hours`,
      item: `ec2.${type}.hour`,
      quantity: HOURS_PER_MONTH * nodes,
      note: `Linux on-demand, ${how}`,
    },
    ...ebsCharges(arrayAt(data, 'BlockDeviceMappings'), nodes, how),
    ...(detailed
      ? [
          {
            label: 'detailed monitoring metrics',
            item: 'cloudwatch.metricMonth',
            quantity: 7 * nodes,
            note: 'detailed (1-minute) monitoring bills 7 metrics per instance',
          },
        ]
      : []),
  ];
};

export const efsFileSystem: Pricer = ({ resource }) => {
  const backups = stringAt(resource.properties, 'BackupPolicy.Status') === 'ENABLED';
  return [
    {
      label: 'EFS Standard storage',
      item: 'efs.standard.gbMonth',
      quantity: EFS_STAGING_GB,
      note: `~${EFS_STAGING_GB} GB of staged settlement files (estimate; Elastic throughput of a few MB a day is negligible)`,
    },
    ...(backups
      ? [
          {
            label: 'EFS backups (warm)',
            item: 'backup.efs.warm.gbMonth',
            quantity: EFS_STAGING_GB,
            note: 'daily automatic backups of the same data (incremental)',
          },
        ]
      : []),
  ];
};

export const ssmParameter: Pricer = ({ resource }) => {
  if (stringAt(resource.properties, 'Tier') !== 'Advanced') return [];
  return [
    {
      label: 'advanced parameter',
      item: 'ssm.advancedParameterMonth',
      quantity: 1,
      note: 'advanced tier (up to 8 KB); standard parameters are free',
    },
  ];
};
