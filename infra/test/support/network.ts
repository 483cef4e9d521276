import type { Template } from 'aws-cdk-lib/assertions';

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** Logical id of the subnet whose CIDR is `cidr`. */
export function subnetIdByCidr(template: Template, cidr: string): string {
  const match = Object.entries(resourcesOf(template, 'AWS::EC2::Subnet')).find(
    ([, r]) => r.Properties.CidrBlock === cidr,
  );
  if (!match) throw new Error(`no subnet with CIDR ${cidr}`);
  return match[0];
}

/** Logical id of the route table associated with a subnet. */
export function routeTableOf(template: Template, subnetLogicalId: string): string {
  const assoc = Object.values(resourcesOf(template, 'AWS::EC2::SubnetRouteTableAssociation')).find(
    (r) => (r.Properties.SubnetId as { Ref: string }).Ref === subnetLogicalId,
  );
  if (!assoc) throw new Error(`no route table association for ${subnetLogicalId}`);
  return (assoc.Properties.RouteTableId as { Ref: string }).Ref;
}

/** Default (0.0.0.0/0) routes of a route table. */
export function defaultRoutes(template: Template, routeTableLogicalId: string): Record<string, unknown>[] {
  return Object.values(resourcesOf(template, 'AWS::EC2::Route'))
    .map((r) => r.Properties)
    .filter(
      (p) =>
        (p.RouteTableId as { Ref: string }).Ref === routeTableLogicalId &&
        p.DestinationCidrBlock === '0.0.0.0/0',
    );
}

export interface AclEntry {
  egress: boolean;
  cidr: string;
  protocol: number;
  from?: number;
  to?: number;
  action: string;
}

/** Entries of the NACL associated with the subnet of `subnetCidr`, normalized for comparison. */
export function aclEntriesForSubnet(template: Template, subnetCidr: string): AclEntry[] {
  const subnet = subnetIdByCidr(template, subnetCidr);
  const assoc = Object.values(resourcesOf(template, 'AWS::EC2::SubnetNetworkAclAssociation')).find(
    (r) => (r.Properties.SubnetId as { Ref: string }).Ref === subnet,
  );
  if (!assoc) throw new Error(`subnet ${subnetCidr} has no NACL association`);
  const acl = (assoc.Properties.NetworkAclId as { Ref: string }).Ref;
  return Object.values(resourcesOf(template, 'AWS::EC2::NetworkAclEntry'))
    .map((r) => r.Properties)
    .filter((p) => (p.NetworkAclId as { Ref: string }).Ref === acl)
    .map((p) => {
      const range = p.PortRange as { From: number; To: number } | undefined;
      return {
        egress: p.Egress === true,
        cidr: p.CidrBlock as string,
        protocol: p.Protocol as number,
        from: range?.From,
        to: range?.To,
        action: p.RuleAction as string,
      };
    });
}

export const tcp = (cidr: string, from: number, to = from, egress = false): AclEntry => ({
  egress,
  cidr,
  protocol: 6,
  from,
  to,
  action: 'allow',
});
