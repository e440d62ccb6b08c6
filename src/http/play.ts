/**
 * The student page, GET /play (web/play/, built by scripts/build-play.mjs into dist/play/):
 * index.html, never cached without asking again, and its assets under /play/assets/, named by
 * their content's hash and so cached for a year. The files are few and small: they are read once,
 * when the app is built, and answered from memory, gzip-compressed when the browser accepts it;
 * a name that is not one of them is a 404, so no path ever reaches the file system.
 *
 * The page's Content-Security-Policy lets it load and call only this origin: no inline script,
 * no inline style sheet (KaTeX sets its styles through the DOM, which CSP allows), nothing sent
 * anywhere else.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface PlayOptions {
  /** The built page: index.html and assets/. */
  dir: string;
}

/**
 * dist/play beside dist/http (the built server), or the working tree's dist/play when the server
 * runs from src/ (tsx, tests): `npm run build` writes it.
 */
function builtPage(): string {
  const beside = fileURLToPath(new URL('../play/', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../dist/play/', import.meta.url));
}

export const DEFAULT_PLAY: PlayOptions = { dir: builtPage() };

export const PLAY_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
};

interface File {
  type: string;
  body: Buffer;
  /** Text files, compressed once; fonts are compressed already. */
  gzipped?: Buffer;
}

function readFile(path: string): File {
  const type = TYPES[extname(path)] ?? 'application/octet-stream';
  const body = readFileSync(path);
  return { type, body, ...(type.startsWith('font/') ? {} : { gzipped: gzipSync(body, { level: 9 }) }) };
}

function send(request: FastifyRequest, reply: FastifyReply, file: File, cacheControl: string): FastifyReply {
  reply.header('content-type', file.type).header('cache-control', cacheControl);
  if (!file.gzipped) return reply.send(file.body);
  reply.header('vary', 'Accept-Encoding');
  if (!/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.send(file.body);
  return reply.header('content-encoding', 'gzip').send(file.gzipped);
}

/** Registers GET /play and GET /play/assets/:name; without a built page, both are 404s and the log says why. */
export function registerPlay(app: FastifyInstance, options: PlayOptions): void {
  const index = join(options.dir, 'index.html');
  const built = existsSync(index);
  if (!built) app.log.warn({ dir: options.dir }, 'the student page (/play) is not built: npm run build writes it');
  const page = built ? readFile(index) : undefined;
  const assets = new Map<string, File>();
  if (built)
    for (const name of readdirSync(join(options.dir, 'assets')))
      assets.set(name, readFile(join(options.dir, 'assets', name)));

  app.get('/play', { schema: { hide: true } }, (request, reply) => {
    if (!page) return reply.callNotFound();
    reply.header('content-security-policy', PLAY_CSP);
    return send(request, reply, page, 'no-cache');
  });
  app.get<{ Params: { name: string } }>('/play/assets/:name', { schema: { hide: true } }, (request, reply) => {
    const file = assets.get(request.params.name);
    if (!file) return reply.callNotFound();
    return send(request, reply, file, 'public, max-age=31536000, immutable');
  });
}
