/**
 * Every CloudFormation resource type the model knows: priced (a pricer) or free by itself (a reason). A type in
 * neither map fails the estimate, so a new resource is never silently left out.
 */
import { apiStage, restApi } from './pricers/api.js';
import { backupPlan } from './pricers/backup.js';
import { autoScalingGroup, ecsCluster, ecsService } from './pricers/compute.js';
import { dbCluster, dbInstance, dbProxy } from './pricers/database.js';
import { distribution, loadBalancer, webAcl } from './pricers/edge.js';
import { lambdaFunction } from './pricers/functions.js';
import { logGroup } from './pricers/logs.js';
import { hostedZone, queue } from './pricers/messaging.js';
import { alarm, dashboard, metricFilter } from './pricers/monitoring.js';
import {
  ec2Instance,
  elasticIp,
  flowLog,
  natGateway,
  peeringConnection,
  vpcEndpoint,
} from './pricers/network.js';
import {
  configRecorder,
  conformancePack,
  guardDutyDetector,
  kmsKey,
  secret,
  securityHubStandard,
  trail,
} from './pricers/security.js';
import { efsFileSystem, eksCluster, eksNodegroup, ssmParameter } from './pricers/kubernetes.js';
import { bucket } from './pricers/storage.js';
import type { Pricer } from './pricing.js';

export const PRICED_TYPES: Readonly<Record<string, Pricer>> = {
  'AWS::ApiGateway::RestApi': restApi,
  'AWS::ApiGateway::Stage': apiStage,
  'AWS::AutoScaling::AutoScalingGroup': autoScalingGroup,
  'AWS::Backup::BackupPlan': backupPlan,
  'AWS::CloudFront::Distribution': distribution,
  'AWS::CloudTrail::Trail': trail,
  'AWS::CloudWatch::Alarm': alarm,
  'AWS::CloudWatch::Dashboard': dashboard,
  'AWS::Config::ConfigurationRecorder': configRecorder,
  'AWS::Config::ConformancePack': conformancePack,
  'AWS::EC2::EIP': elasticIp,
  'AWS::EC2::FlowLog': flowLog,
  'AWS::EC2::Instance': ec2Instance,
  'AWS::EC2::NatGateway': natGateway,
  'AWS::EC2::VPCEndpoint': vpcEndpoint,
  'AWS::EC2::VPCPeeringConnection': peeringConnection,
  'AWS::ECS::Cluster': ecsCluster,
  'AWS::ECS::Service': ecsService,
  'AWS::EFS::FileSystem': efsFileSystem,
  'AWS::EKS::Cluster': eksCluster,
  'AWS::EKS::Nodegroup': eksNodegroup,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': loadBalancer,
  'AWS::GuardDuty::Detector': guardDutyDetector,
  'AWS::KMS::Key': kmsKey,
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::Logs::LogGroup': logGroup,
  'AWS::Logs::MetricFilter': metricFilter,
  'AWS::RDS::DBCluster': dbCluster,
  'AWS::RDS::DBInstance': dbInstance,
  'AWS::RDS::DBProxy': dbProxy,
  'AWS::Route53::HostedZone': hostedZone,
  'AWS::S3::Bucket': bucket,
  'AWS::SecretsManager::Secret': secret,
  'AWS::SecurityHub::Standard': securityHubStandard,
  'AWS::SQS::Queue': queue,
  'AWS::SSM::Parameter': ssmParameter,
  'AWS::WAFv2::WebACL': webAcl,
};

const VPC_PLUMBING =
  'VPC building block with no charge; traffic is priced on NAT, endpoints and load balancers';
const IAM = 'IAM has no charge';
const SCALING = 'no charge; the capacity it sets is priced on the service or group it scales';
const DEPLOY_TIME = 'runs once per deployment through its Lambda function (priced at 0 invocations a month)';
const API_GATEWAY = 'no charge; API Gateway bills the requests of the REST API and caches (none here)';

