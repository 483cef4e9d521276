import { createServer, type IncomingMessage, type Server } from 'node:http';
import { SecretsManagerError } from '../../src/secrets-manager/secrets-manager.js';
import type { FakeSecretsManager } from './fake-secrets-manager.js';

type Body = Record<string, unknown>;
type Operation = (fake: FakeSecretsManager, body: Body) => Promise<Body>;

const str = (body: Body, key: string): string | undefined => {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
};

/** The AWS JSON 1.1 operations the rotation function uses, answered by the fake with the service's shapes. */
const OPERATIONS: Record<string, Operation> = {
  DescribeSecret: async (fake, body) => {
    const d = await fake.describeSecret(str(body, 'SecretId') ?? '');
    return {
      ARN: d.arn,
      Name: d.name,
      RotationEnabled: d.rotationEnabled,
      VersionIdsToStages: d.versionIdsToStages,
    };
  },
  GetSecretValue: async (fake, body) => {
    const versionId = str(body, 'VersionId');
    const versionStage = str(body, 'VersionStage');
    const v = await fake.getSecretValue(str(body, 'SecretId') ?? '', {
      ...(versionId ? { versionId } : {}),
      ...(versionStage ? { versionStage } : {}),
    });
    return {
      ARN: v.arn,
      VersionId: v.versionId,
      VersionStages: v.versionStages,
      SecretString: v.secretString,
    };
  },
  PutSecretValue: async (fake, body) => {
    await fake.putSecretValue({
      secretId: str(body, 'SecretId') ?? '',
      clientRequestToken: str(body, 'ClientRequestToken') ?? '',
      secretString: str(body, 'SecretString') ?? '',
      versionStages: (body['VersionStages'] as string[] | undefined) ?? [],
    });
    return { VersionId: str(body, 'ClientRequestToken') };
  },
  UpdateSecretVersionStage: async (fake, body) => {
    const moveToVersionId = str(body, 'MoveToVersionId');
    const removeFromVersionId = str(body, 'RemoveFromVersionId');
    await fake.updateSecretVersionStage({
      secretId: str(body, 'SecretId') ?? '',
      versionStage: str(body, 'VersionStage') ?? '',
      ...(moveToVersionId ? { moveToVersionId } : {}),
      ...(removeFromVersionId ? { removeFromVersionId } : {}),
    });
    return {};
  },
  GetRandomPassword: async (fake, body) => ({
    RandomPassword: await fake.getRandomPassword({
      passwordLength: Number(body['PasswordLength'] ?? 32),
      excludeCharacters: str(body, 'ExcludeCharacters') ?? '',
      includeSpace: body['IncludeSpace'] === true,
      requireEachIncludedType: body['RequireEachIncludedType'] === true,
    }),
  }),
};

/**
 * A local HTTP endpoint speaking Secrets Manager's wire protocol (AWS JSON 1.1), backed by the fake, so the
 * bundled handler can run unchanged with its real AWS SDK client (`SECRETS_MANAGER_ENDPOINT`).
 */
export async function startSecretsManagerEndpoint(
  fake: FakeSecretsManager,
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    void (async () => {
      const operationName = String(request.headers['x-amz-target'] ?? '').replace('secretsmanager.', '');
      const operation = OPERATIONS[operationName];
      let status = 200;
      let payload: Body;
      try {
        if (!operation)
          throw new SecretsManagerError('InvalidRequestException', `unsupported ${operationName}`);
        payload = await operation(fake, JSON.parse(await readBody(request)) as Body);
      } catch (error) {
        const code = error instanceof SecretsManagerError ? error.code : 'InternalServiceError';
        status = error instanceof SecretsManagerError ? 400 : 500;
        payload = { __type: code, message: error instanceof Error ? error.message : String(error) };
      }
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(payload));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('endpoint did not bind');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
