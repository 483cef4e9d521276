import { instanceTypeOf } from '../fleet.js';
import { HOURS_PER_MONTH } from '../prices.js';
import { share, UnpricedError, type Charge, type Pricer, type PricingContext } from '../pricing.js';
import { arrayAt, numberAt, prop, stringAt, type EnvironmentModel, type Resource } from '../template.js';

const isNatInstance = (r: Resource): boolean => prop(r.properties, 'SourceDestCheck') === false;

function natDevices(env: EnvironmentModel): number {
  return (
    env.ofType('AWS::EC2::NatGateway').length + env.ofType('AWS::EC2::Instance').filter(isNatInstance).length
  );
}

function natEgress({ env, profile }: PricingContext): Charge {
  return {
    label: 'data transfer out to the internet',
    item: 'dataTransfer.internetOut.gb',
    quantity: share(profile.volumes.network.natGb, natDevices(env)),
    note: `the profile's NAT traffic split evenly over ${natDevices(env)} NAT device(s)`,
  };
}

export const natGateway: Pricer = (ctx) => {
  if (stringAt(ctx.resource.properties, 'ConnectivityType') === 'private') {
    throw new UnpricedError('private NAT gateways are not priced');
  }
  const egress = natEgress(ctx);
  return [
    { label: 'NAT gateway hours', item: 'natGateway.hour', quantity: HOURS_PER_MONTH, note: 'always on' },
    { label: 'data processed', item: 'natGateway.gb', quantity: egress.quantity, note: egress.note },
    egress,
  ];
};

export const elasticIp: Pricer = () => [
  {
    label: 'public IPv4 address',
    item: 'publicIpv4.hour',
    quantity: HOURS_PER_MONTH,
    note: 'charged whether attached or idle',
  },
];

/** EBS volumes of block device mappings; a mapping without a size gets the AMI's default root volume. */
export function ebsCharges(mappings: readonly unknown[], count: number, countNote: string): Charge[] {
  return mappings.flatMap((mapping, i): Charge[] => {
    if (prop(mapping, 'Ebs') === undefined) return [];
    const type = stringAt(mapping, 'Ebs.VolumeType') ?? 'gp3';
    if (type !== 'gp3') throw new UnpricedError(`EBS volume type ${type} is not in the price table`);
    if (
      (numberAt(mapping, 'Ebs.Iops') ?? 3000) > 3000 ||
      (numberAt(mapping, 'Ebs.Throughput') ?? 125) > 125
    ) {
      throw new UnpricedError('gp3 IOPS or throughput above the included baseline is not priced');
    }
    const size = numberAt(mapping, 'Ebs.VolumeSize');
    return [
      {
        label: `EBS gp3 volume ${stringAt(mapping, 'DeviceName') ?? i}`,
        item: 'ebs.gp3.gbMonth',
        quantity: (size ?? 8) * count,
        note: `${size === undefined ? 'no size given: the AMI default of 8 GiB (Amazon Linux 2023)' : `${size} GiB`} × ${countNote}`,
      },
    ];
  });
}

/** Charges of instances launched from `data` (an instance's properties or a launch template's data). */
export function instanceCharges(
  resource: Resource,
  data: unknown,
  count: number,
  countNote: string,
): Charge[] {
  const type = instanceTypeOf(resource);
  const publicIps = arrayAt(data, 'NetworkInterfaces').filter(
    (n) => prop(n, 'AssociatePublicIpAddress') === true,
  );
  const monitoring = prop(data, 'Monitoring');
  const detailed = monitoring === true || prop(monitoring, 'Enabled') === true;
  const charges: Charge[] = [
    {
      label: `${type} instance hours`,
      item: `ec2.${type}.hour`,
      quantity: HOURS_PER_MONTH * count,
      note: `Linux on-demand, ${countNote}`,
    },
    ...ebsCharges(arrayAt(data, 'BlockDeviceMappings'), count, countNote),
  ];
  if (publicIps.length > 0) {
    charges.push({
      label: 'public IPv4 address',
      item: 'publicIpv4.hour',
      quantity: HOURS_PER_MONTH * publicIps.length * count,
      note: 'AssociatePublicIpAddress on the primary interface',
    });
  }
  if (detailed) {
    charges.push({
      label: 'detailed monitoring metrics',
      item: 'cloudwatch.metricMonth',
      quantity: 7 * count,
      note: 'detailed (1-minute) monitoring bills 7 metrics per instance',
    });
  }
  return charges;
}

