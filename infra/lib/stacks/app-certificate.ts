import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { isPlaceholderCertificate, placeholderCertificateArn } from '../../config/compute.js';
import type { EnvironmentConfig } from '../../config/index.js';

export interface AppCertificate {
  readonly certificate: acm.ICertificate;
  /** Zone and record name for the API alias, when a hosted zone is configured. */
  readonly domain?: { readonly zone: route53.IHostedZone; readonly recordName: string };
}

/**
 * The HTTPS listener's certificate from `app.tls`: DNS-validated in the configured hosted zone
 * (no lookup: zone id and name come from the config), or imported by ARN. The schema guarantees one.
 */
export function appCertificate(scope: Construct, config: EnvironmentConfig): AppCertificate {
  const { tls } = config.app;
  const zone = tls.hostedZone
    ? route53.HostedZone.fromHostedZoneAttributes(scope, 'ApiZone', {
        hostedZoneId: tls.hostedZone.id,
        zoneName: tls.hostedZone.name,
      })
    : undefined;
  const domain = zone && tls.domainName ? { zone, recordName: tls.domainName } : undefined;

  // The example certificate only stands in while nothing is configured: a hosted zone replaces it.
  const configuredArn =
    tls.certificateArn && !isPlaceholderCertificate(tls.certificateArn) ? tls.certificateArn : undefined;
  if (configuredArn) {
    return {
      certificate: acm.Certificate.fromCertificateArn(scope, 'ApiCertificate', configuredArn),
      domain,
    };
  }
  if (zone && tls.domainName) {
    const certificate = new acm.Certificate(scope, 'ApiCertificate', {
      domainName: tls.domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    return { certificate, domain };
  }
  if (tls.certificateArn) {
    // Follows the configured account and region so the template stays coherent; the deploy preflight refuses it.
    const example = placeholderCertificateArn(config.accounts.payment, config.regions.primary);
    return { certificate: acm.Certificate.fromCertificateArn(scope, 'ApiCertificate', example), domain };
  }
  throw new Error(
    'app.tls: an HTTPS listener needs a certificate: set app.tls.certificateArn or app.tls.hostedZone + app.tls.domainName',
  );
}
