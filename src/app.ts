/**
 * buildApp assembles the service as a fastify instance: schemas and docs, the error handler, and
 * the routes. It never listens (server.ts does), so tests build it and talk to it in process.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify';
import { jsonSchemaTransformObject, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_LIMITS, type Limits } from './engine/limits.js';
import { ApiKeys, type AuthOptions, DEFAULT_AUTH, registerAuth } from './http/auth.js';
import { BeforeRouting, type Guard } from './http/before-routing.js';
import { Computer, DEFAULT_OFFLOAD_BODY, DEFAULT_OFFLOAD_WORK } from './http/compute.js';
import { registerCors } from './http/cors.js';
import { type SheddingOptions, registerLoadShedding } from './http/pressure.js';
import { type RateLimitOptions, registerRateLimit } from './http/rate-limit.js';
import { SelfRequests } from './http/self-requests.js';
import { surfaceOf } from './http/surface.js';
import { DEFAULT_TIMEOUTS, type ServerTimeouts, timeoutOptions } from './http/timeouts.js';
import { registerJsonParser } from './http/raw-json.js';
import { logRequest, withRedaction } from './http/log.js';
import { registerMetrics } from './http/metrics.js';
import { DEFAULT_PLAY, type PlayOptions, registerPlay } from './http/play.js';
import {
  type DocumentFormat,
  ServedDocument,
  componentResponses,
  packageVersion,
  securitySchemes,
  transformRoute,
} from './http/openapi.js';
import { registerLanguageHeaders } from './http/language.js';
import { DEFAULT_SEND, type SendOptions, registerResponseBytes } from './http/response-bytes.js';
import { registerProblemHandlers } from './http/problem.js';
import { serializerCompiler, validatorCompiler } from './http/zod-compilers.js';
import { exerciseTemplatesRoute } from './routes/exercises.js';
import { healthRoutes } from './routes/health.js';
import { operationRoutes } from './routes/operations.js';
import { opsRoute } from './routes/ops.js';
import { ComputePool, DEFAULT_POOL, type PoolOptions } from './workers/pool.js';

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  bodyLimit?: number;
  limits?: Limits;
  /** The worker threads for heavy jobs; false runs every job on the event loop. */
  pool?: PoolOptions | false;
  /** Jobs estimated above this many element operations run on a worker thread. */
  offloadWork?: number;
  /** Bodies of the compute routes longer than this are parsed, validated and compiled on a worker thread. */
  offloadBody?: number;
  /** Check every response against its schema (tests); off in production. */
  checkResponses?: boolean;
  isReady?: () => boolean;
  /** API keys (none: no authentication), and whether /metrics and the documentation need one. */
  auth?: Partial<AuthOptions>;
  /** Requests per client per window; none by default (server.ts passes RATE_LIMIT_MAX and REDIS_URL). */
  rateLimit?: RateLimitOptions | false;
  /** Load shedding thresholds; none by default (server.ts passes them). */
  shedding?: SheddingOptions | false;
  /** Origins that may call the service from a browser; none: no CORS headers. */
  corsOrigins?: readonly string[];
  /** Which proxies' X-Forwarded-For to believe for the client's address: fastify's trustProxy. */
  trustProxy?: boolean | string[];
  timeouts?: ServerTimeouts;
  /** How many bytes of large answers may wait unread by their clients, and for how long. */
  send?: SendOptions;
  /** The metrics and GET /metrics (on unless false). */
  metrics?: boolean;
  /** The student page, GET /play (PUBLIC_PLAY): where it is built; false: no page, a 404. */
  play?: PlayOptions | false;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Swagger UI's Content-Security-Policy: its page loads its own scripts, styles and images (some
 * as data: URLs) and calls the API, all from this origin; no inline script, no frames, no plugins.
 * The one inline style is the <style> of the Swagger logo in its top bar, allowed by its SHA-256
 * (`.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}`); test/browser checks
 * that Swagger UI meets no refusal.
 */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export async function buildApp(options: AppOptions = {}) {
  // What the router refuses before there is a route: see src/http/before-routing.ts.
  const beforeRouting = new BeforeRouting();
  const app = Fastify({
    logger: withRedaction(options.logger),
    trustProxy: options.trustProxy ?? false,
    ...timeoutOptions(options.timeouts ?? DEFAULT_TIMEOUTS),
    // A header block or URL too large, and other requests Node cannot parse, answered as problems too.
    clientErrorHandler: beforeRouting.clientError,
    frameworkErrors: beforeRouting.handler,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // One log line per request (onResponse below) instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    // A caller's X-Request-Id is kept when it is sane, so logs can be joined across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Keys named __proto__ or constructor are ids like any other; nothing here merges objects.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  const pool = options.pool === false ? undefined : new ComputePool(options.pool ?? DEFAULT_POOL);
  app.addHook('onClose', async () => pool?.close());
  // The app's own requests (the OpenAPI document's examples): see src/http/self-requests.ts.
  const self = new SelfRequests();
  const isSelf = self.isSelf.bind(self);
  // First, so that the requests of every route and every problem are counted (not the app's own).
  const metrics = registerMetrics(app, { pool, isSelf, enabled: options.metrics ?? true });

  // Bodies are JSON; anything else is a 415 rather than a string the schema then refuses.
  app.removeContentTypeParser('text/plain');
  registerJsonParser(app, options.offloadBody ?? DEFAULT_OFFLOAD_BODY);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler(options.checkResponses ?? false));
  const answerError = registerProblemHandlers(app, metrics.countProblem);
  registerLanguageHeaders(app);
  registerResponseBytes(
    app,
    (options.limits ?? DEFAULT_LIMITS).maxResponseBytes,
    options.send ?? DEFAULT_SEND,
    metrics.countProblem,
  );

  // Before the routes, in this order: CORS (preflights answered, and errors readable by the page),
  // load shedding, the rate limit, then the API keys, so that requests without a valid key are
  // limited too. The probes and /metrics are never shed nor limited; the API (/v1, and paths no
  // route has) and the documentation (the OpenAPI document is 400 kB) are both. The app's own
  // requests (the OpenAPI document's examples) are neither shed nor limited, and need no key.
  const exempt = (request: FastifyRequest): boolean => {
    const surface = surfaceOf(request);
    return surface === 'probe' || surface === 'metrics' || isSelf(request);
  };
  const keys = new ApiKeys(options.auth?.apiKeys ?? DEFAULT_AUTH.apiKeys);
  await registerCors(app, options.corsOrigins ?? []);
  const isOverloaded = await registerLoadShedding(app, options.shedding || undefined, exempt);
  const guards: Guard[] = [];
  if (options.rateLimit) guards.push(await registerRateLimit(app, options.rateLimit, keys, exempt, metrics));
  const auth = registerAuth(app, keys, { ...DEFAULT_AUTH, ...options.auth }, isSelf);
  if (auth) guards.push(auth);

  const play = options.play === false ? undefined : (options.play ?? DEFAULT_PLAY);
  const isReady = options.isReady ?? (() => true);
  const headers = (request: FastifyRequest, reply: FastifyReply): void => {
    reply.header('x-request-id', request.id);
    // No answer is to be read as another type than it says (a problem as HTML, a picture as a script).
    reply.header('x-content-type-options', 'nosniff');
    // Once shutdown begins, a response to a request still in flight closes its connection, so
    // that a keep-alive client does not hold the server open after it.
    if (!isReady()) reply.header('connection', 'close');
  };
  // Hooks with callbacks rather than async functions: they run on every request, and a promise
  // each is a measurable part of a small request's time.
  app.addHook('onSend', (request, reply, payload, done) => {
    headers(request, reply);
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    logRequest(request, reply.statusCode, reply.elapsedTime);
    done();
  });
  beforeRouting.bind({
    guards,
    headers,
    answered: (request, status, ms) => {
      metrics.countRequest(request, status, ms);
      logRequest(request, status, ms);
    },
    answer: answerError,
    unparsed: (p) => {
      metrics.countProblem(p);
      app.log.info({ statusCode: p.status, code: p.code }, 'unparsed request');
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gradient service',
        version: packageVersion,
        description: [
          "Backpropagation for teaching and learning it, exact as PyTorch float64: forward values, gradients, update steps, finite-difference checks, grading of hand-computed answers and seeded exercises, for a computational graph (JSON nodes or the tutorial's own notation), a single neuron, or a small network.",
          'Every route can be tried as it is: pick an example (the tutorial\'s worked example x = 2, w = 0.5, b = -1, y = 1; its exercise x = 3, w = -0.2, b = 0.4, y = 0, as a neuron, as graph nodes or in its notation; a 2-2-1 network), press "Try it out", then "Execute". Each response shows what the service answers to the example of the same name.',
          ...(play
            ? [
                "Students: [the page /play](/play) works the tutorial's worked example, or any graph typed in its notation, with the picture and the explanation step by step, in English or Portuguese.",
              ]
            : []),
          'Send `Accept-Language: pt-BR` for Portuguese feedback, notes and error messages. Errors are RFC 9457 `application/problem+json` documents with a machine-readable `code` and `errors[].path` naming the field; an unknown path is a 404 problem, a known path with another method a 405 with `Allow`. With API_KEYS set, every /v1 route needs `Authorization: Bearer <key>`. The wire contract in full: docs/api.md in the repository.',
        ].join('\n\n'),
      },
      tags: [
        { name: 'compute', description: 'Forward, gradients, step, gradcheck' },
        { name: 'grading', description: 'Grading for LMS tools' },
        {
          name: 'exercises',
          description: "Seeded variants of the tutorial's exercises, with answer keys and worked solutions",
        },
        { name: 'teaching', description: 'Worked explanations and pictures of the graph' },
        { name: 'catalogue', description: 'The ops' },
        { name: 'operations', description: 'Health and readiness' },
      ],
      // 404 and 405, which answer requests no operation describes (src/http/openapi.ts); the
      // bearer scheme only when there are keys to send (no "Authorize" in Swagger UI otherwise).
      components: { responses: componentResponses, ...(keys.required && { securitySchemes }) },
    },
    transform: (input) => transformRoute(input, { secured: keys.required }),
    transformObject: jsonSchemaTransformObject,
  });
  // Swagger UI and /openapi.json serve the document with each example's answer, written once
  // (src/http/openapi.ts): Swagger UI's /docs/json and /docs/yaml are answered here, before its
  // handlers, which would write it out on every request.
  const document = new ServedDocument(app, self.headers());
  const documentRoutes: Record<string, DocumentFormat> = { '/docs/json': 'json', '/docs/yaml': 'yaml' };
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', displayRequestDuration: true, defaultModelsExpandDepth: 0 },
    staticCSP: DOCS_CSP,
    uiHooks: {
      onRequest: (request, reply, done) => {
        const format = documentRoutes[request.routeOptions.url ?? ''];
        if (format) void document.serve(request, reply, format).catch(done);
        else done();
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, (request, reply) => document.serve(request, reply, 'json'));
  // A student who opens the service's address lands on the page made for them, which links to /docs.
  const home = play ? '/play' : '/docs';
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect(home, 302));
  if (play) registerPlay(app, play);

  const computer = new Computer({
    limits: options.limits ?? DEFAULT_LIMITS,
    pool,
    offloadWork: options.offloadWork ?? DEFAULT_OFFLOAD_WORK,
    checkResponses: options.checkResponses ?? false,
    metrics,
  });
  await app.register(healthRoutes, { isReady, isOverloaded });
  await app.register(opsRoute);
  await app.register(exerciseTemplatesRoute);
  await app.register(operationRoutes, { computer });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
