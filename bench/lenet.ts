/**
 * lenet: gradients of a LeNet-like CNN on a batch of 28×28 images, forward and backward: conv
 * 1→6 5×5, relu, max pool 2; conv 6→16 5×5, relu, max pool 2; flatten (256); dense 256→120→84→10
 * with relu; softmax cross-entropy against one-hot targets. The same graph spec for every variant:
 * - engine: compileSpec + forward + backward (src/engine), from the same JSON arrays;
 * - library: `gradients(body)` with `include` naming the params and L (the whole call: validation,
 *   compile, evaluation, the JSON-ready gradients);
 * against PyTorch float64 on one thread, measured in the same run by bench/lenet_torch.py
 * (bench/torch.ts: Debian's python3-torch) on the same numbers, half its runs before ours and half
 * after, its loss and dL/db5 checked against the engine's to 1e-12 first:
 * - the engine against forward + backward on tensors built beforehand: goal ≤ 3×;
 * - the library against torch.tensor(list) of every input, forward + backward, .tolist() of every
 *   param's gradient: reported.
 * Without python3 or torch it says so and reports no ratio.
 *
 *   npx tsx bench/lenet.ts [batch]        (npm run bench:lenet)
 */
import { gradients } from '../src/index.js';
import { backward, forward } from '../src/engine/evaluate.js';
import { DEFAULT_LIMITS, type Limits } from '../src/engine/limits.js';
import { slotOf } from '../src/engine/tape.js';
import { compileSpec } from '../src/specs/index.js';
import type { ValueSpec } from '../src/specs/spec.js';
import { LENET_NODES } from '../test/support/attacks.js';
import {
  type ResultRow,
  check,
  describeMs,
  emitResults,
  fmtMs,
  fmtRatio,
  header,
  interleave,
  median,
  prng,
} from './helpers.js';
import { findTorchPython, runTorchScript } from './torch.js';

const B = Number(process.argv[2] ?? 64);
const GOAL = 3;
const TORCH_SCRIPT = new URL('./lenet_torch.py', import.meta.url).pathname;
const limits: Limits = {
  ...DEFAULT_LIMITS,
  maxWork: Number.MAX_SAFE_INTEGER,
  maxResponseValues: 100_000_000,
  maxResponseBytes: 1 << 30,
};

type Nested = number | Nested[];

/** A tensor of `shape` with uniform(-bound, bound) elements, as nested arrays. */
function uniform(rand: () => number, shape: readonly number[], bound: number): Nested {
  if (shape.length === 0) return (2 * rand() - 1) * bound;
  return Array.from({ length: shape[0] }, () => uniform(rand, shape.slice(1), bound));
}

const rand = prng(11 + B);
/** PyTorch's default init bound for a layer of `fanIn` inputs (nn.Conv2d, nn.Linear). */
const bound = (fanIn: number) => 1 / Math.sqrt(fanIn);
/** The params, typed as the spec takes them (nested arrays of rank 1 to 4). */
const params = {
  W1: uniform(rand, [6, 1, 5, 5], bound(25)),
  b1: uniform(rand, [6], bound(25)),
  W2: uniform(rand, [16, 6, 5, 5], bound(150)),
  b2: uniform(rand, [16], bound(150)),
  W3: uniform(rand, [120, 256], bound(256)),
  b3: uniform(rand, [120], bound(256)),
  W4: uniform(rand, [84, 120], bound(120)),
  b4: uniform(rand, [84], bound(120)),
  W5: uniform(rand, [10, 84], bound(84)),
  b5: uniform(rand, [10], bound(84)),
} as Record<string, ValueSpec>;
const x = Array.from({ length: B }, () => [Array.from({ length: 28 }, () => Array.from({ length: 28 }, rand))]);
const y = Array.from({ length: B }, () => {
  const row = new Array<number>(10).fill(0);
  row[Math.floor(rand() * 10)] = 1;
  return row;
});
const graph = {
  inputs: { x, y },
  params,
  nodes: LENET_NODES,
  output: 'L',
};
const body = { graph };
const bodyInclude = { graph, include: [...Object.keys(params), 'L'] };

