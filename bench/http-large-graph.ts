/**
 * http-large-graph: a 100,000-node random scalar DAG (helpers.ts) posted to /v1/gradients; the
 * end-to-end latency of one request (the client sends the JSON text and reads the whole response)
 * against JSON.parse of the same request text plus JSON.stringify of the same response object
 * (the library's result for it), in the same process: the least any JSON service must do with
 * these bytes. The app listens on 127.0.0.1 in this process, with the body limit raised to take
 * the request; limits are the defaults (the graph is within them). It runs as configured by
 * default, so this job (about 500,000 element operations) goes to a worker thread; the same
 * request with the pool off (computed on the event loop) is measured too, for comparison.
 * Goal: the default configuration within 1.3× of the baseline. Also the route's steps timed in
 * this process (parse, validation, compile, evaluation, serialisation), to say where the time goes.
 *
 *   npx tsx bench/http-large-graph.ts [nodes]        (npm run bench:http-large-graph)
 */
import { buildApp } from '../src/app.js';
import { gradients } from '../src/index.js';
import { DEFAULT_LIMITS } from '../src/engine/limits.js';
import { compileSpec } from '../src/specs/index.js';
import {
  check,
  dagBody,
  describeMs,
  describeSteps,
  emitResults,
  fmtInt,
  fmtMs,
  fmtRatio,
  header,
  httpRequest,
  interleaveAsync,
  keepAlive,
  listenLocal,
  median,
  randomDag,
  serviceSteps,
} from './helpers.js';

const n = Number(process.argv[2] ?? 100_000);
const GOAL = 1.3;
// The response (13.7 MB, estimated at 21.5 MB before computing) is over MAX_RESPONSE_BYTES' default (8 MB): raised, as the body limit is.
const limits = {
  ...DEFAULT_LIMITS,
  maxNodes: Math.max(DEFAULT_LIMITS.maxNodes, n),
  maxResponseBytes: Math.max(DEFAULT_LIMITS.maxResponseBytes, 64 * 1024 * 1024),
};

header(`http-large-graph: ${n.toLocaleString('en-US')}-node scalar DAG, POST /v1/gradients end to end`);
const requestText = JSON.stringify(dagBody(randomDag(n)));
const bodyLimit = 4 * requestText.length;
const work = 2 * compileSpec(JSON.parse(requestText), limits).passWork;
console.log(`  request ${fmtInt(requestText.length)} bytes; estimated work ${fmtInt(work)} element operations`);

const pooled = await buildApp({ logger: false, bodyLimit, limits });
const inline = await buildApp({ logger: false, bodyLimit, limits, pool: false });
const agent = keepAlive();
try {
  const urls = {
    pooled: `${await listenLocal(pooled)}/v1/gradients`,
    inline: `${await listenLocal(inline)}/v1/gradients`,
  };
  const responseObject = gradients(JSON.parse(requestText), { limits });
  const responseText = JSON.stringify(responseObject);
  for (const [name, url] of Object.entries(urls)) {
    const res = await httpRequest(url, { body: requestText, agent });
    check(
      res.status === 200 && res.text === responseText,
      `${name}: 200, and the response is the library's result, byte for byte (${fmtInt(res.text.length)} bytes)`,
    );
  }

  const post = (url: string) => async () => {
    const res = await httpRequest(url, { body: requestText, agent });
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text.slice(0, 300)}`);
  };
  const ms = await interleaveAsync(
    {
      'HTTP, default (pool)': post(urls.pooled),
      'HTTP, pool off': post(urls.inline),
      'JSON.parse + JSON.stringify': async () => {
        const parsed: unknown = JSON.parse(requestText);
        const text = JSON.stringify(responseObject);
        return parsed !== undefined && text.length;
      },
    },
    { warmup: 1, reps: 7, gcBefore: true },
  );
  for (const [name, xs] of Object.entries(ms)) console.log(`  ${name.padEnd(28)} ${describeMs(xs)}`);
  const base = median(ms['JSON.parse + JSON.stringify']);
  const pool = median(ms['HTTP, default (pool)']);
  const off = median(ms['HTTP, pool off']);
  console.log(
    `  ratio to JSON.parse + JSON.stringify: default ${fmtRatio(pool / base)} (goal ≤ ${GOAL}×), pool off ${fmtRatio(off / base)}`,
  );
  console.log(
    `  in process, the route's steps (3 runs, median): ${describeSteps(serviceSteps('gradients', { text: requestText }, limits, { reps: 3, warmup: 1, gcBefore: true }))}`,
  );
  emitResults([
    {
      benchmark: 'http-large-graph',
      figure: `POST 100k-node graph, end to end (default: on a worker): ${fmtMs(pool)} ms`,
      baseline: `JSON.parse(request) + JSON.stringify(response): ${fmtMs(base)} ms`,
      ratio: pool / base,
      goal: `≤ ${GOAL}×`,
      met: pool / base <= GOAL,
    },
    {
      benchmark: 'http-large-graph',
      figure: `same, pool off (on the event loop): ${fmtMs(off)} ms`,
      baseline: `JSON.parse + JSON.stringify: ${fmtMs(base)} ms`,
      ratio: off / base,
      goal: `≤ ${GOAL}×`,
      met: off / base <= GOAL,
    },
  ]);
} finally {
  agent.destroy();
  await Promise.all([pooled.close(), inline.close()]);
}
