import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { Logger } from 'pino';
import type { Deps } from '../app/deps.js';
import { ping } from '../db/database.js';
import { randomToken } from '../domain/ids.js';
import { Authenticator } from './auth.js';
import { clientCertificateCheck, type RevocationSource } from './client-certificates.js';
import { toApiError } from './error-mapping.js';
import { invalidRequest } from './errors.js';
import { parseForm } from './form.js';
import { openApiDocument } from './openapi.js';
import { registerRoutes } from './routes.js';

export interface ServerOptions {
  readonly deps: Deps;
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  readonly idempotencyLeaseSeconds: number;
  /** Proxies trusted for X-Forwarded-For (e.g. the VPC CIDR behind an ALB). @default false */
  readonly trustProxy?: boolean | string;
  /**
   * Origins whose browser pages may read `/health` and `/ready` (the status page). Only these two
   * probes answer with CORS headers; they carry no data and need no credentials.
   * @default '*'
   */
  readonly probeCorsOrigins?: '*' | readonly string[];
  /**
   * Serve HTTPS with these options (local mode). Mutual TLS = `ca` + `requestCert` + `rejectUnauthorized`,
   * together with `clientCertificateRevocations`.
   * @default plain HTTP
   */
  readonly https?: HttpsServerOptions;
  /** Local mutual-TLS mode: the revocation list the connection's client certificate is checked against. */
  readonly clientCertificateRevocations?: RevocationSource;
}

/** Access-Control-Allow-Origin for a probe request from `origin`, or undefined when it is not allowed. */
export function probeAllowOrigin(
  allowed: '*' | readonly string[],
  origin: string | undefined,
): string | undefined {
  if (allowed === '*') return '*';
  return origin !== undefined && allowed.includes(origin) ? origin : undefined;
}

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  if (opts.clientCertificateRevocations && !opts.https?.requestCert) {
    throw new Error('clientCertificateRevocations needs https with requestCert (mutual TLS)');
  }
  const app = Fastify({
    ...(opts.https ? { https: opts.https } : {}),
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: opts.bodyLimitBytes,
    trustProxy: opts.trustProxy ?? false,
    genReqId: () => `req_${randomToken(16)}`,
    requestIdHeader: false,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.decorateRequest('merchant', null);
  const auth = new Authenticator(opts.deps);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('request-id', req.id);
    if (req.url.startsWith('/v1/')) req.merchant = await auth.authenticate(req);
  });
  // After authentication: the certificate (local mTLS) and the authorizer's merchant header must match the key.
  app.addHook(
    'onRequest',
    clientCertificateCheck({
      db: opts.deps.db,
      ...(opts.clientCertificateRevocations ? { revocations: opts.clientCertificateRevocations } : {}),
    }),
  );

  app.setErrorHandler((err, req, reply) => {
    const { error, internal } = toApiError(err);
    if (internal) req.log.error({ err }, 'request failed');
    else req.log.info({ status: error.status, type: error.type, code: error.code }, 'request rejected');
    return reply.code(error.status).type('application/json; charset=utf-8').send(error.envelope());
  });

  app.setNotFoundHandler((req, reply) => {
    const error = invalidRequest(
      `Unrecognized request URL (${req.method}: ${req.url.split('?')[0]}).`,
      undefined,
      undefined,
      404,
    );
    return reply.code(404).send(error.envelope());
  });

  const allowedOrigins = opts.probeCorsOrigins ?? '*';
  const probeCors = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // The answer depends on Origin only when a list is configured.
    if (allowedOrigins !== '*') reply.header('vary', 'Origin');
    const allow = probeAllowOrigin(allowedOrigins, req.headers.origin);
    if (allow) reply.header('access-control-allow-origin', allow);
  };
  app.get('/health', { onRequest: probeCors }, async () => ({ status: 'ok' }));
  app.get('/ready', { onRequest: probeCors }, async (_req, reply) => {
    try {
      await ping(opts.deps.db);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  const openapi = JSON.stringify(openApiDocument());
  app.get('/openapi.json', async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(openapi),
  );

  registerRoutes(app, opts.deps, opts.idempotencyLeaseSeconds);
  return app;
}
