import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without an API key (probes, the OpenAPI document). Every other route authenticates. */
    readonly public?: boolean;
  }
}

/** Route options of a route anyone may call. */
export const PUBLIC_ROUTE = { config: { public: true } } as const;

/**
 * Puts `guards` (authentication and what must follow it) first in the `onRequest` hooks of every route
 * registered from now on — including the HEAD routes Fastify adds for GETs — unless the route says it is
 * public. Authentication is a property of the matched route, never of the URL text, so no spelling of a
 * path (`/%761/balance`, `/v1/balance/`, an absolute URI) can reach a handler without it.
 */
export function guardRoutes(app: FastifyInstance, guards: readonly onRequestAsyncHookHandler[]): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.public === true) return;
    const own = route.onRequest === undefined ? [] : [route.onRequest].flat();
    route.onRequest = [...guards, ...own];
  });
}
