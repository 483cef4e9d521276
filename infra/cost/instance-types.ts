import { UnpricedError } from './pricing.js';

/** vCPUs of the instance types and classes the templates use (RDS Proxy, GuardDuty and Fargate bill per vCPU). */
const EC2_VCPUS: Readonly<Record<string, number>> = {
  't4g.nano': 2,
  't4g.micro': 2,
  't4g.small': 2,
  't4g.medium': 2,
  't4g.large': 2,
  'm7g.large': 2,
};

const DB_VCPUS: Readonly<Record<string, number>> = {
  'db.r6g.large': 2,
  'db.r7g.large': 2,
  'db.t4g.medium': 2,
  'db.t4g.large': 2,
};

export function ec2Vcpus(instanceType: string): number {
  const vcpus = EC2_VCPUS[instanceType];
  if (vcpus === undefined) {
    throw new UnpricedError(
      `no vCPU count for instance type ${instanceType} in infra/cost/instance-types.ts`,
    );
  }
  return vcpus;
}

export function dbVcpus(instanceClass: string): number {
  const vcpus = DB_VCPUS[instanceClass];
  if (vcpus === undefined) {
    throw new UnpricedError(
      `no vCPU count for DB instance class ${instanceClass} in infra/cost/instance-types.ts`,
    );
  }
  return vcpus;
}
