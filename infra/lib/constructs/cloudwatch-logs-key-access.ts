import * as iam from 'aws-cdk-lib/aws-iam';

/** Which log groups may use the key: exactly one log group ARN, or every log group an ARN pattern matches. */
export type LogGroupArnMatch = { readonly logGroupArn: string } | { readonly logGroupArnPattern: string };

export type CloudWatchLogsKeyAccessProps = LogGroupArnMatch & {
  /** Statement id in the key policy; part of the deployed policy, so keep it stable. */
  readonly sid: string;
  /** Region of the CloudWatch Logs service principal (`logs.<region>.amazonaws.com`). */
  readonly region: string;
};

/**
 * Key-policy statement that lets CloudWatch Logs encrypt and decrypt the log groups it names with the key,
 * bound through the `aws:logs:arn` encryption context (the grant AWS documents for KMS-encrypted log groups).
 */
export function cloudWatchLogsKeyAccess(props: CloudWatchLogsKeyAccessProps): iam.PolicyStatement {
  const context = 'kms:EncryptionContext:aws:logs:arn';
  return new iam.PolicyStatement({
    sid: props.sid,
    principals: [new iam.ServicePrincipal(`logs.${props.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions:
      'logGroupArn' in props
        ? { ArnEquals: { [context]: props.logGroupArn } }
        : { ArnLike: { [context]: props.logGroupArnPattern } },
  });
}
