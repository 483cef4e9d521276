/**
 * Stand-ins that let `cdk synth` run offline before an operator configures real values. Synth accepts them; the
 * deploy preflight (./preflight.ts) refuses each one with the field that holds it and how to set it.
 */

/** Account ids of the shipped environments until real ones are configured. */
export const PLACEHOLDER_ACCOUNTS = {
  payment: '111111111111',
  analytics: '222222222222',
} as const;

/** Ids that are never a real account: the placeholders, the documentation example, and repeated digits. */
export function isPlaceholderAccount(id: string): boolean {
  const known: readonly string[] = [...Object.values(PLACEHOLDER_ACCOUNTS), '123456789012', '000000000000'];
  return known.includes(id) || /^(\d)\1{11}$/.test(id);
}

/**
 * Stand-in for a pinned Amazon Linux 2023 arm64 image (NAT instances, EC2 compute) until an operator pins the
 * region's current one: `aws ssm get-parameter --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64`.
 */
export const PLACEHOLDER_AMI = 'ami-00000000000000000';

/** How to replace {@link PLACEHOLDER_AMI}, for preflight messages. */
export const PIN_AMI_HINT =
  'pin the current Amazon Linux 2023 arm64 AMI of the region (aws ssm get-parameter ' +
  '--name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64)';

const PLACEHOLDER_CERTIFICATE_ID = '00000000-0000-0000-0000-000000000000';

/** The example ALB certificate of an account and region. */
export function placeholderCertificateArn(account: string, region: string): string {
  return `arn:aws:acm:${region}:${account}:certificate/${PLACEHOLDER_CERTIFICATE_ID}`;
}

/** The example ALB certificate of the shipped environments (placeholder account, us-east-1). */
export const PLACEHOLDER_CERTIFICATE_ARN = placeholderCertificateArn(
  PLACEHOLDER_ACCOUNTS.payment,
  'us-east-1',
);

/** True for the example certificate of any account or region. */
export function isPlaceholderCertificate(arn: string): boolean {
  return arn.endsWith(`/${PLACEHOLDER_CERTIFICATE_ID}`);
}

/**
 * Domains reserved for documentation and testing (RFC 2606, RFC 6761): an address there never reaches anyone, so
 * an alert subscription to it would leave the alerts unread.
 */
const RESERVED_EMAIL_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/;

/** True for an e-mail address whose domain is reserved for documentation or testing (the shipped alert addresses). */
export function isPlaceholderEmail(address: string): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return RESERVED_EMAIL_DOMAIN.test(domain);
}
