/**
 * The Kubernetes objects of the payment API on EKS (ADR 0045), as plain JSON: a function of typed values, so the
 * same objects are validated by the tests and rendered into the App stack's SSM parameters, which CloudFormation
 * fills with the deployed values and an operator applies with kubectl.
 */

/** Namespace of the payment API. */
export const PAYMENT_API_NAMESPACE = 'payments';
/** Service account the Pod Identity association binds to the payment API's role. */
export const PAYMENT_API_SERVICE_ACCOUNT = 'payment-api';
/** The `node` user of the image (services/payment-api/Dockerfile): pods run as it, EFS files belong to it. */
export const PAYMENT_API_UID = 1000;
/** Where the EFS access point is mounted: the shared staging area of settlement reports. */
export const SETTLEMENT_STAGING_PATH = '/mnt/settlement-staging';
/** Link-local address of the EKS Pod Identity agent, where pods fetch their credentials. */
export const POD_IDENTITY_AGENT_CIDR = '169.254.170.23/32';

import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IService } from 'kubernetes-models/v1/Service';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

const NAME = 'payment-api';
const LABELS = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/part-of': 'tessera' };
const SECRETS_DIR = '/run/tessera';
const SECRETS_FILE = `${SECRETS_DIR}/secrets.env`;
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];

export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string };

export interface PaymentApiManifestProps {
  /** Image URI (the CDK image asset in ECR). */
  readonly image: string;
  /** Plain environment variables, the same as the other compute modes. */
  readonly environment: Readonly<Record<string, string>>;
  /** Secret environment variables: variable name → Secrets Manager secret ARN, read by the init container. */
  readonly secretArns: Readonly<Record<string, string>>;
  readonly port: number;
  readonly resources: {
    readonly cpuMillicores: number;
    readonly cpuLimitMillicores: number;
    readonly memoryMiB: number;
  };
  readonly scaling: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly cpuTargetPercent: number;
  };
  /** ARN of the existing ALB target group (IP targets) the load balancer controller registers the pods in. */
  readonly targetGroupArn: string;
  /** Where requests come from: the load balancer's subnets. */
  readonly loadBalancerCidrs: readonly string[];
  /** Where the RDS Proxy runs: the data subnets (PostgreSQL). */
  readonly databaseCidrs: readonly string[];
  readonly databasePort: number;
  /** The VPC: interface endpoints for KMS, Secrets Manager and the other AWS APIs (HTTPS). */
  readonly vpcCidr: string;
  /** The settlement staging file system: `<file system id>::<access point id>`. */
  readonly efsVolumeHandle: string;
}

/**
 * Fetches the secrets through Pod Identity and writes them as an env file (node --env-file) to a memory volume,
 * so no Kubernetes Secret ever holds them. Runs in the payment API image, which ships the Secrets Manager SDK.
 */
export const FETCH_SECRETS_SCRIPT = [
  "import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';",
  "import { writeFileSync } from 'node:fs';",
  'const client = new SecretsManagerClient({});',
  'const lines = [];',
  "for (const name of (process.env.SECRET_NAMES ?? '').split(',').filter(Boolean)) {",
  "  const arn = process.env[name + '_SECRET_ARN'];",
  "  if (!arn) throw new Error(name + '_SECRET_ARN is not set');",
  '  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));',
  "  if (!SecretString || /[\\r\\n]/.test(SecretString)) throw new Error(name + ': the secret must be a one-line string');",
  "  lines.push(name + '=' + SecretString);",
  '}',
  "writeFileSync(process.env.SECRETS_FILE, lines.join('\\n') + '\\n', { mode: 0o400 });",
].join('\n');

const RESTRICTED_CONTAINER: ISecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

function metadata(name: string, namespaced = true): Record<string, unknown> {
  return { name, ...(namespaced ? { namespace: PAYMENT_API_NAMESPACE } : {}), labels: LABELS };
}

/** Every object, in the order `kubectl apply` needs them (namespace first, the binding last). */
export function paymentApiManifests(props: PaymentApiManifestProps): Record<string, Manifest> {
  return {
    namespace: namespace(),
    serviceAccount: serviceAccount(),
    persistentVolume: persistentVolume(props),
    persistentVolumeClaim: persistentVolumeClaim(),
    deployment: deployment(props),
    service: service(props),
    podDisruptionBudget: podDisruptionBudget(),
    horizontalPodAutoscaler: horizontalPodAutoscaler(props),
    networkPolicy: networkPolicy(props),
    targetGroupBinding: targetGroupBinding(props),
  };
}

function namespace(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: PAYMENT_API_NAMESPACE,
      labels: {
        ...LABELS,
        // Pod Security Admission: the API server itself rejects pods that break the restricted profile.
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  } satisfies INamespace;
}

function serviceAccount(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: metadata(PAYMENT_API_SERVICE_ACCOUNT),
    automountServiceAccountToken: false,
  } satisfies IServiceAccount;
}

function persistentVolume(props: PaymentApiManifestProps): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: metadata('settlement-staging', false),
    spec: {
      capacity: { storage: '5Gi' },
      volumeMode: 'Filesystem',
      accessModes: ['ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      mountOptions: ['tls'],
      csi: { driver: 'efs.csi.aws.com', volumeHandle: props.efsVolumeHandle },
      claimRef: { namespace: PAYMENT_API_NAMESPACE, name: 'settlement-staging' },
    },
  } satisfies IPersistentVolume;
}

