import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resourcesOf } from '../support/network.js';
import { type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';

// What a first deploy of dev needs that synth does not check, read from the synthesized templates of every stack.
// What a function attached to the VPC must reach: a custom resource's provider answers CloudFormation by PUTting to a pre-signed URL in
// `cloudformation-custom-resource-response-<region without dashes>`, and from the app subnets that request goes
// through the S3 gateway endpoint, whose policy must admit it or the stack hangs until it times out.

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
}

interface LifecycleRule {
  Id: string;
  ExpirationInDays?: number;
  Transitions?: { TransitionInDays: number }[];
}

function customResourceProvidersInVpc(t: Template): string[] {
  const inVpc = new Set(
    Object.entries(resourcesOf(t, 'AWS::Lambda::Function'))
      .filter(([, fn]) => fn.Properties.VpcConfig !== undefined)
      .map(([id]) => id),
  );
  const resources = t.toJSON().Resources as Record<
    string,
    { Type: string; Properties?: Record<string, unknown> }
  >;
  return Object.values(resources)
    .filter((r) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource')
    .map(
      (r) =>
        (r.Properties?.ServiceToken as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0],
    )
    .filter((id): id is string => id !== undefined && inVpc.has(id));
}

function s3EndpointStatements(t: Template): Statement[] {
  const s3 = Object.values(resourcesOf(t, 'AWS::EC2::VPCEndpoint')).find((e) =>
    JSON.stringify(e.Properties.ServiceName).includes('.s3'),
  );
  return ((s3?.Properties.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? []).filter(
    (s) => s.Effect === 'Allow',
  );
}

describe('first deploy of dev: what CloudFormation, S3 and the VPC must accept (every stack)', () => {
  let env: SynthesizedEnvironment;
  beforeAll(() => {
    env = synthEnvironment('dev', {}, { complianceGate: false });
  });

  it('finds the database bootstrap provider as the one custom-resource provider in the VPC', () => {
    const counts = Object.fromEntries(
      Object.entries(env.stacks)
        .filter(([, stack]) => stack !== undefined)
        .map(([name, stack]) => [name, customResourceProvidersInVpc(env.template(stack)).length]),
    );
    expect(Object.entries(counts).filter(([, n]) => n > 0)).toEqual([['data', 1]]);
  });

  it("lets a VPC-attached provider PUT its response to the region's response bucket through the S3 endpoint", () => {
    const statements = s3EndpointStatements(env.template(env.stacks.network));
    expect(
      statements.some(
        (s) =>
          [s.Action].flat().includes('s3:PutObject') &&
          JSON.stringify(s.Resource).includes(':s3:::cloudformation-custom-resource-response-useast1/*'),
      ),
    ).toBe(true);
  });

  it('gives the bootstrap provider HTTPS egress to the response bucket (S3 is outside the VPC CIDR)', () => {
    const t = env.template(env.stacks.data);
    const [provider] = customResourceProvidersInVpc(t);
    const fn = resourcesOf(t, 'AWS::Lambda::Function')[provider ?? ''];
    const groups = (fn?.Properties.VpcConfig as { SecurityGroupIds: { 'Fn::GetAtt': [string] }[] })
      .SecurityGroupIds;
    const egress = groups.flatMap(
      (g) =>
        (resourcesOf(t, 'AWS::EC2::SecurityGroup')[g['Fn::GetAtt'][0]]?.Properties.SecurityGroupEgress ??
          []) as { CidrIp?: string; FromPort: number; ToPort: number }[],
    );
    expect(egress).toContainEqual(
      expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
    );
  });

  it('gives every S3 lifecycle rule an expiration later than its transitions (S3 refuses the rest)', () => {
    for (const stack of Object.values(env.stacks).filter((st) => st !== undefined)) {
      for (const [id, bucket] of Object.entries(resourcesOf(env.template(stack), 'AWS::S3::Bucket'))) {
        const rules = ((bucket.Properties.LifecycleConfiguration as { Rules: LifecycleRule[] } | undefined)
          ?.Rules ?? []) as LifecycleRule[];
        for (const rule of rules) {
          if (rule.ExpirationInDays === undefined) continue;
          for (const transition of rule.Transitions ?? []) {
            expect(rule.ExpirationInDays, `${stack.stackName}/${id} rule ${rule.Id}`).toBeGreaterThan(
              transition.TransitionInDays,
            );
          }
        }
      }
    }
  });
});