export const FREE_TYPES: Readonly<Record<string, string>> = {
  'AWS::CDK::Metadata': 'CDK version metadata, not an AWS resource',
  'AWS::IAM::Role': IAM,
  'AWS::IAM::Policy': IAM,
  'AWS::IAM::ManagedPolicy': IAM,
  'AWS::IAM::InstanceProfile': IAM,
  'AWS::IAM::ServiceLinkedRole': IAM,
  'AWS::EC2::VPC': VPC_PLUMBING,
  'AWS::EC2::Subnet': VPC_PLUMBING,
  'AWS::EC2::RouteTable': VPC_PLUMBING,
  'AWS::EC2::Route': VPC_PLUMBING,
  'AWS::EC2::SubnetRouteTableAssociation': VPC_PLUMBING,
  'AWS::EC2::NetworkAcl': VPC_PLUMBING,
  'AWS::EC2::NetworkAclEntry': VPC_PLUMBING,
  'AWS::EC2::SubnetNetworkAclAssociation': VPC_PLUMBING,
  'AWS::EC2::SecurityGroup': VPC_PLUMBING,
  'AWS::EC2::SecurityGroupIngress': VPC_PLUMBING,
  'AWS::EC2::SecurityGroupEgress': VPC_PLUMBING,
  'AWS::EC2::InternetGateway': VPC_PLUMBING,
  'AWS::EC2::VPCGatewayAttachment': VPC_PLUMBING,
  'AWS::EC2::LaunchTemplate': 'no charge; priced on the instances and groups that launch from it',
  'AWS::ECS::TaskDefinition': 'no charge; priced on the service that runs it',
  'AWS::ElasticLoadBalancingV2::Listener': 'no charge; rule evaluations are part of the load balancer LCUs',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'no charge; priced on the load balancer',
  'AWS::ApplicationAutoScaling::ScalableTarget': SCALING,
  'AWS::ApplicationAutoScaling::ScalingPolicy': SCALING,
  'AWS::AutoScaling::ScalingPolicy': SCALING,
  'AWS::AutoScaling::ScheduledAction': SCALING,
  'AWS::KMS::Alias': 'aliases have no charge',
  'AWS::Lambda::Permission': 'no charge',
  'AWS::Lambda::LayerVersion': 'no charge; layer storage counts towards the free 75 GB of function code',
  'AWS::RDS::DBClusterParameterGroup': 'no charge',
  'AWS::RDS::DBSubnetGroup': 'no charge',
  'AWS::RDS::DBProxyTargetGroup': 'no charge; the proxy is priced on the capacity of its targets',
  'AWS::S3::BucketPolicy': 'no charge',
  'AWS::SNS::Topic':
    'no monthly charge; publishes cost $0.50 per 1M and e-mail deliveries $2 per 100k, and alert volumes are hundreds a month',
  'AWS::SNS::Subscription': 'no charge; deliveries are counted on the topic',
  'AWS::SNS::TopicPolicy': 'no charge',
  'AWS::SQS::QueuePolicy': 'no charge; requests are priced on the queue',
  'AWS::SecretsManager::RotationSchedule': 'no charge; its rotation function is priced',
  'AWS::SecretsManager::SecretTargetAttachment': 'no charge',
  'AWS::SecretsManager::ResourcePolicy': 'no charge',
  'AWS::SecurityHub::Hub':
    'no charge by itself; checks are priced on each enabled standard, ingesting its own findings is free',
  'AWS::WAFv2::LoggingConfiguration': 'no charge; the log group it writes to is priced',
  'AWS::WAFv2::WebACLAssociation': 'no charge',
  'AWS::CloudFront::OriginAccessControl': 'no charge',
  'AWS::CloudFront::ResponseHeadersPolicy': 'no charge',
  'AWS::Config::DeliveryChannel': 'no charge; the delivered files are priced on their bucket',
  'AWS::Backup::BackupVault': 'no charge; recovery points are priced on the backup plan that creates them',
  'AWS::Backup::BackupSelection': 'no charge; priced on its backup plan',
  'AWS::Budgets::Budget':
    'no charge: AWS Budgets bills only action-enabled budgets beyond the first two, and this budget has no actions',
  'AWS::Events::Rule': 'rules matching AWS service events on the default bus have no charge',
  'AWS::Route53::RecordSet': 'no charge; queries are priced on the hosted zone',
  'Custom::AWS': DEPLOY_TIME,
  'Custom::S3AutoDeleteObjects': DEPLOY_TIME,
  'Custom::CDKBucketDeployment': DEPLOY_TIME,
  'Custom::VpcRestrictDefaultSG': DEPLOY_TIME,
  'AWS::ApiGateway::Account': API_GATEWAY,
  'AWS::ApiGateway::Authorizer': 'no charge; its function is priced by the requests that run it',
  'AWS::ApiGateway::BasePathMapping': API_GATEWAY,
  'AWS::ApiGateway::Deployment': API_GATEWAY,
  'AWS::ApiGateway::DomainName':
    'custom domain names have no charge; their requests are the REST API requests',
  'AWS::ApiGateway::GatewayResponse': API_GATEWAY,
  'AWS::ApiGateway::Method': API_GATEWAY,
  'AWS::ApiGateway::Resource': API_GATEWAY,
  'AWS::ApiGatewayV2::VpcLink':
    'VPC links (V2) have no charge of their own; requests are priced on the REST API and the load balancer',
  'AWS::CertificateManager::Certificate': 'public ACM certificates have no charge',
  'AWS::ElasticLoadBalancingV2::ListenerRule':
    'no charge; rule evaluations are part of the load balancer LCUs (the first 10 rules evaluate free)',
  'AWS::WAFv2::IPSet': 'no charge; the rules that reference it are priced on the web ACL',
  'AWS::EKS::Addon': 'EKS add-ons have no charge; their pods run on the priced nodes',
  'AWS::EKS::AccessEntry': 'no charge',
  'AWS::EKS::PodIdentityAssociation': 'no charge',
  'AWS::EFS::MountTarget': 'no charge; storage and throughput are priced on the file system',
  'AWS::EFS::AccessPoint': 'no charge',
  'AWS::Scheduler::Schedule':
    'EventBridge Scheduler bills $1 per 1M invocations after 14M free a month; these run ~44 times a month',
};