function persistentVolumeClaim(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata('settlement-staging'),
    spec: {
      accessModes: ['ReadWriteMany'],
      storageClassName: '',
      volumeName: 'settlement-staging',
      resources: { requests: { storage: '5Gi' } },
    },
  } satisfies IPersistentVolumeClaim;
}

function deployment(props: PaymentApiManifestProps): Manifest {
  const { resources } = props;
  const secretNames = Object.keys(props.secretArns);
  const probe = (path: string) => ({
    httpGet: { path, port: 'http' },
    periodSeconds: 10,
    timeoutSeconds: 3,
    failureThreshold: 3,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(NAME),
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': NAME } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: LABELS },
        spec: {
          serviceAccountName: PAYMENT_API_SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: PAYMENT_API_UID,
            runAsGroup: PAYMENT_API_UID,
            fsGroup: PAYMENT_API_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: { 'app.kubernetes.io/name': NAME } },
            },
          ],
          initContainers: [
            {
              name: 'fetch-secrets',
              image: props.image,
              command: ['node', '--input-type=module', '-e', FETCH_SECRETS_SCRIPT],
              env: [
                { name: 'AWS_REGION', value: props.environment.AWS_REGION ?? '' },
                { name: 'SECRET_NAMES', value: secretNames.join(',') },
                { name: 'SECRETS_FILE', value: SECRETS_FILE },
                ...secretNames.map((name) => ({ name: `${name}_SECRET_ARN`, value: props.secretArns[name] })),
              ],
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: { cpu: '250m', memory: '128Mi' },
              },
              securityContext: RESTRICTED_CONTAINER,
              volumeMounts: [{ name: 'secrets', mountPath: SECRETS_DIR }],
            },
          ],
          containers: [
            {
              name: NAME,
              image: props.image,
              command: [
                'node',
                `--env-file=${SECRETS_FILE}`,
                '--conditions=tessera-compiled',
                'dist/main.js',
              ],
              ports: [{ name: 'http', containerPort: props.port, protocol: 'TCP' }],
              env: Object.entries(props.environment).map(([name, value]) => ({ name, value })),
              resources: {
                requests: { cpu: `${resources.cpuMillicores}m`, memory: `${resources.memoryMiB}Mi` },
                limits: { cpu: `${resources.cpuLimitMillicores}m`, memory: `${resources.memoryMiB}Mi` },
              },
              livenessProbe: probe('/health'),
              readinessProbe: probe('/ready'),
              startupProbe: { ...probe('/health'), failureThreshold: 30, periodSeconds: 2 },
              securityContext: RESTRICTED_CONTAINER,
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'secrets', mountPath: SECRETS_DIR, readOnly: true },
                { name: 'settlement-staging', mountPath: SETTLEMENT_STAGING_PATH },
              ],
            },
          ],
          volumes: [
            // The root filesystem is read-only; Node and the pg driver still need a writable /tmp.
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            { name: 'secrets', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
            { name: 'settlement-staging', persistentVolumeClaim: { claimName: 'settlement-staging' } },
          ],
        },
      },
    },
  } satisfies IDeployment;
}

function service(props: PaymentApiManifestProps): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(NAME),
    spec: {
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': NAME },
      ports: [{ name: 'http', port: props.port, targetPort: 'http', protocol: 'TCP' }],
    },
  } satisfies IService;
}

function podDisruptionBudget(): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(NAME),
    // One pod at a time: a drain never takes more, and a single-pod environment can still be drained.
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': NAME } } },
  } satisfies IPodDisruptionBudget;
}

function horizontalPodAutoscaler(props: PaymentApiManifestProps): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(NAME),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME },
      minReplicas: props.scaling.minReplicas,
      maxReplicas: props.scaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: props.scaling.cpuTargetPercent },
          },
        },
      ],
    },
  } satisfies IHorizontalPodAutoscaler;
}

function networkPolicy(props: PaymentApiManifestProps): Manifest {
  const tcp = (port: number) => ({ protocol: 'TCP' as const, port });
  const blocks = (cidrs: readonly string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(NAME),
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': NAME } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: blocks(props.loadBalancerCidrs), ports: [tcp(props.port)] }],
      egress: [
        { to: blocks(props.databaseCidrs), ports: [tcp(props.databasePort)] },
        // Interface endpoints (KMS, Secrets Manager, STS, Logs) answer inside the VPC.
        { to: blocks([props.vpcCidr]), ports: [tcp(443)] },
        // Public addresses on 443: the documents bucket through the S3 gateway endpoint and merchants' webhook
        // endpoints through the NAT (the nodes' security group allows 443 only); never private or link-local ones.
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: [tcp(443)] },
        { to: blocks([POD_IDENTITY_AGENT_CIDR]), ports: [tcp(80)] },
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    },
  } satisfies INetworkPolicy;
}

function targetGroupBinding(props: PaymentApiManifestProps): Manifest {
  return {
    apiVersion: 'elbv2.k8s.aws/v1beta1',
    kind: 'TargetGroupBinding',
    metadata: metadata(NAME),
    spec: {
      serviceRef: { name: NAME, port: props.port },
      targetGroupARN: props.targetGroupArn,
      targetType: 'ip',
    },
  };
}
