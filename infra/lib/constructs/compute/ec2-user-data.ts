import { Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  PAYMENT_API_PORT,
  PAYMENT_API_USER,
  paymentApiEnvironment,
  paymentApiSecrets,
  type PaymentApiRuntimeProps,
} from './payment-api-runtime.js';

export interface PaymentApiUserDataProps {
  readonly image: ecrAssets.DockerImageAsset;
  readonly runtime: PaymentApiRuntimeProps;
  readonly logGroup: logs.ILogGroup;
}

const START_SCRIPT = '/usr/local/bin/payment-api-start';
const ENV_FILE = '/run/payment-api/env';

/**
 * Boot script for an Amazon Linux 2023 instance that runs the payment API image with the same
 * environment and secrets as the Fargate task. Secrets are fetched by a systemd unit with the
 * instance role on every (re)start and written only to /run (tmpfs, mode 0600) — never into the
 * user data, which holds secret ARNs only.
 */
export function paymentApiUserData(scope: Construct, props: PaymentApiUserDataProps): ec2.UserData {
  const region = Stack.of(scope).region;
  const registry = Fn.select(0, Fn.split('/', props.image.imageUri));
  const env = paymentApiEnvironment(scope, props.runtime);
  const secrets = paymentApiSecrets(scope, props.runtime);

  const envLines = Object.entries(env).map(([name, value]) => `echo '${name}=${value}'`);
  // Each secret is read into a variable first: a failed read then stops the script (set -e applies to
  // assignments, not to command substitutions inside echo), so the container never starts half-configured.
  const secretReads = Object.entries(secrets).map(([name, binding]) => {
    const fetch = `aws secretsmanager get-secret-value --region "$REGION" --secret-id '${binding.secret.secretArn}' --query SecretString --output text`;
    // python3 ships with Amazon Linux 2023; it reads one JSON field without another package.
    const field = `python3 -c 'import json,sys; print(json.load(sys.stdin)["${binding.field}"])'`;
    return binding.field ? `${name}="$(${fetch} | ${field})"` : `${name}="$(${fetch})"`;
  });
  const secretLines = Object.keys(secrets).map((name) => `echo "${name}=$${name}"`);

  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    'set -euo pipefail',
    'dnf install -y docker',
    'systemctl enable --now docker',
    `cat > ${START_SCRIPT} <<'SCRIPT'`,
    '#!/bin/bash',
    'set -euo pipefail',
    `REGION='${region}'`,
    `IMAGE='${props.image.imageUri}'`,
    'install -d -m 0700 /run/payment-api',
    'umask 077',
    ...secretReads,
    '{',
    ...envLines.map((line) => `  ${line}`),
    ...secretLines.map((line) => `  ${line}`),
    `} > ${ENV_FILE}.tmp`,
    `mv ${ENV_FILE}.tmp ${ENV_FILE}`,
    `aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin '${registry}'`,
    'docker pull "$IMAGE"',
    'docker rm -f payment-api >/dev/null 2>&1 || true',
    [
      `exec docker run --name payment-api --rm --user ${PAYMENT_API_USER} --read-only --tmpfs /tmp`,
      `-p ${PAYMENT_API_PORT}:${PAYMENT_API_PORT} --env-file ${ENV_FILE}`,
      `--log-driver awslogs --log-opt awslogs-region="$REGION" --log-opt awslogs-group='${props.logGroup.logGroupName}'`,
      '--log-opt awslogs-stream-prefix=payment-api "$IMAGE"',
    ].join(' '),
    'SCRIPT',
    `chmod 0750 ${START_SCRIPT}`,
    "cat > /etc/systemd/system/payment-api.service <<'UNIT'",
    '[Unit]',
    'Description=Tessera payment API container',
    'After=docker.service network-online.target',
    'Requires=docker.service',
    '[Service]',
    `ExecStart=${START_SCRIPT}`,
    'ExecStop=/usr/bin/docker stop --time 30 payment-api',
    'ExecStopPost=/usr/bin/rm -f ' + ENV_FILE,
    'Restart=always',
    'RestartSec=5',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'systemctl daemon-reload',
    'systemctl enable --now payment-api.service',
  );
  return userData;
}
