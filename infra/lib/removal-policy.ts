import { RemovalPolicy } from 'aws-cdk-lib';
import type { EnvironmentConfig } from '../config/index.js';

/** Maps the configured removal policy to CDK's; prod retains, dev destroys. */
export function toRemovalPolicy(policy: EnvironmentConfig['removalPolicy']): RemovalPolicy {
  return policy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}
