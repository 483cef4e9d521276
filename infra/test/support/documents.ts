import { Duration } from 'aws-cdk-lib';
import type { DocumentLifecycle } from '../../lib/constructs/documents/document-lifecycle.js';

/** The seeds' documents lifecycle with the dev noncurrent-version expiry. */
export const LIFECYCLE: DocumentLifecycle = {
  infrequentAccessAfter: Duration.days(30),
  glacierFlexibleRetrievalAfter: Duration.days(90),
  deepArchiveAfter: Duration.days(180),
  noncurrentVersionExpiration: Duration.days(30),
  abortIncompleteMultipartUploadAfter: Duration.days(7),
};

/** A value with each `Fn::Join` of literals and `Ref`s written as text (`arn:${AWS::Partition}:s3:::…`). */
export function joined(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_, v: unknown) => {
      const join = (v as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
      if (!join) return v;
      return join[1]
        .map((part) => (typeof part === 'string' ? part : `\${${(part as { Ref: string }).Ref}}`))
        .join(join[0]);
    }),
  );
}
