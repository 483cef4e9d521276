import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { validate as validateDeployment } from 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment';
import { validate as validateHpa } from 'kubernetes-models/_schemas/IoK8sApiAutoscalingV2HorizontalPodAutoscaler';
import { validate as validateNetworkPolicy } from 'kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy';
import { validate as validatePdb } from 'kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget';
import { validate as validateNamespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as validatePv } from 'kubernetes-models/_schemas/IoK8sApiCoreV1PersistentVolume';
import { validate as validatePvc } from 'kubernetes-models/_schemas/IoK8sApiCoreV1PersistentVolumeClaim';
import { validate as validateService } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { validate as validateServiceAccount } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_KUBERNETES_VERSIONS } from '../../../config/eks.js';
import { STANDARD_PARAMETER_LIMIT } from '../../../lib/constructs/compute/eks-payment-service.js';
import {
  FETCH_SECRETS_SCRIPT,
  type Manifest,
  PAYMENT_API_UID,
  type PaymentApiManifestProps,
  paymentApiManifests,
  POD_IDENTITY_AGENT_CIDR,
} from '../../../lib/constructs/compute/eks-manifests.js';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };

/**
 * JSON-schema validators compiled from the Kubernetes OpenAPI of the kubernetes-models release in
 * infra/package.json (generated from Kubernetes v1.36, its changelog); the config accepts only that version.
 */
const SCHEMAS: Readonly<Record<string, Validator>> = {
  Namespace: validateNamespace,
  ServiceAccount: validateServiceAccount,
  PersistentVolume: validatePv,
  PersistentVolumeClaim: validatePvc,
  Deployment: validateDeployment,
  Service: validateService,
  PodDisruptionBudget: validatePdb,
  HorizontalPodAutoscaler: validateHpa,
  NetworkPolicy: validateNetworkPolicy,
};

const ARN_SECRET =
  'arn:aws:secretsmanager:us-east-1:111111111111:secret:AppKeysServiceHmacKeyE1A2B3C4D5E6-AbCdEf';
/** Values as long as CloudFormation resolves them, so size limits are checked on realistic text. */
const PROPS: PaymentApiManifestProps = {
  image:
    '111111111111.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-111111111111-us-east-1:' +
    'bf4f3ab3d1fafee4fe0209a314f3ed3a0a6f171fcf3293dd865ec9ea61dedce9',
  environment: {
    PORT: '8080',
    NODE_ENV: 'production',
    AWS_REGION: 'us-east-1',
    PGHOST: 'tessera-prod-proxy.proxy-c0abcdefghij.us-east-1.rds.amazonaws.com',
    PGPORT: '5432',
    PGDATABASE: 'tessera',
    DATABASE_SSL: 'verify-full',
    DATABASE_AUTH: 'iam',
    DATABASE_SECRET_ARN: ARN_SECRET,
    DATABASE_OWNER_ROLE: 'tessera_owner',
    VAULT_KEK: 'kms',
    VAULT_KMS_KEY_ID: 'arn:aws:kms:us-east-1:111111111111:key/0123abcd-0123-4567-89ab-0123456789ab',
    TRUST_PROXY: '10.0.0.0/16',
    DOCUMENTS_BUCKET: 'tessera-prod-documents-111111111111-us-east-1',
    DOCUMENTS_PREFIX: 'payment-api/',
  },
  secretArns: { VAULT_FINGERPRINT_KEY: ARN_SECRET, SERVICE_HMAC_KEY: ARN_SECRET },
  port: 8080,
  resources: { cpuMillicores: 500, cpuLimitMillicores: 1000, memoryMiB: 1024 },
  scaling: { minReplicas: 2, maxReplicas: 6, cpuTargetPercent: 70 },
  targetGroupArn:
    'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/Tesser-LoadB-ABCDEFGHIJKL/0123456789abcdef',
  loadBalancerCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
  databaseCidrs: ['10.0.20.0/24', '10.0.21.0/24'],
  databasePort: 5432,
  vpcCidr: '10.0.0.0/16',
  efsVolumeHandle: 'fs-0123456789abcdef0::fsap-0123456789abcdef0',
};

const manifests = paymentApiManifests(PROPS);
const all = Object.values(manifests);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read manifests field by field
type Spec = Record<string, any>;

