import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, invalidRequest } from './errors.js';

// Answers for requests that never reach a route — refused by Node's HTTP parser, by the router, or matching
// no route — in the same Stripe envelope as every other error.

const JSON_TYPE = 'application/json; charset=utf-8';

/** The answer to an error of Node's HTTP parser (llhttp's codes, or Node's request timeout). */
function parserRefusal(code: string, rawPacket: unknown, bytesParsed: unknown): ApiError {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return invalidRequest('The request was not received in time.', undefined, 'request_timeout', 408);
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    // The limit covers the request line and the headers. No line end before the point of overflow in the data
    // being parsed means it overflowed in the request line: the URL is too long.
    const parsed = Buffer.isBuffer(rawPacket)
      ? rawPacket.subarray(0, Number(bytesParsed) || 0)
      : Buffer.alloc(0);
    return parsed.includes(0x0a)
      ? invalidRequest('The request headers are too large.', undefined, 'header_fields_too_large', 431)
      : invalidRequest('The request URL is too long.', undefined, 'url_too_long', 414);
  }
  return invalidRequest(
    'The request is not valid HTTP/1.1 (request line, header syntax, or body framing).',
    undefined,
    'request_malformed',
  );
}

/**
 * Fastify's `clientErrorHandler`: Node's parser refused the bytes before a request existed, so the answer is
 * written on the socket, which is then closed (the parser cannot resynchronise). Never logs the raw packet:
 * it holds whatever the client sent, Authorization header and card numbers included.
 */
export function clientErrorHandler(log: FastifyBaseLogger) {
  return (
    err: Error & { code?: string; rawPacket?: unknown; bytesParsed?: unknown },
    socket: Socket,
  ): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const error = parserRefusal(err.code ?? '', err.rawPacket, err.bytesParsed);
    log.debug({ code: err.code, status: error.status }, 'malformed request refused');
    // As Node does: answer only when no response of this connection has started (else it would be corrupted).
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const body = error.body();
      socket.write(
        `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nContent-Type: ${JSON_TYPE}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

/** Fastify's `frameworkErrors`: a path that does not decode (400) or a path parameter over the limit (414). */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const error =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? invalidRequest('A path parameter of the request URL is too long.', undefined, 'url_too_long', 414)
      : err.code === 'FST_ERR_BAD_URL'
        ? invalidRequest(
            'The request URL is not valid: a percent-escape is malformed or not UTF-8.',
            undefined,
            'url_invalid',
          )
        : new ApiError(500, 'api_error', 'An unexpected error occurred on our side.', 'internal_error');
  req.log.info({ status: error.status, code: error.code }, 'request rejected');
  void reply.code(error.status).header('request-id', req.id).type(JSON_TYPE).send(error.body());
}

/** Up to 200 characters of the path, for the message (the client sent it; the query string is dropped). */
const shownPath = (url: string) => (url.split('?')[0] ?? '').slice(0, 200);

/**
 * The not-found handler: 405 with `Allow` when the path exists for other methods, else 404 as Stripe
 * answers ("Unrecognized request URL"). Route existence is public (see /openapi.json), so neither needs a key.
 */
export function routeNotFound(app: FastifyInstance, methods: ReadonlySet<string>) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const unrecognized = `Unrecognized request URL (${req.method}: ${shownPath(req.url)}).`;
    const allowed = [...methods].filter((method) => app.findRoute({ method, url: req.url }) !== null).sort();
    const error =
      allowed.length > 0
        ? invalidRequest(
            `${unrecognized} This URL accepts ${allowed.join(', ')}.`,
            undefined,
            'method_not_allowed',
            405,
          )
        : invalidRequest(unrecognized, undefined, 'url_unrecognized', 404);
    if (allowed.length > 0) reply.header('allow', allowed.join(', '));
    return reply.code(error.status).type(JSON_TYPE).send(error.body());
  };
}
