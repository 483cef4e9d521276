import { z } from 'zod';
import type { ConfigIssue } from './errors.js';
import { isPlaceholderAccount } from './placeholders.js';
import { GRAVITON_INSTANCE_TYPE_PATTERN, type RuleIssue, wholeNumber } from './primitives.js';

/**
 * Kubernetes minor versions this code base has validated its manifests for: the workload's manifests are
 * checked against the JSON schemas of these versions (infra/test/constructs/compute/eks-manifests.test.ts).
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ['1.36'] as const;

/** Stand-in admin role of the shipped environments; synth accepts it, the deploy preflight refuses it. */
export const PLACEHOLDER_EKS_ADMIN_ROLE_NAME = 'tessera-eks-admin-placeholder';

const addonVersion = z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, {
  error:
    'must be a pinned EKS add-on version such as v1.20.4-eksbuild.1 ' +
    '(aws eks describe-addon-versions --kubernetes-version <version> --addon-name <name>)',
});

const iamRoleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
  error: 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admin',
});

/** `app.eks`: the EKS compute mode (ADR 0044): cluster, managed node group, add-ons, workload size. */
export const eksSchema = z.strictObject({
  /** Kubernetes minor version of the control plane and the node group. */
  kubernetesVersion: z.enum(SUPPORTED_KUBERNETES_VERSIONS, {
    error: `must be one of ${SUPPORTED_KUBERNETES_VERSIONS.join(' | ')} (the versions the manifests are validated for)`,
  }),
  /** Role that gets cluster admin through an access entry (AmazonEKSClusterAdminPolicy); kubectl runs as it. */
  adminRoleArn: iamRoleArn,
  /** Graviton instance type of the managed node group: the payment API image is built for linux/arm64. */
  nodeInstanceType: z.string().regex(GRAVITON_INSTANCE_TYPE_PATTERN, {
    error: 'must be a Graviton (arm64) instance type such as t4g.medium or m7g.large',
  }),
  /** Root volume of each node (gp3, encrypted with the data key). */
  nodeVolumeSizeGiB: wholeNumber
    .min(20, { error: 'must be at least 20 (the EKS AL2023 AMI root volume)' })
    .max(1024, { error: 'must be at most 1024' }),
  /** Pinned versions of the EKS managed add-ons. */
  addons: z.strictObject({
    vpcCni: addonVersion,
    coreDns: addonVersion,
    kubeProxy: addonVersion,
    ebsCsiDriver: addonVersion,
    efsCsiDriver: addonVersion,
    podIdentityAgent: addonVersion,
    /** Serves the CPU metrics the HorizontalPodAutoscaler scales on. */
    metricsServer: addonVersion,
    /** Fluent Bit and the CloudWatch agent: container logs to CloudWatch Logs. */
    cloudWatchObservability: addonVersion,
  }),
  /** Helm chart version of the AWS Load Balancer Controller that binds the pods to the ALB target group. */
  loadBalancerControllerChartVersion: z.string().regex(/^\d+\.\d+\.\d+$/, {
    error: 'must be a pinned chart version such as 1.14.0',
  }),
  /** CPU request of each payment API pod, in millicores (the HPA's 70 % is of this). */
  podCpuMillicores: wholeNumber.min(100, { error: 'must be at least 100' }),
  /** CPU limit of each pod, in millicores. */
  podCpuLimitMillicores: wholeNumber.min(100, { error: 'must be at least 100' }),
  /** Memory request and limit of each pod, in MiB. */
  podMemoryMiB: wholeNumber.min(128, { error: 'must be at least 128' }),
});

export type EksConfig = z.infer<typeof eksSchema>;

/** A CPU limit at least the request. */
export function eksRules(eks: EksConfig): RuleIssue[] {
  if (eks.podCpuLimitMillicores >= eks.podCpuMillicores) return [];
  return [
    {
      path: ['app', 'eks', 'podCpuLimitMillicores'],
      message: `must be at least podCpuMillicores (${eks.podCpuMillicores})`,
    },
  ];
}

/** Deploying EKS needs a real admin role of the payment account (the placeholder would lock everyone out). */
export function eksPreflight(eks: EksConfig, paymentAccount: string): ConfigIssue[] {
  const account = eks.adminRoleArn.split(':')[4] ?? '';
  if (
    eks.adminRoleArn.endsWith(`:role/${PLACEHOLDER_EKS_ADMIN_ROLE_NAME}`) ||
    isPlaceholderAccount(account)
  ) {
    return [
      {
        field: 'app.eks.adminRoleArn',
        value: eks.adminRoleArn,
        problem:
          'is a placeholder; set the IAM role your platform operators assume to administer the cluster ' +
          `(a role of the payment account ${paymentAccount})`,
      },
    ];
  }
  if (account !== paymentAccount) {
    return [
      {
        field: 'app.eks.adminRoleArn',
        value: eks.adminRoleArn,
        problem: `must be a role of the payment account ${paymentAccount}`,
      },
    ];
  }
  return [];
}

/** The placeholder admin role of an account (refused by the preflight). */
export function placeholderEksAdminRole(account: string): string {
  return `arn:aws:iam::${account}:role/${PLACEHOLDER_EKS_ADMIN_ROLE_NAME}`;
}

/**
 * Add-on versions the shipped environments pin for Kubernetes 1.36. Confirm each against the region before a
 * deploy: `aws eks describe-addon-versions --kubernetes-version 1.36 --addon-name <name>` (README "EKS mode").
 */
export const EKS_ADDON_VERSIONS: EksConfig['addons'] = {
  vpcCni: 'v1.21.1-eksbuild.1',
  coreDns: 'v1.13.1-eksbuild.1',
  kubeProxy: 'v1.36.0-eksbuild.1',
  ebsCsiDriver: 'v1.53.0-eksbuild.1',
  efsCsiDriver: 'v2.2.0-eksbuild.1',
  podIdentityAgent: 'v1.3.10-eksbuild.1',
  metricsServer: 'v0.8.0-eksbuild.2',
  cloudWatchObservability: 'v4.4.0-eksbuild.1',
};
