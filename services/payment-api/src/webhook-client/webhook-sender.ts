import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressAllowed, classifyAddress, type UrlPolicy } from '../domain/webhook-url.js';

/** One POST of a webhook. */
export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What came back: an HTTP status (with at most 1 KB of the body), or why no response came. */
export type WebhookResponse = { readonly status: number; readonly body: string } | { readonly error: string };

export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>;
}

/** Resolves a host name to all its addresses (the system resolver by default; tests inject one). */
export type Resolve = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export const RESPONSE_EXCERPT_BYTES = 1024;

/** At most `max` bytes of UTF-8 text, cut at a character boundary, without NULs (PostgreSQL text holds none). */
export function excerpt(bytes: Buffer, max = RESPONSE_EXCERPT_BYTES): string {
  let text = bytes.subarray(0, max).toString('utf8').replaceAll('\0', '');
  while (Buffer.byteLength(text, 'utf8') > max) text = text.slice(0, -1);
  return text;
}

/**
 * Sends webhooks over node:http(s), connecting only to an address it has vetted (SSRF policy, ADR 0033): the
 * host name is resolved here, every address it resolves to must be allowed, and the connection's `lookup`
 * returns the vetted address, so a DNS answer that changes between the check and the connection (rebinding)
 * cannot redirect it. TLS still verifies the certificate for the host name. Redirects are not followed.
 */
export class HttpWebhookSender implements WebhookSender {
  constructor(
    private readonly policy: UrlPolicy,
    private readonly timeoutMs: number,
    private readonly resolve: Resolve = systemResolve,
    private readonly userAgent = 'Tessera/1.0 (+https://docs.stripe.com/webhooks)',
  ) {}

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    const url = new URL(request.url);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    let vetted: { address: string; family: number };
    try {
      vetted = await this.vet(host);
    } catch (err) {
      return { error: (err as Error).message };
    }
    return this.post(url, vetted, request);
  }

  private async vet(host: string): Promise<{ address: string; family: number }> {
    const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await this.resolve(host);
    if (addresses.length === 0) throw new Error(`${host} resolves to no address`);
    const refused = addresses.find((a) => !addressAllowed(a.address, this.policy));
    if (refused) {
      throw new Error(
        `refused: ${host} resolves to ${refused.address}, a ${classifyAddress(refused.address).replace('_', '-')} ` +
          'address webhooks are not delivered to',
      );
    }
    return addresses[0] as { address: string; family: number };
  }

  private post(url: URL, vetted: { address: string; family: number }, request: WebhookRequest) {
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all) callback(null, [vetted]);
      else callback(null, vetted.address, vetted.family);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<WebhookResponse>((resolve) => {
      let settled = false;
      const finish = (outcome: WebhookResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = send(
        url,
        {
          method: 'POST',
          lookup,
          // a connection of its own: a pooled socket would skip this request's vetting
          agent: false,
          headers: {
            ...request.headers,
            'content-type': 'application/json; charset=utf-8',
            'content-length': String(Buffer.byteLength(request.body)),
            'user-agent': this.userAgent,
          },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
            size += chunk.length;
          });
          res.on('end', () => finish({ status: res.statusCode ?? 0, body: excerpt(Buffer.concat(chunks)) }));
          res.on('error', (err) => finish({ error: `response failed: ${err.message}` }));
        },
      );
      const timer = setTimeout(() => {
        finish({ error: `timed out after ${this.timeoutMs} ms` });
        req.destroy();
      }, this.timeoutMs);
      req.on('error', (err) => finish({ error: `connection failed: ${err.message}` }));
      req.end(request.body);
    });
  }
}
