import { Agent, request } from 'node:https';

export interface TlsCall {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies field by field
  readonly json: any;
}

/** PEM of the client certificate and key (omit both to connect without one) and of the server's CA. */
export interface ClientTls {
  readonly cert?: string;
  readonly key?: string;
  readonly ca: string;
}

/**
 * One HTTPS GET through Node's TLS — a real handshake. With `ClientTls` the request opens its own connection;
 * with an `Agent` it reuses the agent's keep-alive connection.
 */
export function tlsCall(
  url: string,
  tls: ClientTls | Agent,
  opts: { apiKey?: string; headers?: Record<string, string> } = {},
): Promise<TlsCall> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  const connection = tls instanceof Agent ? { agent: tls } : { ...tls, agent: false as const };
  return new Promise((resolve, reject) => {
    const req = request(url, { ...connection, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: body ? JSON.parse(body) : null }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
