import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, type IDependable } from 'constructs';
import {
  PCI_DSS_V4_RULES,
  type PciConfigRule,
  REQUIRED_INPUT_PARAMETERS,
} from '../../compliance/pci-dss-v4-rules.js';

/** CloudFormation's limit for an inline conformance-pack template. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

export interface PciConformancePackProps {
  /**
   * Name of the pack (unique per account and region; letters, digits and hyphens).
   * @default 'tessera-pci-dss-v4-0-1'
   */
  readonly conformancePackName?: string;
  /**
   * @default PCI_DSS_V4_RULES
   */
  readonly rules?: readonly PciConfigRule[];
  /**
   * Topic that receives an alert whenever a Config rule turns NON_COMPLIANT.
   * @default - no alert routing
   */
  readonly complianceTopic?: sns.ITopic;
  /**
   * What the pack must wait for (the configuration recorder when this stack creates it).
   * @default - nothing
   */
  readonly dependsOn?: readonly IDependable[];
}

/**
 * An AWS Config conformance pack of managed rules, each annotated with the PCI DSS v4.0.1 requirements it
 * evidences. The pack template is generated from typed data, so docs/compliance.md is checked against it.
 */
export class PciConformancePack extends Construct {
  public readonly pack: config.CfnConformancePack;
  public readonly rules: readonly PciConfigRule[];

  constructor(scope: Construct, id: string, props: PciConformancePackProps = {}) {
    super(scope, id);
    this.rules = props.rules ?? PCI_DSS_V4_RULES;
    const name = props.conformancePackName ?? 'tessera-pci-dss-v4-0-1';
    if (!/^[a-zA-Z][-a-zA-Z0-9]{0,255}$/.test(name)) {
      throw new Error(
        `conformancePackName must start with a letter and contain only letters, digits and hyphens, got '${name}'`,
      );
    }
    const templateBody = conformancePackTemplate(this.rules);

    this.pack = new config.CfnConformancePack(this, 'Pack', { conformancePackName: name, templateBody });
    for (const dependency of props.dependsOn ?? []) this.pack.node.addDependency(dependency);

    if (props.complianceTopic) {
      new events.Rule(this, 'NonCompliantRules', {
        description: 'Routes AWS Config rule evaluations that turn NON_COMPLIANT to the compliance topic',
        eventPattern: {
          source: ['aws.config'],
          detailType: ['Config Rules Compliance Change'],
          detail: { newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } },
        },
        targets: [new targets.SnsTopic(props.complianceTopic)],
      });
    }
  }
}

/**
 * Renders the conformance-pack template (JSON, which CloudFormation accepts as YAML) for the given rules.
 * Throws when a rule has no requirement, lacks an input parameter AWS Config requires, names collide, or the
 * template exceeds the inline size limit.
 */
export function conformancePackTemplate(rules: readonly PciConfigRule[]): string {
  const resources: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const rule of rules) {
    if (rule.requirements.length === 0) {
      throw new Error(`config rule ${rule.name} maps to no PCI DSS requirement; every rule must support one`);
    }
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(rule.name)) {
      throw new Error(`config rule name must be lowercase letters, digits and hyphens, got '${rule.name}'`);
    }
    const missing = (REQUIRED_INPUT_PARAMETERS[rule.sourceIdentifier] ?? []).filter(
      (key) => !rule.inputParameters?.[key]?.trim(),
    );
    if (missing.length > 0) {
      throw new Error(
        `config rule ${rule.name} (${rule.sourceIdentifier}) needs the input parameter(s) ${missing.join(', ')}: AWS Config requires them`,
      );
    }
    if (seen.has(rule.name))
      throw new Error(`config rule ${rule.name} appears twice in the conformance pack`);
    seen.add(rule.name);
    resources[logicalId(rule.name)] = {
      Type: 'AWS::Config::ConfigRule',
      Properties: {
        ConfigRuleName: rule.name,
        Description: `${rule.evidence}. PCI DSS v4.0.1: ${rule.requirements.join(', ')}`.slice(0, 256),
        Source: { Owner: 'AWS', SourceIdentifier: rule.sourceIdentifier },
        ...(rule.inputParameters ? { InputParameters: rule.inputParameters } : {}),
      },
    };
  }
  const body = JSON.stringify({ Resources: resources });
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_TEMPLATE_BODY_BYTES) {
    throw new Error(
      `conformance pack template is ${bytes} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_BODY_BYTES} inline`,
    );
  }
  return body;
}

function logicalId(ruleName: string): string {
  return ruleName
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
