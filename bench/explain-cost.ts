/**
 * explain-cost: the time of an explanation (src/core/explain, what POST /v1/explain's run does)
 * of the sums `L = w*x + w*x + …` of n terms, with `learningRate` and `gradcheck`: the request of
 * issue 13, where 50 terms took 3.0 s and 150 terms 73 s. Each term is a product inside one
 * statement, so the chains of the statement run through the whole left-associative sum: about
 * n²/2 chain edges for each of w and x. With the written forms built once per node, the time
 * grows about as those chain edges (n², so ×4 for n ×2), not as their cube.
 *
 * Printed per n: the median time of the explanation, its time per chain edge, the route's work
 * estimate (what decides the offload to a worker, DEFAULT_OFFLOAD_WORK) and its estimated and
 * real response size. 300 terms (599 nodes) is past what the route explains (EXPLAIN_LIMITS,
 * 300 nodes): it is timed in the library only. No goal.
 *
 *   npx tsx bench/explain-cost.ts [n ...]        (default n = 25 50 100 150 300)
 */
import { explain } from '../src/core/explain/index.js';
import { DEFAULT_LIMITS } from '../src/engine/limits.js';
import { DEFAULT_OFFLOAD_WORK } from '../src/http/compute.js';
import { operations } from '../src/operations/index.js';
import { prepareBody } from '../src/operations/operation.js';
import { compileSpec } from '../src/specs/index.js';
import { fmtInt, fmtMs, header, interleave, median } from './helpers.js';

const given = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const sizes = given.length ? given : [25, 50, 100, 150, 300];

const body = (n: number) => ({
  graph: {
    inputs: { x: 1.2345 },
    params: { w: 0.7 },
    expr: `L = ${Array.from({ length: n }, () => 'w*x').join(' + ')}`,
  },
  learningRate: 0.1,
  gradcheck: true,
});

header('explain-cost: the explanation of L = w*x + … (n terms), with learningRate and gradcheck');
const op = operations.explain;
const context = { limits: DEFAULT_LIMITS, locale: 'en' as const };
// The JIT warmed on a middle size first, so that the smallest size is not timed cold.
const warm = compileSpec(body(100), DEFAULT_LIMITS);
for (let i = 0; i < 20; i++) explain(warm, 'en', { learningRate: 0.1, gradcheck: { epsilon: 1e-4 } });
let before: { n: number; ms: number } | undefined;
for (const n of sizes) {
  const request = body(n);
  const tape = compileSpec(request, DEFAULT_LIMITS);
  const options = { learningRate: 0.1, gradcheck: { epsilon: 1e-4 } };
  const run = () => explain(tape, 'en', options);
  const bytes = Buffer.byteLength(JSON.stringify(run()));
  let route = 'not explained by the route (over 300 nodes)';
  try {
    const job = prepareBody(op, request, context);
    const work = op.work(job);
    route = `work ${fmtInt(work)} (${work >= DEFAULT_OFFLOAD_WORK ? 'a worker' : 'the event loop'}), estimated ${fmtInt(job.responseBytes)} bytes`;
  } catch {
    // Refused by the route: timed in the library alone.
  }
  // Chain edges: for each of w and x, the chain from L down to term i passes i + 1 nodes.
  const edges = 2 * ((n * (n + 3)) / 2);
  const ms = median(interleave({ run }, { warmup: 3, reps: n <= 150 ? 15 : 9 }).run);
  const growth = before
    ? `, ×${(ms / before.ms).toFixed(2)} for n ×${(n / before.n).toFixed(2)} (edges ×${((n * (n + 3)) / (before.n * (before.n + 3))).toFixed(2)})`
    : '';
  console.log(
    `n = ${String(n).padStart(3)}: ${fmtMs(ms).padStart(6)} ms, ${((1e6 * ms) / edges).toFixed(0)} ns per chain edge${growth}`,
  );
  console.log(`         ${fmtInt(bytes)} bytes; ${route}`);
  before = { n, ms };
}