header(`lenet: conv-pool-conv-pool-dense×3 CNN, batch ${B} of 28×28, forward and backward`);
const torchPython = findTorchPython();
console.log(
  'python' in torchPython
    ? `  PyTorch float64, 1 thread, through ${torchPython.python} ${TORCH_SCRIPT}`
    : `  PyTorch: not measured, ${torchPython.missing}`,
);

const engine = () => {
  const tape = compileSpec(body, limits);
  const values = forward(tape);
  return { tape, values, grads: backward(tape, values) };
};
const library = () => gradients(bodyInclude, { limits });

const ours = engine();
const at = (id: string) => ours.tape.offset[slotOf(ours.tape, id)!];
const L = ours.values[at('L')];
const db5 = Array.from(ours.grads.subarray(at('b5'), at('b5') + 10));
const lib = library();
check(
  lib.values.L === L && JSON.stringify(lib.gradients.b5) === JSON.stringify(db5),
  `the library's L (${L}) and dL/db5 are the engine's`,
);

interface TorchRun {
  version: string;
  threads: number;
  ms: { torch: number[]; 'torch whole call': number[] };
  loss: number;
  db5: number[];
}
const runs = { warmup: 2, reps: 7 };
const torchInput = { x, y, ...params, warmup: runs.warmup };
const runTorch = (python: string, reps: number) =>
  runTorchScript<TorchRun>(python, TORCH_SCRIPT, { ...torchInput, reps });
const torchBefore = 'python' in torchPython ? runTorch(torchPython.python, Math.ceil(runs.reps / 2)) : undefined;
if (torchBefore) {
  const lossRel = Math.abs(torchBefore.loss - L) / Math.abs(L);
  const gradRel = Math.max(...torchBefore.db5.map((g, k) => Math.abs(g - db5[k]))) / Math.max(...db5.map(Math.abs));
  check(
    lossRel <= 1e-12 && gradRel <= 1e-12,
    `PyTorch ${torchBefore.version} (${torchBefore.threads} thread) agrees: loss ${torchBefore.loss} vs ours ${L}, relative difference ${lossRel.toExponential(1)}; dL/db5 to ${gradRel.toExponential(1)} of its largest element (both ≤ 1e-12)`,
  );
}
const ms = interleave({ engine, library }, runs);
const torchAfter =
  torchBefore && 'python' in torchPython ? runTorch(torchPython.python, Math.floor(runs.reps / 2)) : undefined;
if (torchBefore && torchAfter) {
  for (const name of ['torch', 'torch whole call'] as const)
    ms[name] = [...torchBefore.ms[name], ...torchAfter.ms[name]];
}
const m = (name: string) => median(ms[name]);
for (const name of Object.keys(ms)) console.log(`  ${name.padEnd(17)} ${describeMs(ms[name])}`);
const rows: ResultRow[] = [];
if (torchAfter) {
  console.log(
    `  time ratio to PyTorch float64, 1 thread: engine / torch ${fmtRatio(m('engine') / m('torch'))} (goal ≤ ${GOAL}×), ` +
      `library / torch whole call ${fmtRatio(m('library') / m('torch whole call'))}`,
  );
  rows.push(
    {
      benchmark: 'lenet',
      figure: `engine (compile+forward+backward), batch ${B}: ${fmtMs(m('engine'))} ms`,
      baseline: `PyTorch float64 1 thread, forward+backward: ${fmtMs(m('torch'))} ms`,
      ratio: m('engine') / m('torch'),
      goal: `≤ ${GOAL}×`,
      met: m('engine') / m('torch') <= GOAL,
    },
    {
      benchmark: 'lenet',
      figure: `library gradients(body, include params and L), batch ${B}: ${fmtMs(m('library'))} ms`,
      baseline: `PyTorch whole call (torch.tensor(list) … .tolist()): ${fmtMs(m('torch whole call'))} ms`,
      ratio: m('library') / m('torch whole call'),
      goal: 'report',
      met: null,
    },
  );
}
emitResults(rows);
