import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export { acknowledge } from './acknowledge.js';

/**
 * Registers the compliance packs as CDK policy-validation plugins: any finding that is not acknowledged
 * fails `app.synth()` (and therefore `cdk synth` and the tests).
 */
export function applyComplianceGate(app: IConstruct): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new PCIDSS321Checks(app),
    new NIST80053R5Checks(app),
  );
}