function byKind(kind: string): Manifest & { spec: Spec } {
  const found = all.find((m) => m.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found as Manifest & { spec: Spec };
}

describe('payment API manifests', () => {
  it('are validated against the schemas of the one Kubernetes version the config accepts', () => {
    expect(SUPPORTED_KUBERNETES_VERSIONS).toEqual(['1.36']);
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies['kubernetes-models']).toBe('5.1.0');
  });

  it.each(Object.keys(SCHEMAS))('%s is valid against its Kubernetes JSON schema', (kind) => {
    const validate = SCHEMAS[kind]!;
    const manifest = byKind(kind);
    const ok = validate(manifest);
    expect(validate.errors ?? null).toBeNull();
    expect(ok).toBe(true);
  });

  it('the schemas reject what the API server would (so a pass means something)', () => {
    const broken = structuredClone(byKind('Deployment'));
    broken.spec.template.spec.containers[0].resources.limits.cpu = { millicores: 1000 };
    expect(validateDeployment(broken)).toBe(false);
    const badPolicy = structuredClone(byKind('NetworkPolicy'));
    badPolicy.spec.ingress[0].ports[0].protocol = 'ICMP';
    expect(validateNetworkPolicy(badPolicy)).toBe(false);
  });

  it('every object except the namespace and the volume lives in the payments namespace', () => {
    for (const m of all) {
      const meta = m.metadata as { namespace?: string };
      if (m.kind === 'Namespace' || m.kind === 'PersistentVolume') expect(meta.namespace).toBeUndefined();
      else expect(meta.namespace).toBe('payments');
    }
    expect(
      (byKind('Namespace').metadata as { labels: Record<string, string> }).labels[
        'pod-security.kubernetes.io/enforce'
      ],
    ).toBe('restricted');
  });

  it('runs every container non-root, read-only, without privilege escalation or capabilities', () => {
    const pod = byKind('Deployment').spec.template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: PAYMENT_API_UID,
      runAsGroup: PAYMENT_API_UID,
      fsGroup: PAYMENT_API_UID,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits.memory).toBe(c.resources.requests.memory);
    }
  });

  it('sizes the API container from the config, probes /health and /ready, spreads over zones', () => {
    const pod = byKind('Deployment').spec.template.spec;
    const api = pod.containers[0];
    expect(api.resources).toEqual({
      requests: { cpu: '500m', memory: '1024Mi' },
      limits: { cpu: '1000m', memory: '1024Mi' },
    });
    expect(api.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(api.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(api.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(pod.topologySpreadConstraints).toEqual([
      expect.objectContaining({
        topologyKey: 'topology.kubernetes.io/zone',
        maxSkew: 1,
        whenUnsatisfiable: 'DoNotSchedule',
      }),
    ]);
    expect(byKind('Deployment').spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
  });

  it('passes the same plain environment as the other modes, and secrets only as ARNs', () => {
    const pod = byKind('Deployment').spec.template.spec;
    const env = Object.fromEntries(
      pod.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(env).toEqual(PROPS.environment);
    const text = JSON.stringify(manifests);
    expect(text).not.toMatch(/secretKeyRef|kind":"Secret"/);
    const init = Object.fromEntries(
      pod.initContainers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(init).toMatchObject({
      SECRET_NAMES: 'VAULT_FINGERPRINT_KEY,SERVICE_HMAC_KEY',
      VAULT_FINGERPRINT_KEY_SECRET_ARN: ARN_SECRET,
      SERVICE_HMAC_KEY_SECRET_ARN: ARN_SECRET,
    });
    expect(pod.containers[0].command).toEqual([
      'node',
      '--env-file=/run/tessera/secrets.env',
      '--conditions=tessera-compiled',
      'dist/main.js',
    ]);
    expect(pod.volumes).toContainEqual({ name: 'secrets', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
  });

  it('mounts the EFS access point over TLS for settlement staging', () => {
    expect(byKind('PersistentVolume').spec).toMatchObject({
      accessModes: ['ReadWriteMany'],
      mountOptions: ['tls'],
      persistentVolumeReclaimPolicy: 'Retain',
      csi: { driver: 'efs.csi.aws.com', volumeHandle: PROPS.efsVolumeHandle },
    });
    const api = byKind('Deployment').spec.template.spec.containers[0];
    expect(api.volumeMounts).toContainEqual({
      name: 'settlement-staging',
      mountPath: '/mnt/settlement-staging',
    });
  });

  it('keeps one pod at a time out in a disruption and scales on CPU between the configured bounds', () => {
    expect(byKind('PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(byKind('HorizontalPodAutoscaler').spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    });
  });

  it('admits only the load balancer and lets out only the proxy, endpoints, S3, Pod Identity and DNS', () => {
    const { spec } = byKind('NetworkPolicy');
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.ingress).toEqual([
      {
        from: PROPS.loadBalancerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    const egress = spec.egress as {
      to: { ipBlock?: { cidr: string; except?: string[] } }[];
      ports: unknown[];
    }[];
    expect(egress[0]).toEqual({
      to: PROPS.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
    expect(egress[1]).toEqual({
      to: [{ ipBlock: { cidr: '10.0.0.0/16' } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    expect(egress[2]?.to[0]?.ipBlock?.except).toEqual(
      expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
    );
    expect(egress[3]).toEqual({
      to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }],
      ports: [{ protocol: 'TCP', port: 80 }],
    });
    expect(egress[4]?.ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    expect(egress).toHaveLength(5);
  });

  it('binds the Service to the existing target group with IP targets', () => {
    expect(byKind('TargetGroupBinding')).toEqual(
      expect.objectContaining({
        apiVersion: 'elbv2.k8s.aws/v1beta1',
        spec: {
          serviceRef: { name: 'payment-api', port: 8080 },
          targetGroupARN: PROPS.targetGroupArn,
          targetType: 'ip',
        },
      }),
    );
    expect(byKind('Service').spec).toMatchObject({ type: 'ClusterIP' });
  });

  it('fits the SSM parameter tiers: the Deployment under 8 KB, every other object under 4 KB', () => {
    for (const m of all) {
      const limit = m.kind === 'Deployment' ? 8192 : STANDARD_PARAMETER_LIMIT;
      expect(JSON.stringify(m).length, m.kind).toBeLessThan(limit);
    }
  });
});

const PAYMENT_API_DIR = fileURLToPath(new URL('../../../../services/payment-api/', import.meta.url));

describe('the init container script', () => {
  it('fetches each secret with the SDK and writes an env file readable only by the pod user', async () => {
    const requests: { target: string; body: { SecretId: string } }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { SecretId: string };
        requests.push({ target: String(req.headers['x-amz-target']), body: parsed });
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        res.end(
          JSON.stringify({ ARN: parsed.SecretId, Name: 'n', SecretString: `value-of-${parsed.SecretId}` }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const file = join(mkdtempSync(join(tmpdir(), 'tessera-secrets-')), 'secrets.env');
    try {
      await promisify(execFile)('node', ['--input-type=module', '-e', FETCH_SECRETS_SCRIPT], {
        cwd: PAYMENT_API_DIR,
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
          SECRET_NAMES: 'VAULT_FINGERPRINT_KEY,SERVICE_HMAC_KEY',
          VAULT_FINGERPRINT_KEY_SECRET_ARN: 'arn-a',
          SERVICE_HMAC_KEY_SECRET_ARN: 'arn-b',
          SECRETS_FILE: file,
        },
      });
    } finally {
      server.close();
    }
    expect(requests.map((r) => r.body.SecretId)).toEqual(['arn-a', 'arn-b']);
    expect(requests[0]?.target).toBe('secretsmanager.GetSecretValue');
    expect(readFileSync(file, 'utf8')).toBe(
      'VAULT_FINGERPRINT_KEY=value-of-arn-a\nSERVICE_HMAC_KEY=value-of-arn-b\n',
    );
    expect(statSync(file).mode & 0o777).toBe(0o400);
  });

  it('fails, writing nothing, when a secret ARN is missing', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tessera-secrets-')), 'secrets.env');
    await expect(
      promisify(execFile)('node', ['--input-type=module', '-e', FETCH_SECRETS_SCRIPT], {
        cwd: PAYMENT_API_DIR,
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          SECRET_NAMES: 'SERVICE_HMAC_KEY',
          SECRETS_FILE: file,
        },
      }),
    ).rejects.toThrow(/SERVICE_HMAC_KEY_SECRET_ARN is not set/);
    expect(() => statSync(file)).toThrow();
  });
});
