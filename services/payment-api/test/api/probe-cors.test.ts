import { afterAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer, type TestServerOptions } from '../support/server.js';

const STATUS_PAGE = 'https://status.example.com';
const servers: TestServer[] = [];

async function server(opts: TestServerOptions = {}): Promise<TestServer> {
  const started = await startTestServer({ poolMax: 2, ...opts });
  servers.push(started);
  return started;
}

const fromOrigin = (s: TestServer, path: string, origin: string) =>
  call(s, 'GET', path, { key: null, headers: { origin } });

afterAll(async () => {
  for (const s of servers) await s.close();
});

describe('CORS on the probes', () => {
  it('by default lets any origin read /health and /ready, including a 503', async () => {
    const s = await server();
    for (const url of ['/health', '/ready']) {
      const res = await fromOrigin(s, url, STATUS_PAGE);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const unready = await server({ databaseDown: true });
    const res = await fromOrigin(unready, '/ready', STATUS_PAGE);
    expect(res.status).toBe(503);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('with CORS_ALLOWED_ORIGINS answers only the listed origins, and varies on Origin', async () => {
    const s = await server({ probeCorsOrigins: [STATUS_PAGE] });
    const allowed = await fromOrigin(s, '/health', STATUS_PAGE);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(STATUS_PAGE);
    expect(allowed.headers.get('vary')).toMatch(/Origin/i);
    const other = await fromOrigin(s, '/ready', 'https://evil.example.net');
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('adds no CORS header to the API or the OpenAPI document', async () => {
    const s = await server();
    for (const url of ['/v1/balance', '/openapi.json', '/nope']) {
      const res = await fromOrigin(s, url, STATUS_PAGE);
      expect(res.headers.get('access-control-allow-origin'), url).toBeNull();
    }
  });
});
