import { isPlaceholderCertificate, PLACEHOLDER_APP_AMI } from './compute.js';
import type { ConfigIssue } from './errors.js';
import type { EnvironmentConfig } from './schema.js';

/** Deploy-time refusals for the compute and edge settings: placeholder certificate and AMI. */
export function computePreflightIssues(config: EnvironmentConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { tls, ec2 } = config.app;
  if (tls.certificateArn !== undefined && isPlaceholderCertificate(tls.certificateArn) && !tls.hostedZone) {
    issues.push({
      field: 'app.tls.certificateArn',
      value: tls.certificateArn,
      problem:
        'is the example certificate; set the ARN of an issued ACM certificate in ' +
        `${config.regions.primary}, or app.tls.hostedZone + app.tls.domainName to have one DNS-validated`,
    });
  }
  if (
    tls.certificateArn &&
    !isPlaceholderCertificate(tls.certificateArn) &&
    tls.certificateArn.split(':')[4] !== config.accounts.payment
  ) {
    issues.push({
      field: 'app.tls.certificateArn',
      value: tls.certificateArn,
      problem: `must belong to the payment account ${config.accounts.payment}`,
    });
  }
  const ami = ec2.amiIds[config.regions.primary];
  if (config.compute === 'ec2' && (ami === undefined || ami === PLACEHOLDER_APP_AMI)) {
    issues.push({
      field: `app.ec2.amiIds.${config.regions.primary}`,
      value: ami,
      problem:
        'is a placeholder; pin the current Amazon Linux 2023 arm64 AMI of the region (aws ssm get-parameter ' +
        '--name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64)',
    });
  }
  return issues;
}
