import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/index.js';
import { EncryptionKeys } from '../constructs/encryption-keys.js';
import { toRemovalPolicy } from './removal-policy.js';

export interface SecurityStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/** Security baseline of the payment account: per-purpose KMS keys first, everything else builds on them. */
export class SecurityStack extends Stack {
  readonly keys: {
    readonly data: kms.IKey;
    readonly logs: kms.IKey;
    readonly secrets: kms.IKey;
    readonly backups: kms.IKey;
    readonly vault: kms.IKey;
  };

  constructor(scope: Construct, id: string, props: SecurityStackProps) {
    super(scope, id, props);
    const { config } = props;

    const encryption = new EncryptionKeys(this, 'Keys', {
      aliasPrefix: `tessera/${config.envName}`,
      removalPolicy: toRemovalPolicy(config.removalPolicy),
    });
    this.keys = encryption.keys;
  }
}
