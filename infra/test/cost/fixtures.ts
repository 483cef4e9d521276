import type { CfnResource, StackTemplate } from '../../cost/template.js';
import { validateTrafficProfile, type TrafficProfile } from '../../cost/traffic/index.js';

/** A stack from a hand-written map of resources. */
export function stack(
  stackName: string,
  resources: Record<string, CfnResource>,
  region = 'us-east-1',
): StackTemplate {
  return { stackName, region, template: { Resources: resources } };
}

const bucket = { gbPerMonth: 1, putsPerMonth: 1000 };

/** Round numbers so every expected line can be worked out by hand. */
export const TEST_PROFILE: TrafficProfile = validateTrafficProfile(
  {
    basis: 'hand-written test profile with round numbers',
    monthsInOperation: 12,
    volumes: {
      // 2,628,000 requests over 730 h are exactly 1 request a second.
      api: { requestsPerMonth: 2_628_000 },
      partnerApi: { requestsPerMonth: 1_000_000 },
      edge: { requestsPerMonth: 1_000_000, transferOutGb: 10 },
      network: {
        natGb: 100,
        interfaceEndpointGb: 20,
        flowLogGb: 10,
        dnsQueryLogGb: 2,
        lambdaNetworkGb: 0,
        peeringGb: 0,
      },
      database: { storageGb: 100, dailyChangeGb: 2, ioRequestsMillions: 10, serverlessAverageAcu: 2 },
      security: {
        managementEventsPerMonth: 1_000_000,
        configItemsPerMonth: 1000,
        kmsRequestsPerMonth: 200_000,
        secretsApiCallsPerMonth: 20_000,
        malwareScanGb: 0,
      },
      logs: { otherGbPerLogGroup: 1 },
      storage: {
        trail: bucket,
        configHistory: bucket,
        flowLogs: bucket,
        loadBalancerLogs: bucket,
        cdnLogs: bucket,
        serverAccessLogs: bucket,
        documents: bucket,
        staticContent: { storedGb: 1, putsPerMonth: 100 },
        other: bucket,
      },
      messaging: { sqsRequestsPerMonth: 2_000_000 },
      dns: { queriesPerMonth: 1_000_000 },
    },
    shape: {
      requestKb: 1,
      responseKb: 3,
      requestsPerConnection: 10,
      appLogKbPerRequest: 1,
      databaseLogKbPerRequest: 1,
      wafLogKbPerRequest: 1,
      trailLogKbPerEvent: 1,
      functionLogKbPerInvocation: 1,
      apiGatewayAccessLogKbPerRequest: 1,
      apiGatewayExecutionLogKbPerRequest: 2,
      logArchiveRatio: 0.5,
      edgeCacheHitRatio: 0.9,
    },
  },
  'test profile',
);

/** A small environment with one resource of most priced types, and two free ones. */
export function smallEnvironment(): StackTemplate[] {
  return [
    stack('Fix-Network', {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      Nat: {
        Type: 'AWS::EC2::NatGateway',
        Properties: { AllocationId: { 'Fn::GetAtt': ['NatIp', 'AllocationId'] } },
      },
      NatIp: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
      KmsEndpoint: {
        Type: 'AWS::EC2::VPCEndpoint',
        Properties: {
          VpcEndpointType: 'Interface',
          ServiceName: 'com.amazonaws.us-east-1.kms',
          SubnetIds: ['subnet-a', 'subnet-b'],
        },
      },
      S3Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } },
      FlowLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } },
      FlowLog: {
        Type: 'AWS::EC2::FlowLog',
        Properties: { LogDestinationType: 'cloud-watch-logs', LogGroupName: { Ref: 'FlowLogGroup' } },
      },
    }),
    stack('Fix-App', {
      Alb: {
        Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        Properties: { Type: 'application', Scheme: 'internet-facing', Subnets: ['subnet-c', 'subnet-d'] },
      },
      Acl: {
        Type: 'AWS::WAFv2::WebACL',
        Properties: {
          Scope: 'REGIONAL',
          Rules: [
            {
              Name: 'Common',
              Statement: {
                ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' },
              },
            },
            { Name: 'Rate', Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } } },
          ],
        },
      },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
      Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Period: 60 } },
      Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
      Zone: { Type: 'AWS::Route53::HostedZone', Properties: { Name: 'pay.example.com' } },
    }),
    stack('Fix-Data', {
      Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
      Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      Cluster: {
        Type: 'AWS::RDS::DBCluster',
        Properties: {
          Engine: 'aurora-postgresql',
          BackupRetentionPeriod: 7,
          ManageMasterUserPassword: true,
          ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
        },
      },
      Writer: {
        Type: 'AWS::RDS::DBInstance',
        Properties: {
          Engine: 'aurora-postgresql',
          DBInstanceClass: 'db.serverless',
          DBClusterIdentifier: { Ref: 'Cluster' },
        },
      },
      Proxy: { Type: 'AWS::RDS::DBProxy', Properties: { EngineFamily: 'POSTGRESQL' } },
      ProxyTargets: {
        Type: 'AWS::RDS::DBProxyTargetGroup',
        Properties: {
          DBProxyName: { Ref: 'Proxy' },
          DBClusterIdentifiers: [{ Ref: 'Cluster' }],
          TargetGroupName: 'default',
        },
      },
      Archive: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          LifecycleConfiguration: {
            Rules: [
              {
                Status: 'Enabled',
                ExpirationInDays: 365,
                Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
              },
            ],
          },
        },
      },
    }),
  ];
}
