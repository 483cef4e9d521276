import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, invalidRequest } from './errors.js';
import { parseForm } from './form.js';

/** RFC 9110 media-type parameters: `; name=token` or `; name="quoted string"`. */
const PARAMETER = /;\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)/g;

/** The `charset` parameter of a Content-Type header value, lower-cased and unquoted; undefined without one. */
export function charsetOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  for (const [, name, raw] of contentType.matchAll(PARAMETER)) {
    if (name?.toLowerCase() !== 'charset') continue;
    const value = raw?.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : (raw ?? '');
    return value.trim().toLowerCase();
  }
  return undefined;
}

/** WHATWG's labels for UTF-8 that clients send; any other charset would be decoded as something it is not. */
const UTF8_LABELS = new Set(['utf-8', 'utf8']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text: refuses a charset other than UTF-8 (415) and bytes that are not UTF-8 (400). */
function bodyText(req: FastifyRequest, body: Buffer): string {
  const charset = charsetOf(req.headers['content-type']);
  if (charset !== undefined && !UTF8_LABELS.has(charset)) {
    throw new ApiError(
      415,
      'invalid_request_error',
      `Unsupported charset ${JSON.stringify(charset.slice(0, 40))}; send the body in UTF-8 ` +
        '(charset=utf-8, or no charset parameter).',
      'unsupported_charset',
    );
  }
  try {
    return utf8.decode(body);
  } catch {
    throw invalidRequest('The request body is not valid UTF-8.', undefined, 'parameter_invalid_body');
  }
}

/**
 * The two body formats Stripe clients send: application/x-www-form-urlencoded and application/json. Media
 * types match case-insensitively and may carry parameters; any other type (text/plain included) answers 415.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    let text: string;
    try {
      text = bodyText(req, body);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    void json(req, text, done); // Fastify's own parser: synchronous, answers through done
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    (req, body: Buffer, done) => {
      try {
        done(null, parseForm(bodyText(req, body)));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
}
