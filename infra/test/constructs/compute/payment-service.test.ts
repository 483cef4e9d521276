import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Ec2PaymentService } from '../../../lib/constructs/compute/ec2-payment-service.js';
import { FargatePaymentService } from '../../../lib/constructs/compute/fargate-payment-service.js';
import {
  createPaymentService,
  type PaymentServiceCompute,
  paymentServiceTargetType,
} from '../../../lib/constructs/compute/payment-service.js';
import { computeFixture, SCALING } from '../../support/compute.js';

function build(compute: PaymentServiceCompute) {
  const f = computeFixture(paymentServiceTargetType(compute));
  const service = createPaymentService(f.stack, {
    compute,
    vpc: f.vpc,
    image: f.image,
    runtime: f.runtime,
    scaling: SCALING,
    targetGroup: f.loadBalancer.targetGroup,
    httpsEgressPeers: [ec2.Peer.ipv4('10.0.0.0/16')],
    logEncryptionKey: f.keys.logs,
    logRetention: logs.RetentionDays.ONE_YEAR,
    fargate: { cpu: 1024, memoryMiB: 2048 },
    ec2: {
      instanceType: 'm7g.large',
      amiIds: { 'eu-central-1': 'ami-0123456789abcdef0', 'us-east-1': 'ami-0fedcba9876543210' },
      volumeSizeGiB: 40,
      volumeEncryptionKey: f.keys.data,
      notificationTopic: new sns.Topic(f.stack, 'Operations'),
    },
  });
  return { f, service, template: Template.fromStack(f.stack) };
}

describe('createPaymentService', () => {
  it('fargate: builds the Fargate service under the id Fargate, registers task IPs and names the service in outputs', () => {
    const { f, service, template } = build('fargate');
    expect(service).toBeInstanceOf(FargatePaymentService);
    expect(service.compute).toBe('fargate');
    expect(f.stack.node.tryFindChild('Fargate')).toBe(service);
    expect(service.grantPrincipal).toBe((service as FargatePaymentService).taskDefinition.taskRole);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '1024', Memory: '2048' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip' });
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(['EcsClusterName', 'EcsServiceName']);
    expect(template.findResources('AWS::AutoScaling::AutoScalingGroup')).toEqual({});
  });

  it("ec2: builds the EC2 service under the id Ec2 on the stack region's pinned AMI, registers instances and names the group", () => {
    const { f, service, template } = build('ec2');
    expect(service).toBeInstanceOf(Ec2PaymentService);
    expect(service.compute).toBe('ec2');
    expect(f.stack.node.tryFindChild('Ec2')).toBe(service);
    expect(service.grantPrincipal).toBe((service as Ec2PaymentService).role);
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        ImageId: 'ami-0123456789abcdef0',
        InstanceType: 'm7g.large',
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 40, Encrypted: true } }],
      },
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'instance' });
    expect(Object.keys(template.findOutputs('*'))).toEqual(['AutoScalingGroupName']);
    expect(template.findResources('AWS::ECS::Service')).toEqual({});
  });

  it('maps each compute to the target type its tasks or instances register as', () => {
    expect([paymentServiceTargetType('fargate'), paymentServiceTargetType('ec2')]).toEqual([
      elbv2.TargetType.IP,
      elbv2.TargetType.INSTANCE,
    ]);
  });
});
