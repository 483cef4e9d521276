import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { acknowledgeVpcNodeFunction } from '../lambda-acknowledgements.js';
import { ESM_BUNDLING } from '../lambda-bundling.js';

export interface SecretRotationFunctionProps {
  readonly vpc: ec2.IVpc;
  /** Subnets with a path to the Secrets Manager interface endpoint (the app tier). */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Absolute path of the TypeScript handler module (exports `handler`). */
  readonly entry: string;
  /** Absolute path of the lockfile of the npm workspace that holds the handler; its folder is the bundling root. */
  readonly depsLockFilePath: string;
  /** Key for the function's log group. */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Keep the function's log group when the stack goes away. */
  readonly retainLogs: boolean;
  /**
   * Extra environment variables for the handler (no secret values: they are read from Secrets Manager).
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Concurrent executions reserved for (and capping) the function.
   * @default 2
   */
  readonly reservedConcurrency?: number;
  /**
   * Time limit of one rotation step.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
}

/**
 * Our Secrets Manager rotation function for PostgreSQL users, bundled from TypeScript by esbuild (local
 * install, no Docker) into one ESM file for nodejs22.x on ARM64. It runs in the VPC with its own security
 * group whose only egress is HTTPS inside the VPC (the Secrets Manager endpoint); database access is added by
 * the caller with `connections.allowTo(...)`.
 */
export class SecretRotationFunction extends Construct implements ec2.IConnectable {
  readonly function: nodejs.NodejsFunction;
  readonly securityGroup: ec2.SecurityGroup;
  readonly connections: ec2.Connections;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SecretRotationFunctionProps) {
    super(scope, id);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Secret rotation function: HTTPS to VPC endpoints, PostgreSQL to the database',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(
      ec2.Peer.ipv4(props.vpc.vpcCidrBlock),
      ec2.Port.tcp(443),
      'HTTPS to the Secrets Manager interface endpoint',
    );

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description:
        'Rotates PostgreSQL user secrets with alternating users (createSecret/setSecret/testSecret/finishSecret)',
      entry: props.entry,
      handler: 'handler',
      depsLockFilePath: props.depsLockFilePath,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // One rotation per secret runs at a time; the reserve caps the function and guarantees it capacity.
      reservedConcurrentExecutions: props.reservedConcurrency ?? 2,
      timeout: props.timeout ?? Duration.seconds(60),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...props.environment },
      bundling: ESM_BUNDLING,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup] });
    this.acknowledgeFindings();
  }

  private acknowledgeFindings(): void {
    const fn = this.function;
    acknowledgeVpcNodeFunction(fn);
    acknowledge(
      fn,
      'NIST.800.53.R5-LambdaDLQ',
      'Secrets Manager invokes rotation synchronously and records each failed step on the secret (the rotation stays pending and is retried); an asynchronous dead-letter queue would never receive an event',
    );
    const role = fn.node.findChild('ServiceRole');
    // The role's default policy is filled by the grants of the rotation schedule and the master secret.
    const inline =
      'Grant-generated policy bound one-to-one to the rotation role: read/write of the rotated secret, read of the master secret, KMS use of their key; inline so it is created and deleted with the role';
    acknowledge(role, ['PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy'], inline);
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'secretsmanager:GetRandomPassword (granted with the rotation schedule) generates the new password and supports no resource-level permissions; every other action names its secret or key',
    );
  }
}
