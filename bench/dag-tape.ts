/**
 * dag-tape: forward + backward of a compiled 1,000,000-node random scalar DAG through the engine
 * (src/engine/evaluate.ts `forward` then `backward`, compile excluded), against the hand-written
 * flat tape (flat-tape.ts) doing the same arithmetic on the same graph, in the same process, the
 * runs alternating. Goal: the engine within 1.5× of the flat tape.
 *
 *   npx tsx bench/dag-tape.ts [nodes]        (npm run bench:dag-tape)
 */
import { DEFAULT_LIMITS } from '../src/engine/limits.js';
import { backward, forward } from '../src/engine/evaluate.js';
import { compileSpec } from '../src/specs/index.js';
import { compareWithFlat, flatBackward, flatForward, flatGradients } from './flat-tape.js';
import {
  dagBody,
  describeMs,
  emitResults,
  fmtMs,
  fmtRatio,
  header,
  interleave,
  median,
  now,
  randomDag,
} from './helpers.js';

const n = Number(process.argv[2] ?? 1_000_000);
const GOAL = 1.5;

header(`dag-tape: ${n.toLocaleString('en-US')}-node random scalar DAG, forward + backward`);
const dag = randomDag(n);
const t0 = now();
const tape = compileSpec(dagBody(dag), { ...DEFAULT_LIMITS, maxNodes: Infinity, maxWork: Infinity });
console.log(`  built and compiled in ${fmtMs(now() - t0)} ms (not timed below); all-scalar tape: ${tape.allScalar}`);

const engine = (): Float64Array => backward(tape, forward(tape));
const values = forward(tape);
console.log(`  check: ${compareWithFlat(dag, values, backward(tape, values))}`);

const ms = interleave({ engine, flat: () => flatGradients(dag) }, { warmup: 3, reps: 15 });
// The passes apart, for the breakdown (values computed once, outside the timing).
const L = dag.leafValues.length;
const flatValues = flatForward(dag.op, dag.a, dag.b, dag.leafValues, dag.n);
const parts = interleave(
  {
    'engine forward': () => forward(tape),
    'flat forward': () => flatForward(dag.op, dag.a, dag.b, dag.leafValues, dag.n),
    'engine backward': () => backward(tape, values),
    'flat backward': () => flatBackward(dag.op, dag.a, dag.b, flatValues, L, dag.n, L + dag.n - 1),
  },
  { warmup: 2, reps: 9 },
);

const e = median(ms.engine),
  f = median(ms.flat);
const nsPerNode = (x: number): string => ((x * 1e6) / n).toFixed(1);
console.log(`  engine forward+backward: ${describeMs(ms.engine)}, ${nsPerNode(e)} ns/node`);
console.log(`  flat tape:               ${describeMs(ms.flat)}, ${nsPerNode(f)} ns/node`);
for (const [name, xs] of Object.entries(parts)) console.log(`    ${name.padEnd(16)} ${describeMs(xs)}`);
console.log(`  ratio engine / flat: ${fmtRatio(e / f)} (goal ≤ ${GOAL}×)`);

emitResults([
  {
    benchmark: 'dag-tape',
    figure: `engine forward+backward, 1M-node DAG: ${fmtMs(e)} ms (${nsPerNode(e)} ns/node)`,
    baseline: `flat Float64Array tape: ${fmtMs(f)} ms (${nsPerNode(f)} ns/node)`,
    ratio: e / f,
    goal: `≤ ${GOAL}×`,
    met: e / f <= GOAL,
  },
]);
