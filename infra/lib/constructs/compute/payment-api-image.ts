import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import { Construct } from 'constructs';

export interface PaymentApiImageProps {
  /** Build context: the repository root (the Dockerfile installs from the workspace lockfile). */
  readonly contextDirectory: string;
  /**
   * Dockerfile, relative to the context.
   * @default 'services/payment-api/Dockerfile'
   */
  readonly file?: string;
}

/**
 * Only these paths of the repository reach the build context (and the asset hash), so a change
 * to infra code or docs neither rebuilds the image nor copies the whole repository into cdk.out.
 */
const CONTEXT_ALLOWLIST = [
  '**',
  '!package.json',
  '!package-lock.json',
  '!tsconfig.base.json',
  '!infra/package.json',
  '!services/functions/package.json',
  '!services/payment-api/**',
  'services/payment-api/node_modules',
  'services/payment-api/dist',
  'services/payment-api/.tessera',
  'services/payment-api/test',
  'services/payment-api/bench',
];

/** The payment API container image for linux/arm64, built by CDK from the repository (no public image). */
export class PaymentApiImage extends Construct {
  public readonly asset: ecrAssets.DockerImageAsset;

  constructor(scope: Construct, id: string, props: PaymentApiImageProps) {
    super(scope, id);
    this.asset = new ecrAssets.DockerImageAsset(this, 'Asset', {
      directory: props.contextDirectory,
      file: props.file ?? 'services/payment-api/Dockerfile',
      platform: ecrAssets.Platform.LINUX_ARM64,
      exclude: CONTEXT_ALLOWLIST,
      assetName: 'payment-api',
    });
  }
}
