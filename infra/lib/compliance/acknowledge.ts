import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const NAG_FINDING = /^(AwsSolutions|PCI\.DSS\.321|NIST\.800\.53\.R5)-[A-Za-z0-9]+(\[[^\]]+\])?$/;
/** cfn-lint warnings reported by CDK's built-in CloudFormation validation plugin. */
const CFN_LINT_WARNING = /^CloudFormation-Validate::W\d{4}$/;
const GENERIC_REASONS =
  /^(n\/?a|none|ok|todo|tbd|not needed|not required|false positive|ignore|accepted|by design)\.?$/i;
const MIN_REASON_LENGTH = 30;

/**
 * Acknowledges cdk-nag findings on one construct, with a reason an auditor can check: one finding id, or
 * several (e.g. the PCI DSS and NIST rule of the same check) that share the reason. Each id is validated and
 * recorded as its own acknowledgement. Rejects ids that are not a single finding of a registered pack and
 * reasons that are empty or generic.
 */
export function acknowledge(
  construct: IConstruct,
  findingIds: string | readonly string[],
  reason: string,
): void {
  const ids: readonly string[] = typeof findingIds === 'string' ? [findingIds] : findingIds;
  if (ids.length === 0) {
    throw new Error(`acknowledge on ${construct.node.path}: no finding id given`);
  }
  const trimmed = reason.trim();
  for (const findingId of ids) {
    if (!NAG_FINDING.test(findingId) && !CFN_LINT_WARNING.test(findingId)) {
      throw new Error(
        `acknowledge: '${findingId}' is not a finding id of AwsSolutions, PCI.DSS.321, NIST.800.53.R5 or a ` +
          `cfn-lint warning (e.g. 'AwsSolutions-S1', 'AwsSolutions-IAM5[Resource::*]', 'CloudFormation-Validate::W3010')`,
      );
    }
    if (trimmed.length < MIN_REASON_LENGTH || GENERIC_REASONS.test(trimmed)) {
      throw new Error(
        `acknowledge ${findingId} on ${construct.node.path}: reason '${reason}' is too short or generic; ` +
          `say why the control is met another way or cannot apply (at least ${MIN_REASON_LENGTH} characters)`,
      );
    }
  }
  for (const findingId of ids) Validations.of(construct).acknowledge({ id: findingId, reason: trimmed });
}
