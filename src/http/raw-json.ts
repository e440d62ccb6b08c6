/**
 * The JSON body parser. Bodies of the compute routes that are too large to parse, validate and
 * compile on the event loop stay text: validation waits for the worker thread that will compute
 * them, and the event loop only passes the text on. Every other body is parsed here. Both are
 * parsed by JSON.parse, so a malformed body gets the same message wherever it is parsed.
 */
import { type FastifyInstance, type FastifyRequest, errorCodes } from 'fastify';
import { quote, say } from '../text.js';
import { HttpError } from './http-error.js';
import { parseJson } from './json-syntax.js';

/** A JSON body left as text, to be parsed on a worker thread. */
export class RawJson {
  constructor(readonly text: string) {}
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Large JSON bodies of this route are left as text for a worker thread (RawJson). */
    rawLargeBodies?: boolean;
  }
}

/**
 * A body is UTF-8 JSON as it was written: one with a content coding (gzip) or declared in another
 * charset is a 415 that says so, rather than a 400 about the JSON its bytes do not make.
 */
function unreadable(request: FastifyRequest): HttpError | undefined {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    return new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      say(
        `the body is sent with Content-Encoding: ${quote(encoding)}; send it uncompressed`,
        `o corpo foi enviado com Content-Encoding: ${quote(encoding)}; envie-o sem compressão`,
      ),
      // RFC 9110 §15.5.16: which content codings would have been accepted.
      { 'accept-encoding': 'identity' },
    );
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      say(
        `the body is declared as charset=${quote(charset)}; send JSON in UTF-8 (charset=utf-8, or no charset)`,
        `o corpo foi declarado como charset=${quote(charset)}; envie JSON em UTF-8 (charset=utf-8, ou sem charset)`,
      ),
    );
  }
  return undefined;
}

/**
 * Text in the tutorial's notation compiles to a node every two characters (`x+x+…`), at a few
 * microseconds each: about ten times what the same length of JSON nodes costs. A body holding an
 * `expr` is large at an eighth of `largeBody` (8 kB by default: some 10 ms of parse and compile).
 */
const EXPR_SHARE = 8;

const isLarge = (text: string, largeBody: number): boolean =>
  text.length > largeBody || (text.length > largeBody / EXPR_SHARE && text.includes('"expr"'));

/**
 * Bodies longer than `largeBody` characters (an eighth of that with an `expr`), on routes that ask for it, stay text. Keys named
 * __proto__ or constructor are ids like any other: JSON.parse makes them own properties, and
 * nothing here merges objects.
 */
export function registerJsonParser(app: FastifyInstance, largeBody: number): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const refused = unreadable(request);
    if (refused) return done(refused, undefined);
    // A byte order mark is not JSON, but editors write one.
    const text = (body as string).charCodeAt(0) === 0xfeff ? (body as string).slice(1) : (body as string);
    if (text.length === 0) return done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), undefined);
    if (request.routeOptions.config.rawLargeBodies && isLarge(text, largeBody)) return done(null, new RawJson(text));
    try {
      done(null, parseJson(text));
    } catch (e) {
      done(e as SyntaxError, undefined);
    }
  });
}