export const ec2Instance: Pricer = (ctx) => {
  const charges = instanceCharges(ctx.resource, ctx.resource.properties, 1, 'one instance, always on');
  return isNatInstance(ctx.resource) ? [...charges, natEgress(ctx)] : charges;
};

export const vpcEndpoint: Pricer = ({ resource, env, profile }) => {
  const type = stringAt(resource.properties, 'VpcEndpointType') ?? 'Gateway';
  if (type === 'Gateway') {
    return [{ label: 'gateway endpoint', item: 'gatewayEndpoint.month', quantity: 1, note: 'no charge' }];
  }
  if (type !== 'Interface') throw new UnpricedError(`${type} endpoints are not priced`);
  const azs = arrayAt(resource.properties, 'SubnetIds').length;
  const interfaces = env
    .ofType('AWS::EC2::VPCEndpoint')
    .filter((e) => (stringAt(e.properties, 'VpcEndpointType') ?? 'Gateway') === 'Interface').length;
  return [
    {
      label: 'endpoint hours per AZ',
      item: 'interfaceEndpoint.azHour',
      quantity: HOURS_PER_MONTH * azs,
      note: `${azs} AZ(s) (one per subnet), always on`,
    },
    {
      label: 'data processed',
      item: 'interfaceEndpoint.gb',
      quantity: share(profile.volumes.network.interfaceEndpointGb, interfaces),
      note: `the profile's endpoint traffic split evenly over ${interfaces} interface endpoints`,
    },
  ];
};

export const flowLog: Pricer = ({ resource, profile }) => {
  const destination = stringAt(resource.properties, 'LogDestinationType') ?? 'cloud-watch-logs';
  const gb = profile.volumes.network.flowLogGb;
  if (destination === 'cloud-watch-logs') {
    return [
      { label: 'log delivery', quantity: gb, note: 'ingestion and storage are priced on the log group' },
    ];
  }
  if (destination !== 's3') throw new UnpricedError(`flow log destination ${destination} is not priced`);
  const charges: Charge[] = [
    {
      label: 'vended log delivery to S3',
      item: 'logs.vendedToS3.gb',
      quantity: gb,
      note: "the profile's flow-log volume",
    },
  ];
  if (stringAt(resource.properties, 'DestinationOptions.fileFormat') === 'parquet') {
    charges.push({
      label: 'Apache Parquet conversion',
      item: 'logs.parquetConversion.gb',
      quantity: gb,
      note: 'fileFormat parquet',
    });
  }
  return charges;
};

/**
 * VPC peering has no hourly charge; traffic between availability zones (by AZ ID, which can differ between the
 * two accounts' AZ names) is billed $0.01/GB in each direction, in-AZ traffic is free. The profile's peering
 * volume is assumed spread evenly, so (zones − 1) / zones of it crosses zones, and each GB is billed twice.
 */
export const peeringConnection: Pricer = ({ env, profile }) => {
  const zones = new Set(env.ofType('AWS::EC2::Subnet').map((s) => stringAt(s.properties, 'AvailabilityZone')))
    .size;
  const crossing = zones > 1 ? (zones - 1) / zones : 0;
  return [
    {
      label: 'cross-AZ data transfer over the peering (both directions)',
      item: 'dataTransfer.crossAz.gb',
      quantity: profile.volumes.network.peeringGb * crossing * 2,
      note: `the profile's peering traffic; ${zones} zone(s), so ${Math.round(crossing * 100)}% crosses zones, billed out and in`,
    },
  ];
};
