/**
 * The language of an answer. Messages are written in both languages where they are raised; the
 * request's Accept-Language (pt-BR or en, English by default) picks one here, at the edge. Every
 * answer whose body depends on it says which it is (Content-Language) and that caches must key
 * on it (Vary: Accept-Language): every problem document, and every /v1 route.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Locale, localeFrom } from '../text.js';

export const requestLocale = (request: FastifyRequest): Locale => localeFrom(request.headers['accept-language']);

/** Adds Accept-Language to the Vary header, keeping what is there. */
function varyOnLanguage(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  const current = Array.isArray(vary) ? vary.join(', ') : vary === undefined ? '' : String(vary);
  if (/(^|,)\s*(accept-language|\*)\s*(,|$)/i.test(current)) return;
  reply.header('vary', current ? `${current}, Accept-Language` : 'Accept-Language');
}

const dependsOnLanguage = (request: FastifyRequest, reply: FastifyReply): boolean =>
  request.url.startsWith('/v1/') ||
  String(reply.getHeader('content-type') ?? '').startsWith('application/problem+json');

/**
 * Content-Language and Vary on the answers that depend on the language. A route whose content is
 * in a language of its own choosing (an exercise in the body's `locale`) sets Content-Language
 * itself, and keeps it.
 */
export function registerLanguageHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (dependsOnLanguage(request, reply)) languageHeaders(request, reply);
    done(null, payload);
  });
}

/** Says which language the answer is in, unless its route has, and that caches must key on Accept-Language. */
export function languageHeaders(request: FastifyRequest, reply: FastifyReply): void {
  if (!reply.hasHeader('content-language')) reply.header('content-language', requestLocale(request));
  varyOnLanguage(reply);
}
