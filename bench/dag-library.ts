/**
 * dag-library: the 1,000,000-node random DAG through the library's whole `gradients(body)` call
 * (zod validation, compile, forward, backward, local derivatives, and the JSON-ready result
 * object, not stringified), against the flat tape (flat-tape.ts) plus building the same result
 * object by hand: `values` and `gradients` maps keyed by id (no prototype, as the library's),
 * the `local` array of {of, wrt, arg, value} (one entry per node and arg), `output`, `warnings`.
 * The baseline starts from the DAG's arrays: it has no validation and no compile, which is the
 * point of the comparison. Same process, runs alternating. Goal: the library within 2×.
 * Also: where the library's time goes (validation, prepare = compile and limits, run = evaluation
 * and the result object; JSON.stringify for scale), compile time per node, and
 * memory per node (retained heap + array buffers of the compiled tape, and its typed arrays).
 *
 *   npx tsx bench/dag-library.ts [nodes]        (npm run bench:dag-library)
 */
import { gradients } from '../src/index.js';
import { DEFAULT_LIMITS, type Limits } from '../src/engine/limits.js';
import type { Tape } from '../src/engine/tape.js';
import { compileSpec } from '../src/specs/index.js';
import { compareWithFlat, flatGradients } from './flat-tape.js';
import {
  type Dag,
  dagBody,
  describeMs,
  describeSteps,
  emitResults,
  fmtInt,
  fmtMs,
  fmtRatio,
  gc,
  header,
  interleave,
  median,
  now,
  randomDag,
  serviceSteps,
} from './helpers.js';

const n = Number(process.argv[2] ?? 1_000_000);
const GOAL = 2;
const limits: Limits = {
  ...DEFAULT_LIMITS,
  maxNodes: 2 * n,
  maxWork: Infinity,
  maxResponseValues: Infinity,
  maxResponseBytes: Infinity,
};

type Wire = number | string;
const wire = (x: number): Wire => (x === x && x !== Infinity && x !== -Infinity ? x : String(x));

interface LocalEntry {
  of: string;
  wrt: string;
  arg: number;
  value: Wire;
}

/** The flat tape, then the library's result object built by hand from its arrays and the request's ids. */
function flatResponse(dag: Dag, ids: readonly string[]) {
  const { values, grads } = flatGradients(dag);
  const { op, a, b } = dag;
  const L = dag.leafValues.length;
  const valueMap: Record<string, Wire> = Object.create(null);
  const gradMap: Record<string, Wire> = Object.create(null);
  const badValues: string[] = [];
  const badGrads: string[] = [];
  for (let s = 0; s < values.length; s++) {
    const v = values[s],
      g = grads[s];
    valueMap[ids[s]] = wire(v);
    gradMap[ids[s]] = wire(g);
    if (!Number.isFinite(v)) badValues.push(ids[s]);
    if (!Number.isFinite(g)) badGrads.push(ids[s]);
  }
  const local: LocalEntry[] = [];
  for (let k = 0; k < dag.n; k++) {
    const s = L + k,
      of = ids[s],
      i = a[k],
      j = b[k],
      y = values[s];
    switch (op[k]) {
      case 0: // add
        local.push({ of, wrt: ids[i], arg: 0, value: 1 }, { of, wrt: ids[j], arg: 1, value: 1 });
        break;
      case 1: // mul
        local.push(
          { of, wrt: ids[i], arg: 0, value: wire(values[j]) },
          { of, wrt: ids[j], arg: 1, value: wire(values[i]) },
        );
        break;
      case 2: // sub
        local.push({ of, wrt: ids[i], arg: 0, value: 1 }, { of, wrt: ids[j], arg: 1, value: -1 });
        break;
      case 3: // tanh
        local.push({ of, wrt: ids[i], arg: 0, value: wire(1 - y * y) });
        break;
      case 4: // sigmoid
        local.push({ of, wrt: ids[i], arg: 0, value: wire(y * (1 - y)) });
        break;
    }
  }
  const warnings = [
    ...(badValues.length ? [{ code: 'non_finite_values', ids: badValues, message: 'non-finite values' }] : []),
    ...(badGrads.length ? [{ code: 'non_finite_gradients', ids: badGrads, message: 'non-finite gradients' }] : []),
  ];
  return { output: ids[values.length - 1], values: valueMap, gradients: gradMap, local, warnings };
}

