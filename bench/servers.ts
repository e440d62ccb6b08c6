/**
 * The server process of the HTTP benchmarks (http-neuron, http-grade, offload-threshold), so that
 * the load generator runs in another process. It serves, on 127.0.0.1 with ports the system
 * chooses, the servers named in argv[2] (JSON):
 *   {"<name>": {"app": <buildApp options>} | {"config": <environment>, "app"?: <options>} | {"bare": true}, ...}
 * - app: the service, `buildApp(options)` from src/app.ts (logger off unless the options say).
 * - config: the service as server.ts builds it from that environment (`appOptions(loadConfig(env))`:
 *   rate limit, load shedding, metrics, the worker pool), its log lines written at their level
 *   (LOG_LEVEL, info by default) to /dev/null, so that writing them is paid but not a terminal's
 *   speed; `app` overrides some of the options (an ablation: `{"rateLimit": false}`).
 * - bare: the baseline, a bare Fastify (logger off) with one route, POST /v1/gradients, that
 *   answers the neuron's gradients by hand-written arithmetic: the same JSON as the service's,
 *   byte for byte, with no schema, no validation, no request id, no hooks, no compile.
 *   `"bare": "library"`: the same bare Fastify route answering with the library's `gradients`
 *   call (src/index.ts: validation, compile, evaluation, the result), none of the service's HTTP
 *   layer around it.
 * Plus a control server: GET /loop answers this process's event-loop use since the previous
 * call (active ms from the event-loop utilisation, the largest and the p99 event-loop delay) and
 * starts a new period.
 *
 * Prints `LISTENING {"<name>": "http://127.0.0.1:<port>", ..., "control": ...}`; on SIGTERM
 * closes everything and exits; exits by itself if its parent process goes away.
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { type AppOptions, buildApp } from '../src/app.js';
import { appOptions, loadConfig } from '../src/config.js';
import { type Neuron, neuronGradients } from './bare-neuron.js';
import { type GradientsRequest, gradients } from '../src/index.js';

type ServerSpec =
  | { app: AppOptions }
  | { config: NodeJS.ProcessEnv; app?: AppOptions }
  | { bare: true }
  | { bare: 'library' };

/** What server.ts would build from the environment `env`, with its log written to /dev/null. */
function configured(env: NodeJS.ProcessEnv, overrides: AppOptions = {}): AppOptions {
  const config = loadConfig(env);
  // pino.destination, as for stdout (sonic-boom), to a file that takes every byte at once.
  const logger = { level: config.logLevel, file: '/dev/null' };
  return { ...appOptions(config), logger, ...overrides };
}

/** The bare route: hand-written arithmetic; with 'library', the library's gradients call (validation, compile, evaluation, the result). */
async function bareApp(kind: true | 'library') {
  const app = Fastify({ logger: false });
  if (kind === 'library') app.post('/v1/gradients', async (request) => gradients(request.body as GradientsRequest));
  else app.post('/v1/gradients', async (request) => neuronGradients((request.body as { neuron: Neuron }).neuron));
  return app;
}

const specs = JSON.parse(process.argv[2] ?? '{}') as Record<string, ServerSpec>;
const servers = await Promise.all(
  Object.entries(specs).map(async ([name, spec]) => {
    const app =
      'bare' in spec
        ? await bareApp(spec.bare)
        : 'config' in spec
          ? await buildApp(configured(spec.config, spec.app))
          : await buildApp({ logger: false, ...spec.app });
    return { name, app, url: await app.listen({ host: '127.0.0.1', port: 0 }) };
  }),
);

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
let elu = performance.eventLoopUtilization();
const control = createServer((req, res) => {
  if (req.url !== '/loop') {
    res.writeHead(404).end();
    return;
  }
  const used = performance.eventLoopUtilization(elu);
  elu = performance.eventLoopUtilization();
  const body = JSON.stringify({
    activeMs: used.active,
    idleMs: used.idle,
    maxDelayMs: delay.max / 1e6,
    p99DelayMs: delay.percentile(99) / 1e6,
  });
  delay.reset();
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
const address = control.address();
const controlUrl = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';

async function shutdown(): Promise<void> {
  control.close();
  await Promise.all(servers.map((s) => s.app.close()));
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown();
}, 500).unref();

console.log(
  `LISTENING ${JSON.stringify({ ...Object.fromEntries(servers.map((s) => [s.name, s.url])), control: controlUrl })}`,
);
