import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { httpRequest, rawRequest, type RawResponse } from '../support/raw-http.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Authentication is a property of the route (ADR 0025): every route Fastify serves — enumerated from its
 * own route tree, not from a list kept here — answers 401 without a key, and so does every spelling of
 * its path that Fastify routes to it. The only public routes are the probes, the OpenAPI document and the
 * 3D Secure challenge page, which its link's capability guards instead of a key (ADR 0027).
 */
const PROBES = new Set(['/health', '/ready', '/openapi.json']);
const CAPABILITY = new Set(['/3ds/challenge/:id']);
const PUBLIC = new Set([...PROBES, ...CAPABILITY]);

interface Route {
  readonly method: string;
  readonly url: string;
}

/** The routes of `app.printRoutes({ commonPrefix: false })`: a tree of path pieces with their methods. */
function registeredRoutes(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    prefixes.length = depth;
    const url = prefixes.join('') + (match[2] ?? '');
    prefixes.push(match[2] ?? '');
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) routes.push({ method, url });
  }
  return routes;
}

/** Percent-encodes every character of the path but the slashes (`/v1/balance` → `/%76%31/%62…`). */
const encodeAll = (path: string) =>
  path
    .split('/')
    .map((segment) => [...segment].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''))
    .join('/');

/** Spellings of `path` that Fastify routes to the same route. */
const routedVariants = (path: string) => [
  path,
  `${path}/`,
  `${path}?limit=1`,
  path.replace('/v', '/%76'), // the issue's /%761/balance
  path.replace('/v1/', '/v%31/'),
  encodeAll(path),
  `http://127.0.0.1${path}`, // absolute-form request target
];

/** Spellings that name no route: they must answer 404, never reach a handler. */
const unroutedVariants = (path: string) => [
  path.replace('/', '//'),
  path.replace('/v1/', '/v1//'),
  path.replace('/v1/', '/v1%2F'),
  path.toUpperCase(),
  path.replace('/v1/', '/V1/'),
  path.replace('/v1/', '/v1/./'),
  path.replace('/v1/', '/x/../v1/'),
];

let tdb: TestDatabase;
let server: TestServer;
let routes: Route[];
const answers: { route: Route; target: string; res: RawResponse }[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  // Every attempt here fails authentication from one address; the throttle must not hide the 401s.
  server = await startTestServer({
    db: tdb.db,
    authThrottle: { perSource: 1_000_000, perKeyPrefix: 1_000_000 },
  });
  routes = registeredRoutes(server.app);
  for (const route of routes) {
    const path = route.url.replace(':id', 'pi_walk1');
    const targets = PUBLIC.has(route.url)
      ? routedVariants(path)
      : [...routedVariants(path), ...unroutedVariants(path)];
    for (const target of new Set(targets)) {
      answers.push({ route, target, res: await rawRequest(server.port, httpRequest(route.method, target)) });
    }
  }
  await server.close(); // closes the throttle's window: every failure is in the audit log now
}, 120_000);

afterAll(async () => {
  await tdb?.drop();
});

describe('authentication on every registered route', () => {
  it('enumerates the routes Fastify serves, HEAD routes included', () => {
    expect(routes).toContainEqual({ method: 'GET', url: '/v1/balance' });
    expect(routes).toContainEqual({ method: 'HEAD', url: '/v1/payment_intents/:id' });
    expect(routes).toContainEqual({ method: 'POST', url: '/v1/payment_intents/:id/confirm' });
    expect(routes.filter((r) => !PUBLIC.has(r.url)).length).toBeGreaterThanOrEqual(16);
  });

  it('answers 401 for every non-public route, however its path is spelled', () => {
    const wrong = answers
      .filter(
        ({ route, target }) =>
          !PUBLIC.has(route.url) && routedVariants(route.url.replace(':id', 'pi_walk1')).includes(target),
      )
      .filter(
        ({ route, res }) =>
          res.status !== 401 || (route.method !== 'HEAD' && res.json?.error?.code !== 'api_key_missing'),
      )
      .map(({ route, target, res }) => `${route.method} ${target}: ${res.status} ${res.body.slice(0, 120)}`);
    expect(wrong).toEqual([]);
  });

  it('answers 404 for spellings that name no route, and never lets one reach a handler', () => {
    const unrouted = answers.filter(
      ({ route, target }) =>
        !PUBLIC.has(route.url) && unroutedVariants(route.url.replace(':id', 'pi_walk1')).includes(target),
    );
    expect(unrouted.length).toBeGreaterThan(0);
    const wrong = unrouted
      // (a HEAD answer has no body)
      .filter(
        ({ route, res }) =>
          res.status !== 404 || (route.method !== 'HEAD' && res.json?.error?.code !== 'url_unrecognized'),
      )
      .map(({ route, target, res }) => `${route.method} ${target}: ${res.status}`);
    expect(wrong).toEqual([]);
  });

  it('serves the public routes without a key', () => {
    const publicAnswers = answers.filter(
      ({ route, target }) => PROBES.has(route.url) && routedVariants(route.url).includes(target),
    );
    expect(publicAnswers.length).toBeGreaterThan(0);
    expect(publicAnswers.filter(({ res }) => res.status !== 200).map((a) => a.target)).toEqual([]);
  });

  it('answers the challenge page without its capability with 404, for every spelling', () => {
    const guarded = answers.filter(({ route }) => CAPABILITY.has(route.url));
    expect(guarded.map((a) => a.route.method).sort()).toEqual(
      expect.arrayContaining(['GET', 'HEAD', 'POST']),
    );
    const wrong = guarded
      .filter(({ res }) => res.status !== 404 || !String(res.headers['content-type']).startsWith('text/html'))
      .map(({ route, target, res }) => `${route.method} ${target}: ${res.status}`);
    expect(wrong).toEqual([]);
  });

  it('audits every refused request: one record per route, or its count in the summary', async () => {
    const refused = new Map<string, number>();
    for (const { route, res } of answers) {
      if (res.status !== 401) continue;
      const key = `${route.method} ${route.url}`;
      refused.set(key, (refused.get(key) ?? 0) + 1);
    }
    const { rows } = await tdb.db.query<{ action: string; details: Record<string, unknown> }>(
      `SELECT action, details FROM audit_log WHERE chain_id = '_platform'`,
    );
    const audited = new Map<string, number>();
    for (const { action, details } of rows) {
      if (action === 'auth.authenticate') {
        const key = `${String(details.method)} ${String(details.path)}`;
        audited.set(key, (audited.get(key) ?? 0) + 1);
      } else {
        for (const [key, n] of Object.entries(details.paths as Record<string, number>)) {
          audited.set(key, (audited.get(key) ?? 0) + n);
        }
      }
    }
    // a summary names up to 20 routes and counts the others together under '(other)'
    const other = audited.get('(other)') ?? 0;
    audited.delete('(other)');
    for (const [key, n] of audited) expect(n, key).toBe(refused.get(key));
    const unnamed = [...refused].filter(([key]) => !audited.has(key)).reduce((sum, [, n]) => sum + n, 0);
    expect(other).toBe(unnamed);
  });
});
