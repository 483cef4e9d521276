import { ManagedRuleIdentifiers as Id } from 'aws-cdk-lib/aws-config';
import type { PciRequirementId } from './pci-dss-requirements.js';

/** One AWS Config managed rule of the Tessera PCI DSS v4.0.1 conformance pack. */
export interface PciConfigRule {
  /** Config rule name inside the pack (AWS appends a pack-specific suffix when it deploys it). */
  readonly name: string;
  /** Managed rule identifier, e.g. `S3_BUCKET_SSL_REQUESTS_ONLY`. */
  readonly sourceIdentifier: string;
  /** What a COMPLIANT result shows, in one sentence. */
  readonly evidence: string;
  /** Managed-rule input parameters (values are strings, as AWS Config expects). */
  readonly inputParameters?: Readonly<Record<string, string>>;
  /** PCI DSS v4.0.1 requirements this rule supports; at least one. */
  readonly requirements: readonly [PciRequirementId, ...PciRequirementId[]];
  /** The Tessera service area the rule covers (groups the table in docs/compliance.md). */
  readonly service: PciRuleService;
}

export type PciRuleService =
  | 'S3'
  | 'KMS'
  | 'RDS/Aurora'
  | 'ECS'
  | 'ELB'
  | 'WAF'
  | 'CloudTrail'
  | 'VPC/EC2'
  | 'IAM'
  | 'Lambda'
  | 'Secrets Manager'
  | 'API Gateway'
  | 'CloudFront'
  | 'GuardDuty'
  | 'Security Hub'
  | 'CloudWatch Logs';

/**
 * Input parameters AWS Config requires for a managed rule (the parameters its rule page lists without
 * "(Optional)"); a rule created without them fails. Rules not listed take no parameter or only optional ones
 * (checked against each rule page of the AWS Config developer guide for every rule of this pack).
 */
export const REQUIRED_INPUT_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  ECS_NO_ENVIRONMENT_SECRETS: ['secretKeys'],
  LAMBDA_FUNCTION_SETTINGS_CHECK: ['runtime'],
  ACCESS_KEYS_ROTATED: ['maxAccessKeyAge'],
  IAM_USER_UNUSED_CREDENTIALS_CHECK: ['maxCredentialUsageAge'],
};

/**
 * Environment variable names that must never be plain container environment (ecs-no-environment-secrets): the
 * secrets the payment API takes (injected by ECS from Secrets Manager instead), and the usual names of database
 * passwords, connection strings and AWS credentials.
 */
export const SECRET_ENVIRONMENT_KEYS = [
  'VAULT_FINGERPRINT_KEY',
  'SERVICE_HMAC_KEY',
  'PGPASSWORD',
  'DATABASE_PASSWORD',
  'DATABASE_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
] as const;

// Managed rules that aws-cdk-lib 2.276 has no constant for; identifiers from the AWS Config rule pages.
const GUARDDUTY_MALWARE_PROTECTION_ENABLED = 'GUARDDUTY_MALWARE_PROTECTION_ENABLED';
const GUARDDUTY_ECS_PROTECTION_RUNTIME_ENABLED = 'GUARDDUTY_ECS_PROTECTION_RUNTIME_ENABLED';
const GUARDDUTY_S3_PROTECTION_ENABLED = 'GUARDDUTY_S3_PROTECTION_ENABLED';
const NACL_NO_UNRESTRICTED_SSH_RDP = 'NACL_NO_UNRESTRICTED_SSH_RDP';
const CLOUDFRONT_S3_ORIGIN_ACCESS_CONTROL_ENABLED = 'CLOUDFRONT_S3_ORIGIN_ACCESS_CONTROL_ENABLED';

/**
 * The rules of the pack, for the resource types Tessera deploys. SQS is not listed: AWS Config has no managed
 * rule for queue encryption that this pack could use; queue encryption is enforced at synth time by cdk-nag
 * (AwsSolutions-SQS2/SQS4) and evaluated at runtime by the Security Hub PCI DSS v4.0.1 standard (SQS.1).
 */
