import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';

export interface SharedFileSystemProps {
  readonly vpc: ec2.IVpc;
  /** One mount target per subnet (the app tier, one per zone). */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The only group admitted on NFS (2049): the nodes. */
  readonly clients: ec2.ISecurityGroup;
  /** POSIX owner of the access point's directory and of every file written through it. */
  readonly uid: number;
  /** Directory the access point exposes, e.g. `/settlement-staging`. */
  readonly path: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * EFS for files the pods share across zones (settlement report staging, ADR 0044): KMS-encrypted with its own
 * key, mount targets in the app subnets admitting only the nodes on 2049, a file system policy that refuses any
 * connection without TLS and allows mounting only through a mount target, an access point that pins the
 * workload's uid/gid, and AWS Backup's daily default backups.
 */
export class SharedFileSystem extends Construct {
  public readonly fileSystem: efs.FileSystem;
  public readonly accessPoint: efs.AccessPoint;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: SharedFileSystemProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Encryption of the payment API shared file system (EFS)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: props.removalPolicy,
    });
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Payment API shared file system: NFS (2049) from the EKS nodes only',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(props.clients, ec2.Port.tcp(2049), 'NFS from the EKS nodes');

    this.fileSystem = new efs.FileSystem(this, 'FileSystem', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroup,
      encrypted: true,
      kmsKey: this.key,
      performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
      throughputMode: efs.ThroughputMode.ELASTIC,
      enableAutomaticBackups: true,
      removalPolicy: props.removalPolicy,
      fileSystemPolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'DenyWithoutTls',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: ['*'],
            resources: ['*'],
            conditions: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          new iam.PolicyStatement({
            sid: 'MountThroughMountTargets',
            principals: [new iam.AnyPrincipal()],
            actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
            resources: ['*'],
            conditions: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
          }),
        ],
      }),
    });

    acknowledge(
      this.fileSystem,
      'NIST.800.53.R5-EFSInBackupPlan',
      'Automatic backups are on: EFS adds the file system to the AWS Backup plan aws/efs/automatic-backup-plan ' +
        '(daily, 35-day retention), which EFS itself manages, so no BackupSelection appears in this template.',
    );
    this.accessPoint = this.fileSystem.addAccessPoint('AccessPoint', {
      path: props.path,
      posixUser: { uid: String(props.uid), gid: String(props.uid) },
      createAcl: { ownerUid: String(props.uid), ownerGid: String(props.uid), permissions: '750' },
    });
  }

  /** The EFS CSI driver's volume handle of the access point: `<file system id>::<access point id>`. */
  get volumeHandle(): string {
    return `${this.fileSystem.fileSystemId}::${this.accessPoint.accessPointId}`;
  }
}
