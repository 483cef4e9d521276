import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';

/** Pinned version of each managed add-on (config `app.eks.addons`). */
export interface EksAddonVersions {
  readonly vpcCni: string;
  readonly coreDns: string;
  readonly kubeProxy: string;
  readonly ebsCsiDriver: string;
  readonly efsCsiDriver: string;
  readonly podIdentityAgent: string;
  readonly metricsServer: string;
}

/** EKS add-on names by config key. */
export const EKS_ADDON_NAMES: Readonly<Record<keyof EksAddonVersions, string>> = {
  vpcCni: 'vpc-cni',
  coreDns: 'coredns',
  kubeProxy: 'kube-proxy',
  ebsCsiDriver: 'aws-ebs-csi-driver',
  efsCsiDriver: 'aws-efs-csi-driver',
  podIdentityAgent: 'eks-pod-identity-agent',
  metricsServer: 'metrics-server',
};

/** Add-ons that run as daemon sets on the host network and must be there before a node can become Ready. */
const NODE_PREREQUISITES: readonly (keyof EksAddonVersions)[] = ['vpcCni', 'kubeProxy', 'podIdentityAgent'];

/** The controllers of the CSI drivers, their service accounts in kube-system and the AWS-managed policies. */
const CSI_CONTROLLERS = {
  ebsCsiDriver: { serviceAccount: 'ebs-csi-controller-sa', policy: 'service-role/AmazonEBSCSIDriverPolicy' },
  efsCsiDriver: { serviceAccount: 'efs-csi-controller-sa', policy: 'service-role/AmazonEFSCSIDriverPolicy' },
} as const;

export interface EksAddonsProps {
  readonly cluster: eks.CfnCluster;
  readonly versions: EksAddonVersions;
  /** The node group: add-ons that schedule pods (CoreDNS, CSI controllers, metrics server) wait for it. */
  readonly nodeGroup: IConstruct;
}

/**
 * The managed add-ons at pinned versions: VPC CNI with network policy enforcement (the payment API's
 * NetworkPolicy is enforced, not just stored), CoreDNS, kube-proxy, the EBS and EFS CSI drivers with their own
 * Pod Identity roles, the Pod Identity agent, and the metrics server the HorizontalPodAutoscaler reads CPU from.
 */
export class EksAddons extends Construct {
  public readonly addons: Readonly<Record<keyof EksAddonVersions, eks.CfnAddon>>;

  constructor(scope: Construct, id: string, props: EksAddonsProps) {
    super(scope, id);
    const addons = {} as Record<keyof EksAddonVersions, eks.CfnAddon>;
    for (const key of Object.keys(EKS_ADDON_NAMES) as (keyof EksAddonVersions)[]) {
      const addon = new eks.CfnAddon(this, key.charAt(0).toUpperCase() + key.slice(1), {
        clusterName: props.cluster.ref,
        addonName: EKS_ADDON_NAMES[key],
        addonVersion: props.versions[key],
        // The pinned version and configuration win over edits made in the cluster.
        resolveConflicts: 'OVERWRITE',
        configurationValues: key === 'vpcCni' ? JSON.stringify({ enableNetworkPolicy: 'true' }) : undefined,
        podIdentityAssociations:
          key === 'ebsCsiDriver' || key === 'efsCsiDriver' ? [this.csiAssociation(key)] : undefined,
      });
      if (NODE_PREREQUISITES.includes(key)) props.nodeGroup.node.addDependency(addon);
      else addon.node.addDependency(props.nodeGroup);
      addons[key] = addon;
    }
    this.addons = addons;
  }

  private csiAssociation(key: keyof typeof CSI_CONTROLLERS): eks.CfnAddon.PodIdentityAssociationProperty {
    const { serviceAccount, policy } = CSI_CONTROLLERS[key];
    const role = new iam.Role(this, `${key.charAt(0).toUpperCase() + key.slice(1)}Role`, {
      assumedBy: podIdentityPrincipal(),
      description: `EKS ${EKS_ADDON_NAMES[key]} controller (kube-system/${serviceAccount})`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(policy)],
    });
    acknowledge(
      role,
      `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
      `${policy} is the AWS-maintained policy of the ${EKS_ADDON_NAMES[key]} add-on; only its controller's ` +
        'service account can assume this role (Pod Identity association).',
    );
    return { roleArn: role.roleArn, serviceAccount };
  }
}

/** The EKS Pod Identity service principal, with the session tags Pod Identity sets. */
export function podIdentityPrincipal(): iam.IPrincipal {
  return new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags();
}