export const PCI_DSS_V4_RULES: readonly PciConfigRule[] = [
  // S3
  {
    service: 'S3',
    name: 's3-bucket-public-read-prohibited',
    sourceIdentifier: Id.S3_BUCKET_PUBLIC_READ_PROHIBITED,
    evidence: 'No bucket allows public read access',
    requirements: ['1.3.1', '1.4.4', '7.2.1'],
  },
  {
    service: 'S3',
    name: 's3-bucket-public-write-prohibited',
    sourceIdentifier: Id.S3_BUCKET_PUBLIC_WRITE_PROHIBITED,
    evidence: 'No bucket allows public write access',
    requirements: ['1.3.1', '1.4.4', '7.2.1'],
  },
  {
    service: 'S3',
    name: 's3-bucket-level-public-access-prohibited',
    sourceIdentifier: Id.S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED,
    evidence: 'Every bucket blocks public access at bucket level',
    requirements: ['1.4.4', '7.2.1'],
  },
  {
    service: 'S3',
    name: 's3-account-level-public-access-blocks-periodic',
    sourceIdentifier: Id.S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC,
    evidence: 'The account blocks public S3 access',
    requirements: ['1.4.4', '7.2.1'],
  },
  {
    service: 'S3',
    name: 's3-bucket-ssl-requests-only',
    sourceIdentifier: Id.S3_BUCKET_SSL_REQUESTS_ONLY,
    evidence: 'Bucket policies deny requests without TLS',
    requirements: ['4.2.1'],
  },
  {
    service: 'S3',
    name: 's3-bucket-server-side-encryption-enabled',
    sourceIdentifier: Id.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED,
    evidence: 'Every bucket encrypts objects at rest by default',
    requirements: ['3.5.1'],
  },
  {
    service: 'S3',
    name: 's3-bucket-versioning-enabled',
    sourceIdentifier: Id.S3_BUCKET_VERSIONING_ENABLED,
    evidence: 'Buckets keep prior object versions, so overwritten or deleted log objects are recoverable',
    requirements: ['10.3.2'],
  },
  {
    service: 'S3',
    name: 's3-bucket-logging-enabled',
    sourceIdentifier: Id.S3_BUCKET_LOGGING_ENABLED,
    evidence: 'Buckets write server access logs',
    requirements: ['10.2.1'],
  },
  // KMS
  {
    service: 'KMS',
    name: 'cmk-backing-key-rotation-enabled',
    sourceIdentifier: Id.CMK_BACKING_KEY_ROTATION_ENABLED,
    evidence: 'Customer-managed keys rotate their key material automatically',
    requirements: ['3.6.1', '3.7.4'],
  },
  {
    service: 'KMS',
    name: 'kms-cmk-not-scheduled-for-deletion',
    sourceIdentifier: Id.KMS_CMK_NOT_SCHEDULED_FOR_DELETION,
    evidence: 'No customer-managed key is pending deletion (encrypted data stays recoverable)',
    requirements: ['3.6.1'],
  },
  // RDS / Aurora
  {
    service: 'RDS/Aurora',
    name: 'rds-storage-encrypted',
    sourceIdentifier: Id.RDS_STORAGE_ENCRYPTED,
    evidence: 'Database storage is encrypted at rest',
    requirements: ['3.5.1'],
  },
  {
    service: 'RDS/Aurora',
    name: 'rds-snapshot-encrypted',
    sourceIdentifier: Id.RDS_SNAPSHOT_ENCRYPTED,
    evidence: 'Database snapshots are encrypted',
    requirements: ['3.5.1'],
  },
  {
    service: 'RDS/Aurora',
    name: 'rds-instance-public-access-check',
    sourceIdentifier: Id.RDS_INSTANCE_PUBLIC_ACCESS_CHECK,
    evidence: 'No database instance is publicly accessible',
    requirements: ['1.3.1', '1.4.4'],
  },
  {
    service: 'RDS/Aurora',
    name: 'rds-snapshots-public-prohibited',
    sourceIdentifier: Id.RDS_SNAPSHOTS_PUBLIC_PROHIBITED,
    evidence: 'No database snapshot is shared publicly',
    requirements: ['1.4.4', '7.2.1'],
  },
  {
    service: 'RDS/Aurora',
    name: 'rds-logging-enabled',
    sourceIdentifier: Id.RDS_LOGGING_ENABLED,
    evidence: 'Database engines export their logs (PostgreSQL log incl. pgaudit) to CloudWatch Logs',
    requirements: ['10.2.1'],
  },
  {
    service: 'RDS/Aurora',
    name: 'rds-cluster-iam-authentication-enabled',
    sourceIdentifier: Id.RDS_CLUSTER_IAM_AUTHENTICATION_ENABLED,
    evidence: 'Aurora clusters accept IAM authentication, tying database logins to individual identities',
    requirements: ['8.2.1', '8.3.1'],
  },
  {
    service: 'RDS/Aurora',
    name: 'rds-automatic-minor-version-upgrade-enabled',
    sourceIdentifier: Id.RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED,
    evidence: 'Database instances receive engine security patches automatically',
    requirements: ['6.3.3'],
  },
  // ECS
  {
    service: 'ECS',
    name: 'ecs-task-definition-nonroot-user',
    sourceIdentifier: Id.ECS_TASK_DEFINITION_NONROOT_USER,
    evidence: 'Task definitions run containers as a non-root user',
    requirements: ['7.2.5'],
  },
  {
    service: 'ECS',
    name: 'ecs-containers-nonprivileged',
    sourceIdentifier: Id.ECS_CONTAINERS_NONPRIVILEGED,
    evidence: 'No container runs privileged',
    requirements: ['2.2.6', '7.2.5'],
  },
  {
    service: 'ECS',
    name: 'ecs-containers-readonly-access',
    sourceIdentifier: Id.ECS_CONTAINERS_READONLY_ACCESS,
    evidence: 'Containers have a read-only root file system',
    requirements: ['2.2.6'],
  },
  {
    service: 'ECS',
    name: 'ecs-task-definition-log-configuration',
    sourceIdentifier: Id.ECS_TASK_DEFINITION_LOG_CONFIGURATION,
    evidence: 'Every container has a log configuration',
    requirements: ['10.2.1'],
  },
  {
    service: 'ECS',
    name: 'ecs-no-environment-secrets',
    sourceIdentifier: Id.ECS_NO_ENVIRONMENT_SECRETS,
    evidence: 'No credential is passed as a plain environment variable (secrets come from Secrets Manager)',
    inputParameters: { secretKeys: SECRET_ENVIRONMENT_KEYS.join(',') },
    requirements: ['8.6.2'],
  },
  {
    service: 'ECS',
    name: 'ecs-awsvpc-networking-enabled',
    sourceIdentifier: Id.ECS_AWSVPC_NETWORKING_ENABLED,
    evidence: 'Tasks get their own network interface and security groups',
    requirements: ['1.3.1', '1.3.2'],
  },
  // ELB
  {
    service: 'ELB',
    name: 'alb-http-to-https-redirection-check',
    sourceIdentifier: Id.ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK,
    evidence: 'HTTP listeners only redirect to HTTPS',
    requirements: ['4.2.1'],
  },
  {
    service: 'ELB',
    name: 'elbv2-acm-certificate-required',
    sourceIdentifier: Id.ELBV2_ACM_CERTIFICATE_REQUIRED,
    evidence: 'Load balancer TLS listeners use ACM-managed certificates',
    requirements: ['4.2.1'],
  },
  {
    service: 'ELB',
    name: 'alb-http-drop-invalid-header-enabled',
    sourceIdentifier: Id.ALB_HTTP_DROP_INVALID_HEADER_ENABLED,
    evidence: 'Load balancers drop requests with invalid HTTP headers',
    requirements: ['2.2.6'],
  },
  {
    service: 'ELB',
    name: 'elb-logging-enabled',
    sourceIdentifier: Id.ELB_LOGGING_ENABLED,
    evidence: 'Load balancers write access logs',
    requirements: ['10.2.1'],
  },
  // WAF
  {
    service: 'WAF',
    name: 'alb-waf-enabled',
    sourceIdentifier: Id.ALB_WAF_ENABLED,
    evidence: 'Application load balancers are protected by a web ACL',
    requirements: ['6.4.2'],
  },
  {
    service: 'WAF',
    name: 'wafv2-logging-enabled',
    sourceIdentifier: Id.WAFV2_LOGGING_ENABLED,
    evidence: 'Web ACLs log the requests they inspect',
    requirements: ['10.2.1'],
  },
  // CloudTrail
  {
    service: 'CloudTrail',
    name: 'multi-region-cloudtrail-enabled',
    sourceIdentifier: Id.CLOUDTRAIL_MULTI_REGION_ENABLED,
    evidence: 'A multi-region trail records API activity in every region',
    requirements: ['10.2.1'],
  },
  {
    service: 'CloudTrail',
    name: 'cloudtrail-security-trail-enabled',
    sourceIdentifier: Id.CLOUDTRAIL_SECURITY_TRAIL_ENABLED,
    evidence: 'A trail follows the security best practices (management events, validation, encryption)',
    requirements: ['10.2.1', '10.2.2'],
  },
  {
    service: 'CloudTrail',
    name: 'cloud-trail-encryption-enabled',
    sourceIdentifier: Id.CLOUD_TRAIL_ENCRYPTION_ENABLED,
    evidence: 'Trail log files are encrypted with a customer-managed KMS key',
    requirements: ['10.3.2'],
  },
  {
    service: 'CloudTrail',
    name: 'cloud-trail-log-file-validation-enabled',
    sourceIdentifier: Id.CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED,
    evidence: 'Trail log files carry signed digests that reveal modification',
    requirements: ['10.3.2', '10.3.4'],
  },
  {
    service: 'CloudTrail',
    name: 'cloud-trail-cloud-watch-logs-enabled',
    sourceIdentifier: Id.CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED,
    evidence: 'Trails deliver to CloudWatch Logs for central search and automated review',
    requirements: ['10.3.3', '10.4.1.1'],
  },
  // VPC / EC2
  {
    service: 'VPC/EC2',
    name: 'vpc-flow-logs-enabled',
    sourceIdentifier: Id.VPC_FLOW_LOGS_ENABLED,
    evidence: 'Every VPC records flow logs',
    requirements: ['10.2.1'],
  },
  {
    service: 'VPC/EC2',
    name: 'vpc-default-security-group-closed',
    sourceIdentifier: Id.VPC_DEFAULT_SECURITY_GROUP_CLOSED,
    evidence: 'Default security groups allow no traffic',
    requirements: ['1.3.1', '1.3.2'],
  },
  {
    service: 'VPC/EC2',
    name: 'restricted-ssh',
    sourceIdentifier: Id.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED,
    evidence: 'No security group admits SSH from anywhere',
    requirements: ['1.3.1', '1.4.2'],
  },
  {
    service: 'VPC/EC2',
    name: 'restricted-common-ports',
    sourceIdentifier: Id.EC2_SECURITY_GROUPS_RESTRICTED_INCOMING_TRAFFIC,
    evidence: 'No security group admits FTP, RDP, MySQL or PostgreSQL from anywhere',
    inputParameters: {
      blockedPort1: '20',
      blockedPort2: '21',
      blockedPort3: '3389',
      blockedPort4: '3306',
      blockedPort5: '5432',
    },
    requirements: ['1.3.1', '1.4.2'],
  },
  {
    service: 'VPC/EC2',
    name: 'vpc-sg-open-only-to-authorized-ports',
    sourceIdentifier: Id.VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS,
    evidence: 'Security groups open to the internet admit only HTTP (redirect) and HTTPS',
    inputParameters: { authorizedTcpPorts: '80,443' },
    requirements: ['1.3.1', '1.4.2'],
  },
  {
    service: 'VPC/EC2',
    name: 'nacl-no-unrestricted-ssh-rdp',
    sourceIdentifier: NACL_NO_UNRESTRICTED_SSH_RDP,
    evidence:
      'The app and data NACLs admit no SSH or RDP from anywhere (the public NACL return range is an accepted exception)',
    requirements: ['1.3.1', '1.4.2'],
  },
  {
    service: 'VPC/EC2',
    name: 'subnet-auto-assign-public-ip-disabled',
    sourceIdentifier: Id.SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED,
    evidence: 'Subnets do not give instances public IP addresses automatically',
    requirements: ['1.4.4'],
  },
  {
    service: 'VPC/EC2',
    name: 'ec2-imdsv2-check',
    sourceIdentifier: Id.EC2_IMDSV2_CHECK,
    evidence: 'Instances (NAT instances, EC2 compute) require IMDSv2',
    requirements: ['2.2.6'],
  },
  {
    service: 'VPC/EC2',
    name: 'encrypted-volumes',
    sourceIdentifier: Id.EBS_ENCRYPTED_VOLUMES,
    evidence: 'Attached EBS volumes are encrypted',
    requirements: ['3.5.1'],
  },
  // IAM (global resource types: evaluated where the recorder records them)
  {
    service: 'IAM',
    name: 'iam-root-access-key-check',
    sourceIdentifier: Id.IAM_ROOT_ACCESS_KEY_CHECK,
    evidence: 'The root user has no access keys',
    requirements: ['7.2.1', '7.2.2'],
  },
  {
    service: 'IAM',
    name: 'root-account-mfa-enabled',
    sourceIdentifier: Id.ROOT_ACCOUNT_MFA_ENABLED,
    evidence: 'The root user signs in with MFA',
    requirements: ['8.4.1'],
  },
  {
    service: 'IAM',
    name: 'mfa-enabled-for-iam-console-access',
    sourceIdentifier: Id.MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS,
    evidence: 'IAM users with a console password have MFA',
    requirements: ['8.4.1', '8.4.2'],
  },
  {
    service: 'IAM',
    name: 'iam-user-mfa-enabled',
    sourceIdentifier: Id.IAM_USER_MFA_ENABLED,
    evidence: 'Every IAM user has MFA',
    requirements: ['8.4.2'],
  },
  {
    service: 'IAM',
    name: 'iam-password-policy',
    sourceIdentifier: Id.IAM_PASSWORD_POLICY,
    evidence: 'The account password policy meets PCI DSS length, complexity, history and age rules',
    inputParameters: {
      RequireUppercaseCharacters: 'true',
      RequireLowercaseCharacters: 'true',
      RequireSymbols: 'true',
      RequireNumbers: 'true',
      MinimumPasswordLength: '12',
      PasswordReusePrevention: '4',
      MaxPasswordAge: '90',
    },
    requirements: ['8.3.6', '8.3.7', '8.3.9'],
  },
  {
    service: 'IAM',
    name: 'iam-policy-no-statements-with-admin-access',
    sourceIdentifier: Id.IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS,
    evidence: 'No customer-managed policy grants "*" on "*"',
    requirements: ['7.2.1', '7.2.2'],
  },
  {
    service: 'IAM',
    name: 'iam-user-no-policies-check',
    sourceIdentifier: Id.IAM_USER_NO_POLICIES_CHECK,
    evidence: 'Permissions are attached to groups or roles, not to individual users',
    requirements: ['7.2.1'],
  },
  {
    service: 'IAM',
    name: 'access-keys-rotated',
    sourceIdentifier: Id.ACCESS_KEYS_ROTATED,
    evidence: 'Active access keys are rotated within 90 days',
    inputParameters: { maxAccessKeyAge: '90' },
    requirements: ['8.3.9', '8.6.3'],
  },
  {
    service: 'IAM',
    name: 'iam-user-unused-credentials-check',
    sourceIdentifier: Id.IAM_USER_UNUSED_CREDENTIALS_CHECK,
    evidence: 'Passwords and access keys unused for 90 days are disabled',
    inputParameters: { maxCredentialUsageAge: '90' },
    requirements: ['8.2.6'],
  },
  // Lambda
  {
    service: 'Lambda',
    name: 'lambda-function-public-access-prohibited',
    sourceIdentifier: Id.LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED,
    evidence: 'No function policy allows public invocation',
    requirements: ['1.4.4', '7.2.1'],
  },
  {
    service: 'Lambda',
    name: 'lambda-function-settings-check',
    sourceIdentifier: Id.LAMBDA_FUNCTION_SETTINGS_CHECK,
    evidence: 'Functions run on the supported Node.js runtime the platform targets',
    inputParameters: { runtime: 'nodejs22.x' },
    requirements: ['6.3.3'],
  },
  // Secrets Manager
  {
    service: 'Secrets Manager',
    name: 'secretsmanager-using-cmk',
    sourceIdentifier: Id.SECRETSMANAGER_USING_CMK,
    evidence: 'Secrets are encrypted with a customer-managed key',
    requirements: ['3.6.1'],
  },
  {
    service: 'Secrets Manager',
    name: 'secretsmanager-rotation-enabled-check',
    sourceIdentifier: Id.SECRETSMANAGER_ROTATION_ENABLED_CHECK,
    evidence: 'Secrets have rotation configured',
    requirements: ['8.6.3'],
  },
  {
    service: 'Secrets Manager',
    name: 'secretsmanager-scheduled-rotation-success-check',
    sourceIdentifier: Id.SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK,
    evidence: 'The last scheduled rotation of each secret succeeded',
    requirements: ['8.6.3'],
  },
  // API Gateway
  {
    service: 'API Gateway',
    name: 'api-gw-execution-logging-enabled',
    sourceIdentifier: Id.API_GW_EXECUTION_LOGGING_ENABLED,
    evidence: 'REST API stages log execution (at ERROR or INFO level, never full request bodies)',
    requirements: ['10.2.1'],
  },
  {
    service: 'API Gateway',
    name: 'api-gw-associated-with-waf',
    sourceIdentifier: Id.API_GW_ASSOCIATED_WITH_WAF,
    evidence: 'REST API stages are protected by a web ACL',
    requirements: ['6.4.2'],
  },
  {
    service: 'API Gateway',
    name: 'api-gw-ssl-enabled',
    sourceIdentifier: Id.API_GW_SSL_ENABLED,
    evidence: 'REST API stages present a client certificate to their backends',
    requirements: ['4.2.1'],
  },
  // CloudFront
  {
    service: 'CloudFront',
    name: 'cloudfront-viewer-policy-https',
    sourceIdentifier: Id.CLOUDFRONT_VIEWER_POLICY_HTTPS,
    evidence: 'Distributions serve viewers over HTTPS only (or redirect)',
    requirements: ['4.2.1'],
  },
  {
    service: 'CloudFront',
    name: 'cloudfront-security-policy-check',
    sourceIdentifier: Id.CLOUDFRONT_SECURITY_POLICY_CHECK,
    evidence: 'Distributions use a current TLS security policy',
    requirements: ['4.2.1'],
  },
  {
    service: 'CloudFront',
    name: 'cloudfront-associated-with-waf',
    sourceIdentifier: Id.CLOUDFRONT_ASSOCIATED_WITH_WAF,
    evidence: 'Distributions are protected by a web ACL',
    requirements: ['6.4.2'],
  },
  {
    service: 'CloudFront',
    name: 'cloudfront-s3-origin-access-control-enabled',
    sourceIdentifier: CLOUDFRONT_S3_ORIGIN_ACCESS_CONTROL_ENABLED,
    evidence: 'S3 origins are reachable only through origin access control',
    requirements: ['1.4.4', '7.2.1'],
  },
  {
    service: 'CloudFront',
    name: 'cloudfront-accesslogs-enabled',
    sourceIdentifier: Id.CLOUDFRONT_ACCESSLOGS_ENABLED,
    evidence: 'Distributions write access logs',
    requirements: ['10.2.1'],
  },
  // GuardDuty
  {
    service: 'GuardDuty',
    name: 'guardduty-enabled-centralized',
    sourceIdentifier: Id.GUARDDUTY_ENABLED_CENTRALIZED,
    evidence: 'GuardDuty threat detection is enabled in the account and region',
    requirements: ['11.5.1'],
  },
  {
    service: 'GuardDuty',
    name: 'guardduty-non-archived-findings',
    sourceIdentifier: Id.GUARDDUTY_NON_ARCHIVED_FINDINGS,
    evidence: 'Findings are triaged in time: high within 1 day, medium within 7, low within 30',
    inputParameters: { daysHighSev: '1', daysMediumSev: '7', daysLowSev: '30' },
    requirements: ['11.5.1', '12.10.5'],
  },
  {
    service: 'GuardDuty',
    name: 'guardduty-malware-protection-enabled',
    sourceIdentifier: GUARDDUTY_MALWARE_PROTECTION_ENABLED,
    evidence: 'GuardDuty scans EBS volumes of EC2 workloads for malware',
    requirements: ['5.2.1', '5.2.2'],
  },
  {
    service: 'GuardDuty',
    name: 'guardduty-ecs-protection-runtime-enabled',
    sourceIdentifier: GUARDDUTY_ECS_PROTECTION_RUNTIME_ENABLED,
    evidence: 'GuardDuty Runtime Monitoring with agent management covers ECS on Fargate',
    requirements: ['5.2.2', '11.5.1'],
  },
  {
    service: 'GuardDuty',
    name: 'guardduty-s3-protection-enabled',
    sourceIdentifier: GUARDDUTY_S3_PROTECTION_ENABLED,
    evidence: 'GuardDuty analyses S3 data events for suspicious access',
    requirements: ['11.5.1'],
  },
  // Security Hub
  {
    service: 'Security Hub',
    name: 'securityhub-enabled',
    sourceIdentifier: Id.SECURITYHUB_ENABLED,
    evidence: 'Security Hub aggregates findings and runs the PCI DSS controls',
    requirements: ['10.4.1.1', '10.7.2'],
  },
  // CloudWatch Logs
  {
    service: 'CloudWatch Logs',
    name: 'cloudwatch-log-group-encrypted',
    sourceIdentifier: Id.CLOUDWATCH_LOG_GROUP_ENCRYPTED,
    evidence: 'Log groups are encrypted with a customer-managed KMS key',
    requirements: ['10.3.2'],
  },
  {
    service: 'CloudWatch Logs',
    name: 'cw-loggroup-retention-period-check',
    sourceIdentifier: Id.CW_LOGGROUP_RETENTION_PERIOD_CHECK,
    evidence: 'Log groups keep events at least 365 days',
    inputParameters: { MinRetentionTime: '365' },
    requirements: ['10.5.1'],
  },
];
