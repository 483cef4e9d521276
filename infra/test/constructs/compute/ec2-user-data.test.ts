import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEc2Service } from '../../support/compute.js';

/** The boot script's inner start script, with every CloudFormation token replaced by a readable stand-in. */
function startScript(): string {
  const lt = Object.values(buildEc2Service().findResources('AWS::EC2::LaunchTemplate'))[0];
  const parts = lt?.Properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Join'][1] as unknown[];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const json = JSON.stringify(p);
      if (json.includes('DbSecret')) return 'db-secret-arn';
      if (json.includes('VaultFingerprintKey')) return 'fingerprint-secret-arn';
      if (json.includes('ServiceHmacKey')) return 'hmac-secret-arn';
      if (json.includes('Fn::Split')) return '111111111111.dkr.ecr.eu-central-1.amazonaws.com';
      if (json.includes('container-assets'))
        return '111111111111.dkr.ecr.eu-central-1.amazonaws.com/repo:tag';
      if (json.includes('Logs')) return 'api-log-group';
      if (json.includes('VaultKey')) return 'vault-key-arn';
      if (json.includes('AWS::URLSuffix')) return 'amazonaws.com';
      return 'token';
    })
    .join('');
  const inner = text.split("<<'SCRIPT'\n")[1]?.split('\nSCRIPT\n')[0];
  if (!inner) throw new Error('start script not found in user data');
  return inner;
}

interface Run {
  readonly status: number | null;
  readonly envFile?: string;
  readonly dockerCalls: string;
}

/** Runs the start script with fake `aws` and `docker` commands; /run is redirected to a temp dir. */
function run(script: string, failingSecret?: string): Run {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-boot-'));
  const bin = join(dir, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  const calls = join(dir, 'docker-calls');
  writeFileSync(
    join(bin, 'aws'),
    `#!/bin/bash
case "$*" in
  *"ecr get-login-password"*) echo ecr-token ;;
  *"${failingSecret ?? 'never'}"*) echo "AccessDenied" >&2; exit 254 ;;
  *db-secret-arn*) echo '{"username":"payment_api_clone","password":"p@ss w0rd=x","engine":"postgres"}' ;;
  *fingerprint-secret-arn*) echo 'FingerprintKeyFingerprintKeyFingerprintKeyFingerprintKey0123456' ;;
  *hmac-secret-arn*) echo 'HmacKeyHmacKeyHmacKeyHmacKeyHmacKeyHmacKeyHmacKeyHmacKeyHmacKey1' ;;
  *) echo "unexpected aws call: $*" >&2; exit 2 ;;
esac
`,
  );
  writeFileSync(
    join(bin, 'docker'),
    `#!/bin/bash\necho "$*" >> '${calls}'\n[ "$1" = login ] && cat >/dev/null\nexit 0\n`,
  );
  chmodSync(join(bin, 'aws'), 0o755);
  chmodSync(join(bin, 'docker'), 0o755);
  const runDir = join(dir, 'run');
  const result = spawnSync('bash', ['-c', script.replaceAll('/run/payment-api', runDir)], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    encoding: 'utf8',
  });
  const envPath = join(runDir, 'env');
  return {
    status: result.status,
    envFile: existsSync(envPath) ? readFileSync(envPath, 'utf8') : undefined,
    dockerCalls: existsSync(calls) ? readFileSync(calls, 'utf8') : '',
  };
}

describe('EC2 boot script', () => {
  let script: string;
  beforeAll(() => {
    script = startScript();
  });

  it('writes the same environment and secrets as the Fargate task (IAM database login, no database password), then runs the image read-only', () => {
    const { status, envFile, dockerCalls } = run(script);
    expect(status).toBe(0);
    expect(envFile?.split('\n').filter(Boolean)).toEqual([
      'PORT=8080',
      'NODE_ENV=production',
      'LOG_LEVEL=info',
      'AWS_REGION=eu-central-1',
      'PGHOST=proxy.example.internal',
      'PGPORT=5432',
      'PGDATABASE=tessera',
      'DATABASE_SSL=verify-full',
      'DATABASE_AUTH=iam',
      'DATABASE_SECRET_ARN=db-secret-arn',
      'DATABASE_OWNER_ROLE=payment_api',
      'VAULT_KEK=kms',
      'VAULT_KMS_KEY_ID=vault-key-arn',
      'TRUST_PROXY=10.0.0.0/16',
      'DOCUMENTS_BUCKET=tessera-test-documents-111111111111-eu-central-1',
      'DOCUMENTS_PREFIX=disputes/',
      'METRICS_ENVIRONMENT=test',
      'EVENTS_QUEUE_URL=https://sqs.eu-central-1.amazonaws.com/111111111111/tessera-test-events.fifo',
      'WEBHOOK_RETRY_SCHEDULE=60,300,1800',
      'SETTLEMENT_DELAY_DAYS=2',
      'SETTLEMENT_HOUR_UTC=2',
      'VAULT_FINGERPRINT_KEY=FingerprintKeyFingerprintKeyFingerprintKeyFingerprintKey0123456',
      'SERVICE_HMAC_KEY=HmacKeyHmacKeyHmacKeyHmacKeyHmacKeyHmacKeyHmacKeyHmacKeyHmacKey1',
    ]);
    expect(envFile).not.toMatch(/PGUSER|PGPASSWORD|p@ss w0rd/);
    expect(dockerCalls).toMatch(
      /^login --username AWS --password-stdin 111111111111\.dkr\.ecr\.eu-central-1\.amazonaws\.com$/m,
    );
    expect(dockerCalls).toMatch(/^pull 111111111111\.dkr\.ecr\.eu-central-1\.amazonaws\.com\/repo:tag$/m);
    expect(dockerCalls).toMatch(
      /^run --name payment-api --rm --user 1000:1000 --read-only --tmpfs \/tmp -p 8080:8080 --env-file \S+\/env --log-driver awslogs .*awslogs-group=api-log-group .*repo:tag$/m,
    );
  });

  it('stops before writing the environment or starting anything when a secret cannot be read', () => {
    const { status, envFile, dockerCalls } = run(script, 'hmac-secret-arn');
    expect(status).not.toBe(0);
    expect(envFile).toBeUndefined();
    expect(dockerCalls).toBe('');
  });
});
