import { describe, expect, it } from 'vitest';
import { priceEnvironment, type EnvironmentCost } from '../../cost/engine.js';
import type { CfnResource } from '../../cost/template.js';
import { stack, TEST_PROFILE } from './fixtures.js';

const price = (resources: Record<string, CfnResource>) =>
  priceEnvironment([stack('Fix', resources)], TEST_PROFILE);

const line = (cost: EnvironmentCost, id: string, charge: string) => {
  const found = cost.stacks.flatMap((s) => s.lines).find((l) => l.logicalId === id && l.charge === charge);
  if (!found) throw new Error(`no line ${id} / ${charge}`);
  return found;
};

const schedule = (hour: number, minSize: number): CfnResource => ({
  Type: 'AWS::Scheduler::Schedule',
  Properties: {
    ScheduleExpression: `cron(0 ${hour} ? * MON-FRI *)`,
    ScheduleExpressionTimezone: 'Europe/Berlin',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: 'arn:aws:scheduler:::aws-sdk:eks:updateNodegroupConfig',
      RoleArn: 'arn:aws:iam::111111111111:role/r',
      Input: {
        'Fn::Join': [
          '',
          [
            '{"clusterName":"',
            { Ref: 'Cluster' },
            '","nodegroupName":"',
            { 'Fn::GetAtt': ['Nodes', 'NodegroupName'] },
            `","scalingConfig":{"minSize":${minSize},"maxSize":6,"desiredSize":${minSize}}}`,
          ],
        ],
      },
    },
  },
});

const eks = (support = 'STANDARD'): Record<string, CfnResource> => ({
  Cluster: { Type: 'AWS::EKS::Cluster', Properties: { UpgradePolicy: { SupportType: support } } },
  Template: {
    Type: 'AWS::EC2::LaunchTemplate',
    Properties: {
      LaunchTemplateData: {
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30, VolumeType: 'gp3' } }],
        Monitoring: { Enabled: true },
      },
    },
  },
  Nodes: {
    Type: 'AWS::EKS::Nodegroup',
    Properties: {
      ClusterName: { Ref: 'Cluster' },
      InstanceTypes: ['m7g.large'],
      ScalingConfig: { MinSize: 2, MaxSize: 6, DesiredSize: 3 },
      LaunchTemplate: { Id: { Ref: 'Template' }, Version: '1' },
    },
  },
  Up: schedule(8, 4),
  Down: schedule(18, 2),
});

describe('EKS mode pricers', () => {
  it('prices the control plane at the standard-support cluster hour and refuses extended support', () => {
    expect(line(price(eks()), 'Cluster', 'EKS cluster hours (standard support)')).toMatchObject({
      quantity: 730,
    });
    expect(price(eks('EXTENDED')).unpriced).toContainEqual(
      expect.objectContaining({ logicalId: 'Cluster', reason: expect.stringMatching(/extended support/) }),
    );
  });

  it('prices nodes at the minimum raised by the weekday floor of the schedules, with their volumes', () => {
    const cost = price(eks());
    const hours = line(cost, 'Nodes', 'm7g.large node hours').quantity;
    // 2 nodes always, 2 more for 10 of 168 hours a week.
    const expected = 730 * (2 + (2 * 50) / 168);
    expect(hours).toBeCloseTo(expected, -1);
    expect(line(cost, 'Nodes', 'EBS gp3 volume /dev/xvda').quantity).toBeCloseTo((30 * hours) / 730, 1);
  });

  it('prices an advanced SSM parameter and leaves standard ones free', () => {
    const cost = price({
      Advanced: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x', Tier: 'Advanced' } },
      Standard: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x', Tier: 'Standard' } },
    });
    expect(line(cost, 'Advanced', 'advanced parameter').quantity).toBe(1);
    expect(
      cost.stacks
        .flatMap((s) => s.lines)
        .filter((l) => l.logicalId === 'Standard' && (l.monthlyUsd ?? 0) > 0),
    ).toEqual([]);
  });

  it('prices EFS storage and, with backups on, its backups', () => {
    const cost = price({
      Files: {
        Type: 'AWS::EFS::FileSystem',
        Properties: { Encrypted: true, BackupPolicy: { Status: 'ENABLED' } },
      },
    });
    expect(line(cost, 'Files', 'EFS Standard storage').quantity).toBeGreaterThan(0);
    expect(line(cost, 'Files', 'EFS backups (warm)').quantity).toBeGreaterThan(0);
  });
});
