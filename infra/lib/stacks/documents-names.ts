import type { EnvironmentConfig } from '../../config/index.js';
import { uniqueNameIn } from '../naming.js';

/**
 * Names of the documents resources, derived from the config alone: the primary and the DR stack both compute
 * them, so the replication configuration, the replica key policy and the alarms need no cross-region reference.
 */
type Names = Pick<EnvironmentConfig, 'envName' | 'accounts' | 'regions'>;

const where = (config: Names, region: string) => ({
  envName: config.envName,
  account: config.accounts.payment,
  region,
});

/** The documents bucket in the primary region. */
export function documentsBucketName(config: Names): string {
  return uniqueNameIn(where(config, config.regions.primary), 'documents');
}

/** The replica bucket in the DR region. */
export function documentsReplicaBucketName(config: Names): string {
  return uniqueNameIn(where(config, config.regions.dr), 'documents-dr');
}

export function documentsKeyAlias(config: Names): string {
  return `alias/tessera/${config.envName}/documents`;
}

/** The replica key's alias in the DR region; the replication configuration names the key by its alias ARN. */
export function documentsReplicaKeyAlias(config: Names): string {
  return `alias/tessera/${config.envName}/documents-dr`;
}

/** The replication role (IAM names are global; the primary region keeps a DR rebuild from colliding with it). */
export function documentsReplicationRoleName(config: Names): string {
  return uniqueNameIn(where(config, config.regions.primary), 'docs-replication');
}
