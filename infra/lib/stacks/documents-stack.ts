import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { DocumentsConfig } from '../../config/documents.js';
import type { EnvironmentConfig } from '../../config/index.js';
import { acknowledge } from '../compliance/acknowledge.js';
import { AccessLogBucket } from '../constructs/access-log-bucket.js';
import {
  DocumentBucket,
  type DocumentBucketProps,
  type IDocumentPrefix,
} from '../constructs/documents/document-bucket.js';
import { DocumentReplication } from '../constructs/documents/document-replication.js';
import { uniqueName } from '../naming.js';
import { toRemovalPolicy } from '../removal-policy.js';
import {
  documentsBucketName,
  documentsKeyAlias,
  documentsReplicaBucketName,
  documentsReplicaKeyAlias,
  documentsReplicationRoleName,
} from './documents-names.js';

/** Who writes where in the documents bucket; each writer is granted its own prefix only. */
export const DOCUMENT_PREFIXES = {
  /** Settlement reports of the payment API's settlement worker: `settlements/<merchant>/<date>.csv`. */
  settlements: 'settlements/',
  /** Merchant statements exported by the processing tier: `statements/<merchant>/<month>.csv`. */
  statements: 'statements/',
  /** Dispute evidence the payment API stores for merchants: `disputes/<merchant>/<dispute>/<file>`. */
  disputes: 'disputes/',
} as const;

export interface DocumentsStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /** Receives the failed-replication alarm (the security stack's operations topic). */
  readonly operationsTopic: sns.ITopic;
}

/** Lifecycle and Object Lock of the documents config as the bucket construct takes them (both regions alike). */
export function documentRetention(
  documents: DocumentsConfig,
): Pick<DocumentBucketProps, 'lifecycle' | 'objectLockRetention'> {
  const { lifecycle } = documents;
  return {
    lifecycle: {
      infrequentAccessAfter: Duration.days(lifecycle.infrequentAccessDays),
      glacierFlexibleRetrievalAfter: Duration.days(lifecycle.glacierFlexibleRetrievalDays),
      deepArchiveAfter: Duration.days(lifecycle.deepArchiveDays),
      noncurrentVersionExpiration: Duration.days(lifecycle.noncurrentVersionExpirationDays),
      abortIncompleteMultipartUploadAfter: Duration.days(lifecycle.abortIncompleteMultipartUploadDays),
    },
    objectLockRetention:
      documents.objectLockRetentionDays > 0 ? Duration.days(documents.objectLockRetentionDays) : undefined,
  };
}

/**
 * The documents bucket (settlement reports, statements, dispute evidence) with its own key and access logs, and
 * its replication to the DR region's replica (`Tessera-<env>-DocumentsDr`, named from the config, ADR 0030).
 */
export class DocumentsStack extends Stack {
  readonly documents: DocumentBucket;
  /** The payment API's part of the bucket: write-only, under `disputes/`. */
  readonly paymentApiDocuments: IDocumentPrefix;
  /** The settlement reports the payment API's settlement worker writes: write-only, under `settlements/`. */
  readonly settlementReports: IDocumentPrefix;
  /** Present when `documents.replication.enabled`. */
  readonly replication?: DocumentReplication;

  constructor(scope: Construct, id: string, props: DocumentsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { documents } = config;
    const removalPolicy = toRemovalPolicy(config.removalPolicy);

    const accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      bucketName: uniqueName(this, 'documents-logs'),
      expirationDays: documents.accessLogRetentionDays,
      removalPolicy,
    });
    this.documents = new DocumentBucket(this, 'Documents', {
      bucketName: documentsBucketName(config),
      keyAlias: documentsKeyAlias(config),
      description: `settlement reports, statements and dispute evidence of ${config.envName}`,
      ...documentRetention(documents),
      accessLogBucket: accessLogs.bucket,
      removalPolicy,
    });
    this.paymentApiDocuments = this.documents.prefix(DOCUMENT_PREFIXES.disputes);
    this.settlementReports = this.documents.prefix(DOCUMENT_PREFIXES.settlements);

    if (documents.replication.enabled) {
      this.replication = new DocumentReplication(this, 'Replication', {
        source: this.documents,
        destination: {
          bucketName: documentsReplicaBucketName(config),
          region: config.regions.dr,
          keyAlias: documentsReplicaKeyAlias(config),
        },
        roleName: documentsReplicationRoleName(config),
        timeControl: Duration.minutes(documents.replication.timeControlMinutes),
        failedOperationsThreshold: documents.replication.alarms.failedOperations,
        alarmTopic: props.operationsTopic,
      });
    } else {
      acknowledge(
        this.documents.bucket,
        ['PCI.DSS.321-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled'],
        `documents.replication.enabled is false for ${config.envName}, which the config allows only where ` +
          "removalPolicy is 'destroy' (no retained payment records); versioning still keeps every version.",
      );
    }

    new CfnOutput(this, 'DocumentsBucketName', {
      value: this.documents.bucketName,
      description: 'Documents bucket: settlements/, statements/, disputes/ (SSE-KMS, versioned)',
    });
    new CfnOutput(this, 'DocumentsKeyArn', {
      value: this.documents.key.keyArn,
      description: 'KMS key of the documents bucket',
    });
  }
}
