import { BlockList, isIP } from 'node:net';
import { DomainError } from './errors.js';

/**
 * Where a webhook may be delivered (SSRF policy, ADR 0033). An address is in one class; only `public` is
 * always allowed, `loopback` only when the deployment allows it (the embedded default, for local receivers).
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'metadata'
  | 'unspecified'
  | 'shared'
  | 'multicast'
  | 'reserved';

/** Checked in this order: the first class whose ranges hold the address wins (metadata before link-local). */
const RANGES: readonly [
  Exclude<AddressClass, 'public'>,
  readonly (readonly [string, number, 'ipv4' | 'ipv6'])[],
][] = [
  [
    'metadata',
    [
      ['169.254.169.254', 32, 'ipv4'],
      ['fd00:ec2::254', 128, 'ipv6'],
    ],
  ],
  [
    'unspecified',
    [
      ['0.0.0.0', 8, 'ipv4'],
      ['::', 128, 'ipv6'],
    ],
  ],
  [
    'loopback',
    [
      ['127.0.0.0', 8, 'ipv4'],
      ['::1', 128, 'ipv6'],
    ],
  ],
  [
    'link_local',
    [
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ],
  ],
  [
    'private',
    [
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
    ],
  ],
  // CGNAT (RFC 6598): inside a provider's network, never the public internet.
  ['shared', [['100.64.0.0', 10, 'ipv4']]],
  [
    'multicast',
    [
      ['224.0.0.0', 4, 'ipv4'],
      ['ff00::', 8, 'ipv6'],
    ],
  ],
  [
    'reserved',
    [
      ['192.0.0.0', 24, 'ipv4'],
      ['192.0.2.0', 24, 'ipv4'],
      ['198.18.0.0', 15, 'ipv4'],
      ['198.51.100.0', 24, 'ipv4'],
      ['203.0.113.0', 24, 'ipv4'],
      ['240.0.0.0', 4, 'ipv4'],
      // IPv4-compatible (deprecated), NAT64 and 6to4 addresses embed an IPv4 address a gateway may reach.
      ['::', 96, 'ipv6'],
      ['64:ff9b::', 96, 'ipv6'],
      ['64:ff9b:1::', 48, 'ipv6'],
      ['2002::', 16, 'ipv6'],
      ['2001:db8::', 32, 'ipv6'],
      ['100::', 64, 'ipv6'],
    ],
  ],
];

const LISTS = RANGES.map(([kind, ranges]) => {
  const list = new BlockList();
  for (const [address, prefix, family] of ranges) list.addSubnet(address, prefix, family);
  return [kind, list] as const;
});

/**
 * The class of an IP address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, also in hex) are the IPv4 address
 * they map: node's BlockList matches them against the IPv4 ranges.
 */
export function classifyAddress(address: string): AddressClass {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) throw new RangeError(`${address} is not an IP address`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of LISTS) if (list.check(bare, type)) return kind;
  return 'public';
}

export interface UrlPolicy {
  /** Plain http and loopback addresses are allowed (WEBHOOK_ALLOW_LOOPBACK_HTTP: local receivers). */
  readonly allowLoopback: boolean;
}

/** Whether a delivery may connect to `address` under `policy`. */
export function addressAllowed(address: string, policy: UrlPolicy): boolean {
  const kind = classifyAddress(address);
  return kind === 'public' || (kind === 'loopback' && policy.allowLoopback);
}

const MAX_URL_LENGTH = 2048;
const LOOPBACK_NAMES = new Set(['localhost']);

const refuse = (message: string) => new DomainError('url_invalid', message, 'url');

/**
 * Checks a webhook endpoint's URL on create and update: https (http only to loopback when allowed), no
 * user info, and a literal IP address must be allowed. A host name is checked again on every delivery
 * against the addresses it resolves to (DNS may change after this check).
 */
export function checkWebhookUrl(raw: string, policy: UrlPolicy): URL {
  if (raw.length > MAX_URL_LENGTH)
    throw refuse(`Invalid URL: the url must be at most ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse(`Invalid URL: ${raw.slice(0, 100)}. The url must be an absolute https URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw refuse(`Invalid URL: the url must use https (got ${url.protocol.replace(':', '')}).`);
  }
  if (url.username || url.password)
    throw refuse('Invalid URL: the url must not contain a user name or password.');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const loopback = isIP(host) ? classifyAddress(host) === 'loopback' : LOOPBACK_NAMES.has(host.toLowerCase());
  if (url.protocol === 'http:' && !(loopback && policy.allowLoopback)) {
    throw refuse(
      policy.allowLoopback
        ? 'Invalid URL: the url must use https; plain http is allowed only to a loopback address (localhost).'
        : 'Invalid URL: the url must use https.',
    );
  }
  if (isIP(host) && !addressAllowed(host, policy)) {
    throw refuse(
      `Invalid URL: webhooks cannot be delivered to ${classifyAddress(host).replace('_', '-')} addresses.`,
    );
  }
  if (!isIP(host) && loopback && !policy.allowLoopback) {
    throw refuse('Invalid URL: webhooks cannot be delivered to loopback addresses.');
  }
  return url;
}
