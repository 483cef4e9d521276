import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationHandler } from 'aws-lambda';
import { AwsSecretsManager } from '../secrets-manager/aws-secrets-manager.js';
import { createRotationHandler } from './create-handler.js';
import { pgConnector } from './database.js';
import { resolveDatabaseTls } from './database-tls.js';
import { iamTokenSignerFrom } from './iam-token.js';

/**
 * Lambda entry point (bundled by the CDK's NodejsFunction, runtime nodejs22.x, ESM). Configuration errors —
 * e.g. `DB_TLS=disable` inside Lambda — fail the cold start instead of producing a weaker connection.
 *
 * Environment: `DB_TLS` (verify-full | disable, tests only), `DB_TLS_CA_FILE` (PEM bundle; Lambda default
 * `/var/runtime/ca-cert.pem`), `SECRETS_MANAGER_ENDPOINT` (optional, e.g. a VPC endpoint URL), `DB_USER_AUTH`
 * (`password` by default; `iam` when the application users hold rds_iam and log in without RDS Proxy).
 */
const rotationHandler = createRotationHandler({
  secrets: new AwsSecretsManager(
    new SecretsManagerClient({ endpoint: process.env['SECRETS_MANAGER_ENDPOINT'] || undefined }),
  ),
  connect: pgConnector(resolveDatabaseTls(process.env)),
  iamToken: iamTokenSignerFrom(process.env),
});

export const handler: SecretsManagerRotationHandler = (event) => rotationHandler(event);