header(`dag-library: ${n.toLocaleString('en-US')}-node random DAG through gradients(body)`);
const dag = randomDag(n);
const memory = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
gc();
let m0 = memory();
const body = dagBody(dag);
gc();
const bodyBytes = memory() - m0;
/** The slot ids, read from the request as a hand-written service would. */
const idsOf = (): string[] => [...dag.leafIds, ...body.graph.nodes.map((node) => node.id)];
const library = () => gradients(body, { limits });
const baseline = () => flatResponse(dag, idsOf());

// Check: the library's result and the baseline's say the same (these first calls are the warm-up).
// The result's memory is measured on the way: what it retains once built.
let resultBytes: number;
{
  gc();
  m0 = memory();
  const lib = library();
  gc();
  resultBytes = memory() - m0;
  const base = baseline();
  const ids = idsOf();
  const values = Float64Array.from(ids, (id) => lib.values[id] as number);
  const grads = Float64Array.from(ids, (id) => lib.gradients[id] as number);
  console.log(`  check: library vs flat tape: ${compareWithFlat(dag, values, grads)}`);
  // Local derivatives by node (ids n<k>) and arg: the library lists them in its evaluation order.
  const localOf = (entries: readonly { of: string; wrt: string; arg: number; value: unknown }[]) => {
    const value = new Float64Array(2 * n).fill(NaN);
    const wrt: string[] = new Array(2 * n);
    for (const e of entries) {
      const at = 2 * Number(e.of.slice(1)) + e.arg;
      value[at] = e.value as number;
      wrt[at] = e.wrt;
    }
    return { value, wrt };
  };
  const ll = localOf(lib.local!),
    bl = localOf(base.local);
  let same = lib.local!.length === base.local.length;
  for (let i = 0; i < 2 * n && same; i++) same = Object.is(ll.value[i], bl.value[i]) && ll.wrt[i] === bl.wrt[i];
  if (!same || lib.output !== base.output || lib.warnings.length !== base.warnings.length)
    throw new Error('the library and the baseline disagree');
  console.log(
    `  check: output '${lib.output}', the ${fmtInt(lib.local!.length)} local derivatives identical (listed in evaluation order there, written order here), no warnings`,
  );
}

const ms = interleave({ library, baseline }, { warmup: 0, reps: 3 });

// Where the library's time goes: its steps, timed one after the other as it runs them.
const steps = serviceSteps('gradients', { body }, limits, { reps: 2, gcBefore: true });

// Compile alone, and what the compiled tape keeps (heap and typed arrays).
gc();
m0 = memory();
const t = now();
let tape: Tape | undefined = compileSpec(body, limits);
const compileMs = now() - t;
gc();
const tapeBytes = memory() - m0;
const typedBytes = Object.values(tape).reduce((s: number, v) => s + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0);
const idsBytes = 8 * tape.ids.length; // the ids array's pointers (the strings are the request's)
tape = undefined;

const l = median(ms.library),
  b = median(ms.baseline);
const perNode = (ms: number): string => `${fmtInt((ms * 1e6) / n)} ns/node`;
console.log(`  library gradients(body): ${describeMs(ms.library)}, ${perNode(l)}`);
console.log(`  flat tape + result objects: ${describeMs(ms.baseline)}, ${perNode(b)}`);
console.log(
  `  the library's steps (2 calls, median), plus JSON.stringify of the result for scale: ${describeSteps(steps)}`,
);
console.log(`  compile alone: ${fmtMs(compileMs)} ms, ${perNode(compileMs)} (one run)`);
console.log(
  `  memory per node: the compiled tape retains ${fmtInt(tapeBytes / n)} B (heap used + array buffers, after a full GC), of which typed arrays ${fmtInt(typedBytes / n)} B and the ids array ${fmtInt(idsBytes / n)} B;`,
);
console.log(
  `    for scale: the request body as JS objects ${fmtInt(bodyBytes / n)} B/node, the library's result object ${fmtInt(resultBytes / n)} B/node`,
);
console.log(`  ratio library / baseline: ${fmtRatio(l / b)} (goal ≤ ${GOAL}×)`);

emitResults([
  {
    benchmark: 'dag-library',
    figure:
      `gradients(body), 1M-node DAG: ${fmtMs(l)} ms (validate ${fmtMs(steps.validate!)}, prepare ${fmtMs(steps.prepare!)}, run ${fmtMs(steps.run!)}); ` +
      `compile ${perNode(compileMs)}; tape ${fmtInt(tapeBytes / n)} B/node retained`,
    baseline: `flat tape + same result objects: ${fmtMs(b)} ms`,
    ratio: l / b,
    goal: `≤ ${GOAL}×`,
    met: l / b <= GOAL,
  },
]);
