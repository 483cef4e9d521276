import { readFile, stat } from 'node:fs/promises';
import type { TLSSocket } from 'node:tls';
import {
  RevocationIndex,
  checkKeyMerchant,
  evaluateClientCertificate,
  identityFromCertificate,
  parseRevocationList,
  type ClientCertificateIdentity,
} from '@tessera/pki';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../db/database.js';
import { auditRefusedClientCertificate } from '../app/merchants.js';
import { ApiError } from './errors.js';

/**
 * The merchant the API Gateway authorizer bound the client certificate to, which API Gateway puts into this
 * integration request header (overwriting any value the client sent). When a request carries it, the API
 * key must belong to that merchant. The public ALB path must never let a client set it (a WAF rule blocks
 * it from outside the VPC): forging it cannot widen access — the key must still match — but the header is
 * the service's evidence that a request came through the mutual-TLS path.
 */
export const CERTIFICATE_MERCHANT_HEADER = 'x-tessera-client-certificate-merchant';

/** The revocation list in force; rejects when it cannot be read (the request then fails closed with 500). */
export interface RevocationSource {
  get(): Promise<RevocationIndex>;
}

/** TLS_REVOCATION_FILE: re-read whenever the file changes, so `pki revoke` takes effect without a restart. */
export class RevocationListFile implements RevocationSource {
  private loaded: { readonly stamp: string; readonly index: RevocationIndex } | undefined;

  constructor(readonly path: string) {}

  async get(): Promise<RevocationIndex> {
    try {
      // The CLI replaces the file by rename, so the inode changes with every update.
      const info = await stat(this.path);
      const stamp = `${info.ino}:${info.size}:${info.mtimeMs}`;
      if (this.loaded?.stamp !== stamp) {
        this.loaded = {
          stamp,
          index: new RevocationIndex(parseRevocationList(await readFile(this.path, 'utf8'))),
        };
      }
      return this.loaded.index;
    } catch (err) {
      throw new Error(`the revocation list ${this.path} cannot be used: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}

export interface ClientCertificateCheckOptions {
  readonly db: Queryable;
  /** Local mutual-TLS mode: the socket's certificate is checked against this list. */
  readonly revocations?: RevocationSource;
  readonly now?: () => Date;
}

const identities = new WeakMap<TLSSocket, ClientCertificateIdentity>();

/** The verified peer certificate of a TLS connection (parsed once per connection). */
function peerIdentity(socket: TLSSocket): ClientCertificateIdentity | undefined {
  let identity = identities.get(socket);
  if (!identity) {
    const certificate = socket.getPeerX509Certificate?.();
    if (!certificate) return undefined;
    identity = identityFromCertificate(new Uint8Array(certificate.raw));
    identities.set(socket, identity);
  }
  return identity;
}

function refusal(code: string, message: string): ApiError {
  return new ApiError(403, 'invalid_request_error', message, code);
}

/**
 * An onRequest hook that runs after API-key authentication on /v1/ routes and applies the shared
 * client-certificate rule of `@tessera/pki`: in local mutual-TLS mode to the connection's certificate, and
 * in every mode to the authorizer's merchant header. Refusals answer 403 and are audited.
 */
export function clientCertificateCheck(opts: ClientCertificateCheckOptions) {
  const now = opts.now ?? (() => new Date());

  const audit = (
    req: FastifyRequest,
    reason: string,
    certificate: { serial?: string; subject?: string; merchant?: string },
  ) =>
    auditRefusedClientCertificate(
      opts.db,
      {
        merchantId: req.merchant?.merchantId ?? null,
        actor: req.merchant?.actor ?? 'anonymous',
        sourceIp: req.ip,
        requestId: req.id,
      },
      { reason, certificate },
    );

  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const keyMerchant = req.merchant?.merchantId;
    if (keyMerchant === undefined) return; // not an authenticated /v1/ request
    if (opts.revocations) {
      const identity = peerIdentity(req.raw.socket as TLSSocket);
      if (!identity) {
        await audit(req, 'no_certificate', {});
        throw refusal('client_certificate_required', 'A client certificate is required.');
      }
      const certificate = { serial: identity.serialNumber, subject: identity.subject };
      const decision = evaluateClientCertificate(identity, await opts.revocations.get(), now());
      if (!decision.allowed) {
        await audit(req, decision.reason, certificate);
        const revoked = decision.reason === 'revoked_serial' || decision.reason === 'revoked_subject';
        throw refusal(
          revoked ? 'client_certificate_revoked' : 'client_certificate_invalid',
          decision.message,
        );
      }
      const match = checkKeyMerchant(decision.merchantId, keyMerchant);
      if (!match.allowed) {
        await audit(req, match.reason, { ...certificate, merchant: decision.merchantId });
        throw refusal('client_certificate_merchant_mismatch', match.message);
      }
    }
    // Node joins a repeated header with ", ", which names no merchant and so never matches.
    const header = req.headers[CERTIFICATE_MERCHANT_HEADER];
    if (header !== undefined) {
      const match = checkKeyMerchant(String(header), keyMerchant);
      if (!match.allowed) {
        await audit(req, match.reason, { merchant: String(header) });
        throw refusal('client_certificate_merchant_mismatch', match.message);
      }
    }
  };
}
