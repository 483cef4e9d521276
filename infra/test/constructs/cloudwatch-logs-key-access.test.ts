import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { cloudWatchLogsKeyAccess } from '../../lib/constructs/cloudwatch-logs-key-access.js';

const resolve = (statement: ReturnType<typeof cloudWatchLogsKeyAccess>) =>
  new Stack().resolve(statement.toStatementJson()) as Record<string, unknown>;

describe('cloudWatchLogsKeyAccess', () => {
  const actions = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'];

  it('binds one log group with ArnEquals on the aws:logs:arn encryption context', () => {
    const arn = 'arn:aws:logs:eu-central-1:111111111111:log-group:trail';
    expect(
      resolve(cloudWatchLogsKeyAccess({ sid: 'Trail', region: 'eu-central-1', logGroupArn: arn })),
    ).toEqual({
      Sid: 'Trail',
      Effect: 'Allow',
      Principal: { Service: 'logs.eu-central-1.amazonaws.com' },
      Action: actions,
      Resource: '*',
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': arn } },
    });
  });

  it('binds every log group a pattern matches with ArnLike', () => {
    const pattern = 'arn:aws:logs:us-east-1:111111111111:*';
    const json = resolve(
      cloudWatchLogsKeyAccess({ sid: 'All', region: 'us-east-1', logGroupArnPattern: pattern }),
    );
    expect(json.Principal).toEqual({ Service: 'logs.us-east-1.amazonaws.com' });
    expect(json.Condition).toEqual({ ArnLike: { 'kms:EncryptionContext:aws:logs:arn': pattern } });
  });
});
