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
import type { AuthThrottleLimits } from './auth-throttle.js';
import { clientCertificateCheck, type RevocationSource } from './client-certificates.js';
import { registerBodyParsers } from './content-types.js';
import { toApiError } from './error-mapping.js';
import { ApiError, invalidRequest } from './errors.js';
import { openApiDocument } from './openapi.js';
import { parseQuery, queryError, rejectInvalidText } from './params.js';
import { guardRoutes, PUBLIC_ROUTE } from './route-guard.js';
import { registerChallengeRoutes } from './challenge-routes.js';
import { registerChargeRoutes } from './charge-routes.js';
import { registerEventRoutes } from './event-routes.js';
import { registerExpansion } from './expand.js';
import { registerRoutes } from './routes.js';
import { stripeAccountCheck } from './stripe-account.js';
import { clientErrorHandler, frameworkErrors, routeNotFound } from './transport-errors.js';

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
  /** Limits of the failed-authentication throttle. @default DEFAULT_AUTH_THROTTLE */
  readonly authThrottle?: Partial<AuthThrottleLimits>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

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
  // Node would answer an HTTP/1.1 request without Host with a bare 400; the onRequest hook answers it instead.
  const app = Fastify({
    ...(opts.https
      ? { https: { ...opts.https, requireHostHeader: false } }
      : { http: { requireHostHeader: false } }),
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: opts.bodyLimitBytes,
    trustProxy: opts.trustProxy ?? false,
    genReqId: () => `req_${randomToken(16)}`,
    requestIdHeader: false,
    // Answered by the onRequest hook below, in the envelope.
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseQuery },
    clientErrorHandler: clientErrorHandler(opts.logger as FastifyBaseLogger),
    frameworkErrors,
  });
  registerBodyParsers(app);

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('request-id', req.id);
    if (req.raw.httpVersion === '1.1' && req.headers.host === undefined) {
      throw invalidRequest('An HTTP/1.1 request needs a Host header.', undefined, 'request_malformed');
    }
    if (closing) {
      reply.header('connection', 'close');
      throw new ApiError(
        503,
        'api_error',
        'The server is shutting down; retry the request.',
        'service_unavailable',
      );
    }
  });

  // Authentication belongs to the route: every route registered below authenticates unless it is public.
  app.decorateRequest('merchant', null);
  const auth = new Authenticator(opts.deps, app.log, { throttle: opts.authThrottle ?? {} });
  app.addHook('onClose', () => auth.close());
  guardRoutes(app, [
    async (req) => {
      req.merchant = await auth.authenticate(req);
    },
    // The certificate (local mTLS) and the authorizer's merchant header must match the key.
    clientCertificateCheck({
      db: opts.deps.db,
      ...(opts.clientCertificateRevocations ? { revocations: opts.clientCertificateRevocations } : {}),
    }),
    stripeAccountCheck(opts.deps.db),
  ]);

  // Every string of the path, query and body, after authentication and before any handler reads it (the
  // public probes read none).
  app.addHook('preValidation', async (req) => {
    if (req.routeOptions.config.public === true) return;
    const malformedQuery = queryError(req.query);
    if (malformedQuery) throw malformedQuery;
    rejectInvalidText(req.params);
    rejectInvalidText(req.query);
    rejectInvalidText(req.body);
  });

  // Business metrics of every answered API request; the public probes (load balancer health checks) do not count.
  app.addHook('onResponse', async (req, reply) => {
    if (req.routeOptions.config.public === true) return;
    opts.deps.metrics.response(reply.statusCode, reply.getHeader('idempotent-replayed') === 'true');
  });

  app.setErrorHandler((err, req, reply) => {
    const { error, internal } = toApiError(err);
    if (internal) req.log.error({ err }, 'request failed');
    else req.log.info({ status: error.status, type: error.type, code: error.code }, 'request rejected');
    return reply.code(error.status).headers(error.headers).type(JSON_TYPE).send(error.body());
  });

  const methods = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) methods.add(method);
  });
  app.setNotFoundHandler(routeNotFound(app, methods));

  const allowedOrigins = opts.probeCorsOrigins ?? '*';
  const probeCors = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // The answer depends on Origin only when a list is configured.
    if (allowedOrigins !== '*') reply.header('vary', 'Origin');
    const allow = probeAllowOrigin(allowedOrigins, req.headers.origin);
    if (allow) reply.header('access-control-allow-origin', allow);
  };
  app.get('/health', { ...PUBLIC_ROUTE, onRequest: probeCors }, async () => ({ status: 'ok' }));
  app.get('/ready', { ...PUBLIC_ROUTE, onRequest: probeCors }, async (_req, reply) => {
    try {
      await ping(opts.deps.db);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  const openapi = JSON.stringify(openApiDocument());
  app.get('/openapi.json', PUBLIC_ROUTE, async (_req, reply) => reply.type(JSON_TYPE).send(openapi));

  registerChallengeRoutes(app, opts.deps, opts.idempotencyLeaseSeconds);
  registerExpansion(app, opts.deps);
  registerRoutes(app, opts.deps, opts.idempotencyLeaseSeconds);
  registerChargeRoutes(app, opts.deps);
  registerEventRoutes(app, opts.deps);
  return app;
}
