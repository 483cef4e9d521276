/**
 * The PCI DSS v4.0.1 requirements our AWS Config rules give evidence for, with a short paraphrase of each
 * (the standard's text is the authority). Keyed by requirement id so rule mappings are type-checked.
 */
export const PCI_DSS_REQUIREMENTS = {
  '1.3.1': 'Inbound traffic to the CDE is restricted to what is necessary; all else is denied',
  '1.3.2': 'Outbound traffic from the CDE is restricted to what is necessary; all else is denied',
  '1.4.2': 'Inbound traffic from untrusted to trusted networks is restricted',
  '1.4.4': 'System components that store cardholder data are not directly accessible from untrusted networks',
  '2.2.6': 'System security parameters are configured to prevent misuse',
  '2.2.7': 'All non-console administrative access is encrypted using strong cryptography',
  '3.5.1': 'PAN is rendered unreadable anywhere it is stored',
  '3.6.1': 'Procedures protect cryptographic keys against disclosure and misuse',
  '3.7.4': 'Cryptographic keys are changed at the end of their cryptoperiod',
  '4.2.1': 'Strong cryptography safeguards PAN during transmission over open, public networks',
  '5.2.1': 'An anti-malware solution is deployed on system components',
  '5.2.2': 'The anti-malware solution detects and removes, blocks or contains known malware',
  '6.3.3': 'System components are protected from known vulnerabilities by installing security patches',
  '6.4.2':
    'An automated technical solution detects and prevents web-based attacks on public-facing web applications',
  '7.2.1': 'An access control model is defined and grants access appropriately',
  '7.2.2': 'Access is assigned on job classification and least privilege',
  '7.2.5': 'Application and system accounts are assigned least privilege',
  '8.2.1': 'All users are assigned a unique ID before access to system components or cardholder data',
  '8.2.6': 'Inactive user accounts are removed or disabled within 90 days',
  '8.3.1': 'All user access to system components is authenticated',
  '8.3.6': 'Passwords have at least 12 characters with numeric and alphabetic characters',
  '8.3.7': 'New passwords differ from the last four passwords',
  '8.3.9': 'Passwords used as the only factor are changed at least every 90 days',
  '8.4.1': 'MFA is used for all non-console administrative access into the CDE',
  '8.4.2': 'MFA is used for all access into the CDE',
  '8.6.2': 'Passwords of application and system accounts are not hard-coded in scripts, files or code',
  '8.6.3':
    'Passwords of application and system accounts are protected against misuse and changed periodically',
  '10.2.1': 'Audit logs are enabled and active for all system components and cardholder data',
  '10.2.2': 'Audit logs record the required details of each auditable event',
  '10.3.2': 'Audit log files are protected against modification',
  '10.3.3': 'Audit log files are promptly backed up to a secure, central log store',
  '10.3.4': 'File-integrity monitoring or change detection is used on audit logs',
  '10.4.1.1': 'Automated mechanisms perform audit log reviews',
  '10.5.1': 'Audit log history is retained at least 12 months, the last three immediately available',
  '10.7.2': 'Failures of critical security control systems are detected, alerted and addressed',
  '11.5.1': 'Intrusion-detection or intrusion-prevention techniques detect or prevent intrusions',
  '12.10.5': 'The incident response plan covers alerts from security monitoring systems',
} as const satisfies Record<string, string>;

export type PciRequirementId = keyof typeof PCI_DSS_REQUIREMENTS;
