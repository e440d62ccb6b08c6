/**
 * http-neuron: POST /v1/gradients with the tutorial's neuron under load (autocannon, 20
 * connections), the service on its default configuration (what server.ts builds from an empty
 * environment: rate limit, load shedding, metrics, the worker pool, info-level log lines written
 * to /dev/null; RATE_LIMIT_MAX raised so that the load is counted but never refused) against a
 * bare Fastify route that returns the
 * same JSON by hand-written arithmetic with no validation (servers.ts), and against the same bare
 * route answering with the library's `gradients` call (the service's work without its HTTP layer). Both listen on
 * 127.0.0.1 in one child process; the load comes from this process. Runs alternate (bare,
 * service, bare, service, ...) after a warm-up of each; medians over the rounds.
 * Goals: throughput ≥ 0.9× the bare route's, p99 latency ≤ 1.2× its.
 * Also, in this process, what each of the route's steps costs per request (parse, validation,
 * compile, evaluation, serialisation) against the bare route's parse + arithmetic + serialisation,
 * to tell the service's own work from the framework's around it.
 *
 * With `ablate`, the same service with one feature off each (the log, the rate limit, load
 * shedding, the metrics) and with all of them off, in the same rounds: what each costs per request.
 *
 *   npx tsx bench/http-neuron.ts [rounds] [seconds] [ablate]        (npm run bench:http-neuron)
 */
import { DEFAULT_LIMITS } from '../src/engine/limits.js';
import { neuronGradients } from './bare-neuron.js';
import {
  check,
  describeSteps,
  emitResults,
  fmtInt,
  fmtMs,
  fmtRatio,
  header,
  httpRequest,
  interleavedLoad,
  median,
  now,
  percentile,
  serviceSteps,
  startServers,
} from './helpers.js';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 3);
const body = JSON.stringify({ neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } });

header('http-neuron: POST /v1/gradients, the tutorial neuron, service vs bare Fastify route');
const ablate = process.argv[4] === 'ablate';
/** The default configuration, with a quota the load never reaches (the limit still counts each request). */
const DEFAULTS = { RATE_LIMIT_MAX: String(1e9) };
/** Each ablation: the service on the default configuration with these options changed. */
const ABLATIONS: Record<string, Record<string, unknown>> = {
  'no-log': { logger: false },
  'no-limit': { rateLimit: false },
  'no-shed': { shedding: false },
  'no-metrics': { metrics: false },
  'all-off': { logger: false, rateLimit: false, shedding: false, metrics: false },
};
const servers = await startServers({
  service: { config: DEFAULTS },
  bare: { bare: true },
  library: { bare: 'library' },
  ...(ablate && Object.fromEntries(Object.entries(ABLATIONS).map(([name, app]) => [name, { config: DEFAULTS, app }]))),
});
try {
  const service = `${servers.urls.service}/v1/gradients`;
  const bare = `${servers.urls.bare}/v1/gradients`;
  const library = `${servers.urls.library}/v1/gradients`;
  const [s, b, l] = [
    await httpRequest(service, { body }),
    await httpRequest(bare, { body }),
    await httpRequest(library, { body }),
  ];
  check(
    s.status === 200 && b.status === 200 && l.status === 200 && s.text === b.text && l.text === b.text,
    `all three answer 200 with the same ${s.text.length}-byte JSON body`,
  );

  const ablations = ablate ? Object.keys(ABLATIONS) : [];
  const runs = await interleavedLoad(
    {
      bare: { url: bare, body },
      service: { url: service, body },
      library: { url: library, body },
      ...Object.fromEntries(ablations.map((name) => [name, { url: `${servers.urls[name]}/v1/gradients`, body }])),
    },
    { rounds, seconds, connections: 20 },
  );
  const rps = (name: string): number => median(runs[name].map((r) => r.reqPerSec));
  const p99 = (name: string): number => median(runs[name].map((r) => r.p99));
  const failed = Object.values(runs)
    .flat()
    .reduce((n, r) => n + r.failures, 0);
  check(failed === 0, 'no failed request (non-2xx, error or timeout)');
  const throughput = rps('service') / rps('bare');
  const latency = p99('service') / p99('bare');
  console.log(
    `  service: ${fmtInt(rps('service'))} req/s, p99 ${fmtMs(p99('service'))} ms;  bare: ${fmtInt(rps('bare'))} req/s, p99 ${fmtMs(p99('bare'))} ms (medians of ${rounds} rounds of ${seconds} s)`,
  );
  console.log(`  throughput ratio ${fmtRatio(throughput)} (goal ≥ 0.9×), p99 ratio ${fmtRatio(latency)} (goal ≤ 1.2×)`);
  console.log(
    `  the library's call on the bare route: ${fmtInt(rps('library'))} req/s (${fmtRatio(rps('library') / rps('bare'))} bare), p99 ${fmtMs(p99('library'))} ms: ` +
      `the service's HTTP layer costs ${fmtMs(1e6 / rps('service') - 1e6 / rps('library'))} µs per request over it`,
  );
  for (const name of ablations) {
    const saved = 1e6 / rps('service') - 1e6 / rps(name);
    console.log(
      `  ${name.padEnd(10)} ${fmtInt(rps(name))} req/s (${fmtRatio(rps(name) / rps('bare'))} bare), p99 ${fmtMs(p99(name))} ms: ${fmtMs(saved)} µs per request less than the service`,
    );
  }
  // Per request, in process: the service's steps, and the bare route's.
  const steps = serviceSteps('gradients', { text: body }, DEFAULT_LIMITS, { reps: 20_000, warmup: 5_000 });
  const bareUs: number[] = [];
  for (let i = -5_000; i < 20_000; i++) {
    const t0 = now();
    JSON.stringify(neuronGradients((JSON.parse(body) as { neuron: Parameters<typeof neuronGradients>[0] }).neuron));
    if (i >= 0) bareUs.push((now() - t0) * 1000);
  }
  const serverUs = (name: string) => 1e6 / rps(name);
  console.log(
    `  in process, per request: the service's steps ${describeSteps(steps, 'µs')}; the bare route's parse + arithmetic + stringify ${fmtMs(percentile(bareUs, 50))} µs`,
  );
  console.log(
    `  under load, server time per request (1 / throughput, one core): service ${fmtMs(serverUs('service'))} µs, bare ${fmtMs(serverUs('bare'))} µs: ` +
      `the service's ${fmtMs(serverUs('service') - serverUs('bare'))} µs more, of which its steps above account for ${fmtMs(Object.values(steps).reduce((a, b) => a! + b!, 0)! * 1000 - percentile(bareUs, 50))} µs`,
  );
  emitResults([
    {
      benchmark: 'http-neuron',
      figure: `service throughput: ${fmtInt(rps('service'))} req/s (20 connections)`,
      baseline: `bare Fastify route: ${fmtInt(rps('bare'))} req/s`,
      ratio: throughput,
      goal: '≥ 0.9×',
      met: throughput >= 0.9,
    },
    {
      benchmark: 'http-neuron',
      figure: `service p99 latency: ${fmtMs(p99('service'))} ms`,
      baseline: `bare Fastify route: ${fmtMs(p99('bare'))} ms`,
      ratio: latency,
      goal: '≤ 1.2×',
      met: latency <= 1.2,
    },
  ]);
} finally {
  await servers.stop();
}
