/**
 * buildApp assembles the service as a fastify instance: schemas and docs, the error handler, and
 * the routes. It never listens (server.ts does), so tests build it and talk to it in process.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions, LogController } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_LIMITS, type Limits } from './engine/limits.js';
import { Computer, DEFAULT_OFFLOAD_BODY, DEFAULT_OFFLOAD_WORK } from './http/compute.js';
import { registerJsonParser } from './http/raw-json.js';
import { logRequest } from './http/log.js';
import { registerProblemHandlers } from './http/problem.js';
import { serializerCompiler, validatorCompiler } from './http/zod-compilers.js';
import { exercisesRoute } from './routes/exercises.js';
import { forwardRoute } from './routes/forward.js';
import { gradcheckRoute } from './routes/gradcheck.js';
import { gradeRoute } from './routes/grade.js';
import { gradientsRoute } from './routes/gradients.js';
import { healthRoutes } from './routes/health.js';
import { opsRoute } from './routes/ops.js';
import { stepRoute } from './routes/step.js';
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
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(options: AppOptions = {}) {
  const app = Fastify({
    logger: options.logger ?? false,
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

  // Bodies are JSON; anything else is a 415 rather than a string the schema then refuses.
  app.removeContentTypeParser('text/plain');
  registerJsonParser(app, options.offloadBody ?? DEFAULT_OFFLOAD_BODY);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler(options.checkResponses ?? false));
  registerProblemHandlers(app);

  const isReady = options.isReady ?? (() => true);
  // Hooks with callbacks rather than async functions: they run on every request, and a promise
  // each is a measurable part of a small request's time.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    // Once shutdown begins, a response to a request still in flight closes its connection, so
    // that a keep-alive client does not hold the server open after it.
    if (!isReady()) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    logRequest(request, reply.statusCode, reply.elapsedTime);
    done();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gradient service',
        version: '1.0.0',
        description:
          'Backpropagation as a service, exact as PyTorch float64: forward values, gradients, update steps and finite-difference checks for a computational graph (nodes or the tutorial notation), a single neuron, or a small network. Every route has prefilled examples with the tutorial\'s numbers (x = 3, w = -0.2, b = 0.4, y = 0). Errors are RFC 9457 problem details whose errors[].path names the field.',
      },
      tags: [
        { name: 'compute', description: 'Forward, gradients, step, gradcheck' },
        { name: 'grading', description: 'Grading for LMS tools' },
        { name: 'exercises', description: 'Seeded variants of the tutorial\'s exercises, with answer keys and worked solutions' },
        { name: 'catalogue', description: 'The ops' },
        { name: 'operations', description: 'Health and readiness' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const pool = options.pool === false ? undefined : new ComputePool(options.pool ?? DEFAULT_POOL);
  app.addHook('onClose', async () => pool?.close());
  const computer = new Computer({
    limits: options.limits ?? DEFAULT_LIMITS,
    pool,
    offloadWork: options.offloadWork ?? DEFAULT_OFFLOAD_WORK,
    checkResponses: options.checkResponses ?? false,
  });
  await app.register(healthRoutes, { isReady });
  await app.register(opsRoute);
  for (const route of [forwardRoute, gradientsRoute, stepRoute, gradcheckRoute, gradeRoute]) await app.register(route, { computer });
  await app.register(exercisesRoute);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
