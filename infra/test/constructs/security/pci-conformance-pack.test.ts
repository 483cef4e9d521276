import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import {
  conformancePackTemplate,
  MAX_TEMPLATE_BODY_BYTES,
  PciConformancePack,
} from '../../../lib/constructs/security/pci-conformance-pack.js';
import { PCI_DSS_REQUIREMENTS } from '../../../lib/compliance/pci-dss-requirements.js';
import {
  PCI_DSS_V4_RULES,
  type PciConfigRule,
  REQUIRED_INPUT_PARAMETERS,
} from '../../../lib/compliance/pci-dss-v4-rules.js';

interface PackRule {
  Type: string;
  Properties: {
    ConfigRuleName: string;
    Description: string;
    Source: { Owner: string; SourceIdentifier: string };
    InputParameters?: Record<string, string>;
  };
}

function synthPack(props: ConstructorParameters<typeof PciConformancePack>[2] = {}): Template {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  new PciConformancePack(stack, 'Pci', props);
  return Template.fromStack(stack);
}

function rulesInTemplate(template: Template): PackRule[] {
  const pack = Object.values(template.findResources('AWS::Config::ConformancePack'))[0];
  const body = JSON.parse(pack?.Properties.TemplateBody as string) as { Resources: Record<string, PackRule> };
  return Object.values(body.Resources);
}

describe('PCI DSS v4.0.1 conformance pack', () => {
  it('deploys every rule of the mapping as an AWS-managed Config rule', () => {
    const rules = rulesInTemplate(synthPack());
    expect(rules.map((r) => r.Properties.ConfigRuleName)).toEqual(PCI_DSS_V4_RULES.map((r) => r.name));
    for (const rule of rules) {
      expect(rule.Type).toBe('AWS::Config::ConfigRule');
      expect(rule.Properties.Source.Owner).toBe('AWS');
      expect(rule.Properties.Source.SourceIdentifier).toMatch(/^[A-Z0-9_]+$/);
    }
  });

  it('annotates every rule in the template with at least one known PCI DSS v4.0.1 requirement', () => {
    for (const rule of rulesInTemplate(synthPack())) {
      const ids = /PCI DSS v4\.0\.1: (.+)$/.exec(rule.Properties.Description)?.[1]?.split(', ') ?? [];
      expect(ids.length, rule.Properties.ConfigRuleName).toBeGreaterThan(0);
      for (const id of ids) expect(Object.keys(PCI_DSS_REQUIREMENTS)).toContain(id);
    }
  });

  it('passes input parameters through (password policy meets 8.3.6 / 8.3.9)', () => {
    const policy = rulesInTemplate(synthPack()).find(
      (r) => r.Properties.ConfigRuleName === 'iam-password-policy',
    );
    expect(policy?.Properties.InputParameters).toMatchObject({
      MinimumPasswordLength: '12',
      MaxPasswordAge: '90',
    });
  });

  it('covers every service Tessera deploys', () => {
    const services = new Set(PCI_DSS_V4_RULES.map((r) => r.service));
    for (const service of [
      'S3',
      'KMS',
      'RDS/Aurora',
      'ECS',
      'ELB',
      'WAF',
      'CloudTrail',
      'VPC/EC2',
      'IAM',
      'Lambda',
      'Secrets Manager',
      'API Gateway',
      'CloudFront',
      'GuardDuty',
      'Security Hub',
      'CloudWatch Logs',
    ] as const) {
      expect(services).toContain(service);
    }
  });

  it('stays within the inline template limit', () => {
    expect(Buffer.byteLength(conformancePackTemplate(PCI_DSS_V4_RULES))).toBeLessThan(
      MAX_TEMPLATE_BODY_BYTES,
    );
  });

  it('refuses a rule without requirements and duplicate rule names', () => {
    const [first] = PCI_DSS_V4_RULES as [PciConfigRule];
    const unmapped = { ...first, requirements: [] } as unknown as PciConfigRule;
    expect(() => conformancePackTemplate([unmapped])).toThrow(/maps to no PCI DSS requirement/);
    expect(() => conformancePackTemplate([first, first])).toThrow(/appears twice/);
  });

  it('gives every rule the input parameters AWS Config requires for it (ecs-no-environment-secrets: secretKeys)', () => {
    const rules = rulesInTemplate(synthPack());
    for (const rule of rules) {
      for (const key of REQUIRED_INPUT_PARAMETERS[rule.Properties.Source.SourceIdentifier] ?? []) {
        expect(rule.Properties.InputParameters?.[key], `${rule.Properties.ConfigRuleName}.${key}`).toMatch(
          /\S/,
        );
      }
    }
    const secrets = rules.find((r) => r.Properties.ConfigRuleName === 'ecs-no-environment-secrets');
    expect(secrets?.Properties.InputParameters?.secretKeys?.split(',')).toEqual(
      expect.arrayContaining([
        'VAULT_FINGERPRINT_KEY',
        'SERVICE_HMAC_KEY',
        'PGPASSWORD',
        'AWS_SECRET_ACCESS_KEY',
      ]),
    );
  });

  it('refuses a managed rule without a required input parameter, naming the rule and the parameter', () => {
    const secrets = PCI_DSS_V4_RULES.find((r) => r.name === 'ecs-no-environment-secrets') as PciConfigRule;
    const { inputParameters: _dropped, ...bare } = secrets;
    expect(() => conformancePackTemplate([bare])).toThrow(
      'config rule ecs-no-environment-secrets (ECS_NO_ENVIRONMENT_SECRETS) needs the input parameter(s) secretKeys: AWS Config requires them',
    );
    expect(() => conformancePackTemplate([{ ...secrets, inputParameters: { secretKeys: ' ' } }])).toThrow(
      /needs the input parameter\(s\) secretKeys/,
    );
  });

  it('routes NON_COMPLIANT evaluations to the compliance topic when one is given', () => {
    const stack = new Stack(new App(), 'Alerts');
    const complianceTopic = new sns.Topic(stack, 'Compliance');
    new PciConformancePack(stack, 'Pci', { complianceTopic });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.config'],
        'detail-type': ['Config Rules Compliance Change'],
        detail: { newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Compliance') } })],
    });
  });
});
