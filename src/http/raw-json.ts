/**
 * The JSON body parser. Bodies of the compute routes that are too large to parse, validate and
 * compile on the event loop stay text: validation waits for the worker thread that will compute
 * them, and the event loop only passes the text on. Every other body is parsed here. Both are
 * parsed by JSON.parse, so a malformed body gets the same message wherever it is parsed.
 */
import { type FastifyInstance, errorCodes } from 'fastify';

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
 * Bodies longer than `largeBody` characters, on routes that ask for it, stay text. Keys named
 * __proto__ or constructor are ids like any other: JSON.parse makes them own properties, and
 * nothing here merges objects.
 */
export function registerJsonParser(app: FastifyInstance, largeBody: number): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // A byte order mark is not JSON, but editors write one.
    const text = (body as string).charCodeAt(0) === 0xfeff ? (body as string).slice(1) : (body as string);
    if (text.length === 0) return done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), undefined);
    if (request.routeOptions.config.rawLargeBodies && text.length > largeBody) return done(null, new RawJson(text));
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(e as SyntaxError, undefined);
    }
  });
}
