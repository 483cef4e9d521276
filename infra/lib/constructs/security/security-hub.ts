import { Stack } from 'aws-cdk-lib';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { Construct } from 'constructs';

export interface SecurityHubProps {
  /**
   * Standards (path after `standards/`, e.g. `pci-dss/v/4.0.1`) to enable in the stack's region.
   * @default ['pci-dss/v/4.0.1']
   */
  readonly standards?: readonly string[];
}

/**
 * Security Hub with the PCI DSS v4.0.1 standard. AWS's default standards are not auto-enabled, so the hub
 * runs exactly the standards listed here.
 */
export class SecurityHub extends Construct {
  public readonly hub: securityhub.CfnHub;
  public readonly standards: readonly securityhub.CfnStandard[];

  constructor(scope: Construct, id: string, props: SecurityHubProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.hub = new securityhub.CfnHub(this, 'Hub', {
      enableDefaultStandards: false,
      controlFindingGenerator: 'SECURITY_CONTROL',
      autoEnableControls: true,
    });
    this.standards = (props.standards ?? ['pci-dss/v/4.0.1']).map((path) => {
      if (!/^[a-z0-9-]+(\/[a-z0-9.-]+)*$/.test(path)) {
        throw new Error(`security hub standard path must look like 'pci-dss/v/4.0.1', got '${path}'`);
      }
      const standard = new securityhub.CfnStandard(this, `Standard-${path.replace(/[^a-z0-9]/g, '')}`, {
        // Standards ARNs carry the region and no account; the partition and region come from the stack.
        standardsArn: `arn:${stack.partition}:securityhub:${stack.region}::standards/${path}`,
      });
      standard.node.addDependency(this.hub);
      return standard;
    });
  }
}
