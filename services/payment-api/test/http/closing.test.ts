import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';

describe('while the server drains', () => {
  it("answers a request that arrives on an open connection with 503 in Stripe's envelope", async () => {
    const server = await startTestServer();
    try {
      const socket = connect(server.port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      const body = 'amount=100&currency=usd';
      // a request in flight (its body still coming) keeps the connection open through close()
      socket.write(
        `POST /v1/payment_intents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.key}\r\n` +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const closed = server.app.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.write(`${body.slice(5)}GET /health HTTP/1.1\r\nHost: x\r\n\r\n`);
      await closed;
      const deadline = Date.now() + 5_000;
      while (!received.includes('service_unavailable') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      socket.destroy();
      const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
      expect(first).toMatch(/^HTTP\/1\.1 200 /); // the request in flight completes
      expect(second).toMatch(/^HTTP\/1\.1 503 /);
      expect(second).toMatch(/\r\nconnection: close\r\n/i);
      expect(JSON.parse(second?.slice(second.indexOf('\r\n\r\n') + 4) ?? '')).toEqual({
        error: {
          type: 'api_error',
          code: 'service_unavailable',
          message: 'The server is shutting down; retry the request.',
        },
      });
    } finally {
      await server.close();
    }
  });
});
