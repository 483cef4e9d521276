import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { PublicLoadBalancerDomain } from './public-load-balancer.js';

export interface ApiCertificateProps {
  /**
   * Import this issued certificate.
   * @default - DNS-validate a new one in `hostedZone`
   */
  readonly certificateArn?: string;
  /**
   * Route 53 zone (ids given, no lookup) for the API's alias record and, without `certificateArn`, the DNS
   * validation of a new certificate.
   * @default - no zone: `certificateArn` is required and the API is reached by the load balancer's name
   */
  readonly hostedZone?: { readonly id: string; readonly name: string };
  /**
   * The API's name inside `hostedZone`.
   * @default - required with `hostedZone`
   */
  readonly domainName?: string;
}

export interface ApiCertificate {
  readonly certificate: acm.ICertificate;
  /** The API's name (and the zone of its alias record, when a hosted zone is given). */
  readonly domain?: PublicLoadBalancerDomain;
}

/**
 * The HTTPS listener's certificate, created in `scope` as `ApiCertificate` (and the zone as `ApiZone`):
 * imported by ARN, or DNS-validated in the hosted zone for the domain name.
 */
export function apiCertificate(scope: Construct, props: ApiCertificateProps): ApiCertificate {
  const { hostedZone, domainName, certificateArn } = props;
  if (hostedZone && !domainName) {
    throw new Error(
      `api certificate: a hosted zone (${hostedZone.name}) needs the domain name of the API in it`,
    );
  }
  const zone = hostedZone
    ? route53.HostedZone.fromHostedZoneAttributes(scope, 'ApiZone', {
        hostedZoneId: hostedZone.id,
        zoneName: hostedZone.name,
      })
    : undefined;
  // The API's name, with its alias record when the zone is ours; an imported certificate may name one whose DNS
  // is managed elsewhere.
  const domain = domainName ? { zone, recordName: domainName } : undefined;
  if (certificateArn) {
    return {
      certificate: acm.Certificate.fromCertificateArn(scope, 'ApiCertificate', certificateArn),
      domain,
    };
  }
  if (zone && domainName) {
    const certificate = new acm.Certificate(scope, 'ApiCertificate', {
      domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    return { certificate, domain };
  }
  throw new Error('api certificate: an HTTPS listener needs certificateArn, or hostedZone and domainName');
}
