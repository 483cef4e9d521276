import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SecurityHub } from '../../../lib/constructs/security/security-hub.js';

describe('SecurityHub', () => {
  it('enables the hub without default standards and the PCI DSS v4.0.1 standard of the stack region', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
    new SecurityHub(stack, 'Hub');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SecurityHub::Hub', { EnableDefaultStandards: false });
    const standards = Object.values(template.findResources('AWS::SecurityHub::Standard'));
    expect(standards).toHaveLength(1);
    expect(standards[0]?.Properties.StandardsArn).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:eu-central-1::standards/pci-dss/v/4.0.1'],
      ],
    });
    expect(standards[0]?.DependsOn).toEqual([expect.stringMatching(/^Hub[0-9A-F]{8}$/)]);
  });

  it('uses the region token in an environment-agnostic stack (no hard-coded region)', () => {
    const stack = new Stack(new App(), 'Agnostic');
    new SecurityHub(stack, 'Hub');
    const [standard] = Object.values(Template.fromStack(stack).findResources('AWS::SecurityHub::Standard'));
    expect(JSON.stringify(standard?.Properties.StandardsArn)).toContain('{"Ref":"AWS::Region"}');
  });

  it('rejects a malformed standard path', () => {
    const stack = new Stack(new App(), 'Bad');
    expect(() => new SecurityHub(stack, 'Hub', { standards: ['arn:aws:securityhub:::x'] })).toThrow(
      "security hub standard path must look like 'pci-dss/v/4.0.1', got 'arn:aws:securityhub:::x'",
    );
  });
});
