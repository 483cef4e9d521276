import type { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** How long documents stay in each storage class; noncurrent versions follow the same ages once noncurrent. */
export interface DocumentLifecycle {
  readonly infrequentAccessAfter: Duration;
  readonly glacierFlexibleRetrievalAfter: Duration;
  readonly deepArchiveAfter: Duration;
  /** Age (since it became noncurrent) at which an overwritten or deleted version is removed. */
  readonly noncurrentVersionExpiration: Duration;
  readonly abortIncompleteMultipartUploadAfter: Duration;
}

/** Lifecycle rule ids: part of the deployed bucket configuration, so keep them stable. */
export const DOCUMENT_LIFECYCLE_RULE_IDS = {
  storageClasses: 'storage-classes',
  noncurrentVersions: 'noncurrent-versions',
  incompleteUploads: 'incomplete-uploads',
} as const;

/**
 * The documents lifecycle: current versions move Standard → Standard-IA → Glacier Flexible Retrieval → Deep
 * Archive and are never expired; noncurrent versions move the same way until they expire (only the transitions
 * before their expiration, which S3 would otherwise refuse); delete markers without versions are cleaned up;
 * incomplete multipart uploads are aborted. S3's minimum ages between classes are checked by the config.
 */
export function documentLifecycleRules(lifecycle: DocumentLifecycle): s3.LifecycleRule[] {
  const classes: readonly [s3.StorageClass, Duration][] = [
    [s3.StorageClass.INFREQUENT_ACCESS, lifecycle.infrequentAccessAfter],
    [s3.StorageClass.GLACIER, lifecycle.glacierFlexibleRetrievalAfter],
    [s3.StorageClass.DEEP_ARCHIVE, lifecycle.deepArchiveAfter],
  ];
  const expiresAfter = lifecycle.noncurrentVersionExpiration.toDays();
  return [
    {
      id: DOCUMENT_LIFECYCLE_RULE_IDS.storageClasses,
      transitions: classes.map(([storageClass, transitionAfter]) => ({ storageClass, transitionAfter })),
      noncurrentVersionTransitions: classes
        .filter(([, after]) => after.toDays() < expiresAfter)
        .map(([storageClass, transitionAfter]) => ({ storageClass, transitionAfter })),
    },
    {
      id: DOCUMENT_LIFECYCLE_RULE_IDS.noncurrentVersions,
      noncurrentVersionExpiration: lifecycle.noncurrentVersionExpiration,
      expiredObjectDeleteMarker: true,
    },
    {
      id: DOCUMENT_LIFECYCLE_RULE_IDS.incompleteUploads,
      abortIncompleteMultipartUploadAfter: lifecycle.abortIncompleteMultipartUploadAfter,
    },
  ];
}
