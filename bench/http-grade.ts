/**
 * http-grade: POST /v1/grade with seven answers on the tutorial's neuron under load (autocannon,
 * 20 connections), against the same bare Fastify route as http-neuron (the neuron's gradients by
 * hand, servers.ts): what grading costs over the cheapest possible JSON route. Runs alternate
 * after a warm-up of each; medians over the rounds. No goal: the ratio is reported. Also what
 * each of grade's steps costs per request, in this process.
 *
 *   npx tsx bench/http-grade.ts [rounds] [seconds]        (npm run bench:http-grade)
 */
import { DEFAULT_LIMITS } from '../src/engine/limits.js';
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
  serviceSteps,
  startServers,
} from './helpers.js';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 3);
const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };
const answers = { u: -0.6, z: -0.2, y_hat: 0.4502, L: 0.1013, 'dL/dz': 0.1114, 'dL/dw': 0.3343, 'dL/db': 0.1114 };
const gradeBody = JSON.stringify({ neuron, answers, learningRate: 0.1 });
const bareBody = JSON.stringify({ neuron });

header('http-grade: POST /v1/grade, 7 answers on the neuron, against the bare gradients route');
const servers = await startServers({ service: { app: { logger: false } }, bare: { bare: true } });
try {
  const service = `${servers.urls.service}/v1/grade`;
  const bare = `${servers.urls.bare}/v1/gradients`;
  const s = await httpRequest(service, { body: gradeBody });
  const graded = JSON.parse(s.text) as { correct: number; total: number };
  check(
    s.status === 200 && graded.correct === 7 && graded.total === 7,
    `grade answers 200: ${graded.correct} of ${graded.total} correct (${s.text.length} bytes)`,
  );
  check((await httpRequest(bare, { body: bareBody })).status === 200, 'the bare route answers 200');

  const runs = await interleavedLoad(
    { bare: { url: bare, body: bareBody }, grade: { url: service, body: gradeBody } },
    { rounds, seconds, connections: 20 },
  );
  const rps = (name: string): number => median(runs[name].map((r) => r.reqPerSec));
  const p99 = (name: string): number => median(runs[name].map((r) => r.p99));
  const failed = Object.values(runs)
    .flat()
    .reduce((n, r) => n + r.failures, 0);
  check(failed === 0, 'no failed request (non-2xx, error or timeout)');
  const throughput = rps('grade') / rps('bare');
  const latency = p99('grade') / p99('bare');
  console.log(
    `  grade: ${fmtInt(rps('grade'))} req/s, p99 ${fmtMs(p99('grade'))} ms;  bare: ${fmtInt(rps('bare'))} req/s, p99 ${fmtMs(p99('bare'))} ms (medians of ${rounds} rounds of ${seconds} s)`,
  );
  console.log(`  throughput ratio ${fmtRatio(throughput)}, p99 ratio ${fmtRatio(latency)}`);
  const steps = serviceSteps('grade', { text: gradeBody }, DEFAULT_LIMITS, { reps: 5_000, warmup: 1_000 });
  console.log(`  in process, per request: grade's steps ${describeSteps(steps, 'µs')}`);
  emitResults([
    {
      benchmark: 'http-grade',
      figure: `grade throughput: ${fmtInt(rps('grade'))} req/s (20 connections)`,
      baseline: `bare gradients route: ${fmtInt(rps('bare'))} req/s`,
      ratio: throughput,
      goal: 'report',
      met: null,
    },
    {
      benchmark: 'http-grade',
      figure: `grade p99 latency: ${fmtMs(p99('grade'))} ms`,
      baseline: `bare gradients route: ${fmtMs(p99('bare'))} ms`,
      ratio: latency,
      goal: 'report',
      met: null,
    },
  ]);
} finally {
  await servers.stop();
}
