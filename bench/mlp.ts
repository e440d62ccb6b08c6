/**
 * mlp: gradients of a 784-128-10 MLP (layer 1 relu, layer 2 identity, loss softmax_cross_entropy
 * against one-hot targets, i.e. mean over the batch of -sum(y * log_softmax(logits))) with
 * respect to every param and x, for a batch of 64 and of 256:
 * - library: `gradients(body)`, the whole call (validation, compile, evaluation, the JSON-ready
 *   result with every id's value and gradient and the layers); and with `include` naming x, the
 *   params and L (what a caller who wants the gradients would ask for);
 * - engine: compileSpec + forward + backward (src/engine), from the same JSON arrays;
 * against @tensorflow/tfjs-core with @tensorflow/tfjs-backend-cpu (the pure-JS CPU backend,
 * float32, production mode) computing the same loss's gradients with tf.valueAndGrads on the
 * same weights (rounded to float32 for both, so only the arithmetic's precision differs), the
 * gradients read back with dataSync. Same process, runs alternating. The tfjs loss is checked
 * against ours to float32 precision first.
 * Goal: 2× faster than tfjs (time ratio ≤ 0.5).
 * And against PyTorch float64 on one thread, measured in the same run by bench/mlp_torch.py (with
 * $PYTHON if set, else the first of python3 and /usr/bin/python3, where Debian's python3-torch
 * is, that imports torch) on the same numbers, half its runs before ours and half after, its loss
 * and dL/db2 checked against the engine's to 1e-12 first:
 * - the engine against forward + backward on tensors built beforehand: goal ≤ 1× at batch 256;
 * - the library's whole call against PyTorch's whole call (torch.tensor of the same nested
 *   arrays, forward + backward, .tolist() of every gradient): goal ≤ 2× at batch 64 and 256.
 * Without python3 or torch it says so and reports no PyTorch ratio.
 *
 *   npx tsx bench/mlp.ts [batch ...]        (npm run bench:mlp)
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { gradients } from '../src/index.js';
import { backward, forward } from '../src/engine/evaluate.js';
import { DEFAULT_LIMITS, type Limits } from '../src/engine/limits.js';
import { slotOf } from '../src/engine/tape.js';
import { compileSpec } from '../src/specs/index.js';
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

// tfjs-core's gradient functions are registered by this module of its ES build (tsx loads it).
createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients');

const batches = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [64, 256];
const [N_IN, N_HIDDEN, N_OUT] = [784, 128, 10];
const GOAL = 0.5;
const TORCH_ENGINE_GOAL = 1;
const TORCH_LIBRARY_GOAL = 2;
const TORCH_SCRIPT = new URL('./mlp_torch.py', import.meta.url).pathname;
const limits: Limits = { ...DEFAULT_LIMITS, maxResponseValues: 10_000_000, maxResponseBytes: 1 << 30 };

/** rows x cols of uniform(-bound, bound) numbers rounded to float32, as nested arrays. */
function matrix(rand: () => number, rows: number, cols: number, lo: number, hi: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.fround(lo + (hi - lo) * rand())));
}

interface TorchRun {
  version: string;
  threads: number;
  ms: { torch: number[]; 'torch whole call': number[] };
  loss: number;
  db2: number[];
}

/** bench/mlp_torch.py on the same numbers, in a child process: `input.reps` timed rounds of its two variants. */
const runTorch = (python: string, input: object): TorchRun => runTorchScript<TorchRun>(python, TORCH_SCRIPT, input);

const torchPython = findTorchPython();

tf.enableProdMode();
await tf.setBackend('cpu');
header('mlp: 784-128-10, relu / identity + softmax_cross_entropy, gradients of every param and x');
console.log(`  tfjs ${tf.version_core}, backend '${tf.getBackend()}' (pure JS, float32); ours float64`);
console.log(
  'python' in torchPython
    ? `  PyTorch float64, 1 thread, through ${torchPython.python} ${TORCH_SCRIPT}`
    : `  PyTorch: not measured, ${torchPython.missing}`,
);

const rows: ResultRow[] = [];
for (const B of batches) {
  const rand = prng(7 + B);
  const b1 = 1 / Math.sqrt(N_IN),
    b2 = 1 / Math.sqrt(N_HIDDEN);
  const W1 = matrix(rand, N_HIDDEN, N_IN, -b1, b1),
    bias1 = matrix(rand, 1, N_HIDDEN, -b1, b1)[0];
  const W2 = matrix(rand, N_OUT, N_HIDDEN, -b2, b2),
    bias2 = matrix(rand, 1, N_OUT, -b2, b2)[0];
  const x = matrix(rand, B, N_IN, 0, 1);
  const y = Array.from({ length: B }, () => {
    const row = new Array<number>(N_OUT).fill(0);
    row[Math.floor(rand() * N_OUT)] = 1;
    return row;
  });
  const network = {
    x,
    y,
    loss: 'softmax_cross_entropy' as const,
    layers: [
      { W: W1, b: bias1, activation: 'relu' as const },
      { W: W2, b: bias2, activation: 'identity' as const },
    ],
  };
  const body = { network };
  const bodyInclude = { network, include: ['x', 'W1', 'b1', 'W2', 'b2', 'L'] };

  const engine = () => {
    const tape = compileSpec(body, limits);
    const values = forward(tape);
    return { tape, values, grads: backward(tape, values) };
  };
  const library = () => gradients(body, { limits });
  const libraryInclude = () => gradients(bodyInclude, { limits });

  // tfjs: the same loss, on float32 tensors of the same numbers.
  const yT = tf.tensor2d(y);
  const lossOf = (xt: tf.Tensor, w1: tf.Tensor, c1: tf.Tensor, w2: tf.Tensor, c2: tf.Tensor): tf.Scalar => {
    const h = tf.relu(tf.add(tf.matMul(xt, w1, false, true), c1));
    const logits = tf.add(tf.matMul(h, w2, false, true), c2);
    return tf.mean(tf.neg(tf.sum(tf.mul(yT, tf.logSoftmax(logits)), 1)));
  };
  const valueAndGrads = tf.valueAndGrads(lossOf as (...args: tf.Tensor[]) => tf.Scalar);
  const prebuilt = [tf.tensor2d(x), tf.tensor2d(W1), tf.tensor1d(bias1), tf.tensor2d(W2), tf.tensor1d(bias2)];
  const tfjsOn = (inputs: () => tf.Tensor[]) => () =>
    tf.tidy(() => {
      const { value, grads } = valueAndGrads(inputs());
      return { loss: value.dataSync()[0], grads: grads.map((g) => g.dataSync() as Float32Array) };
    });
  const tfjs = tfjsOn(() => prebuilt);
  const tfjsFromArrays = tfjsOn(() => [
    tf.tensor2d(x),
    tf.tensor2d(W1),
    tf.tensor1d(bias1),
    tf.tensor2d(W2),
    tf.tensor1d(bias2),
  ]);

  // Check: the same loss to float32 precision, and the same gradients to float32-ish precision.
  const ours = engine();
  const at = (id: string) => ours.tape.offset[slotOf(ours.tape, id)!];
  const L = ours.values[at('L')];
  const t = tfjs();
  const lossRel = Math.abs(t.loss - L) / Math.abs(L);
  check(
    lossRel < 1e-5,
    `batch ${B}: loss ${L} (ours, float64) vs ${t.loss} (tfjs, float32): relative difference ${lossRel.toExponential(1)} < 1e-5`,
  );
  const gradRel = ['x', 'W1', 'b1', 'W2', 'b2'].map((id, i) => {
    const s = slotOf(ours.tape, id)!;
    const g = ours.grads.subarray(ours.tape.offset[s], ours.tape.offset[s] + ours.tape.size[s]);
    let diff = 0,
      scale = 0;
    for (let k = 0; k < g.length; k++) {
      diff = Math.max(diff, Math.abs(g[k] - t.grads[i][k]));
      scale = Math.max(scale, Math.abs(g[k]));
    }
    return diff / scale;
  });
  check(
    Math.max(...gradRel) < 1e-4,
    `batch ${B}: gradients of x, W1, b1, W2, b2 agree to ${Math.max(...gradRel).toExponential(1)} of each one's largest element`,
  );
  const lib = library();
  check(
    lib.values.L === L &&
      JSON.stringify(lib.gradients.b2) === JSON.stringify(Array.from(ours.grads.subarray(at('b2'), at('b2') + N_OUT))),
    `batch ${B}: the library's L and dL/db2 are the engine's`,
  );

  // PyTorch on the same numbers, in the same run: half its timed runs before ours and half after,
  // so that a change in the machine's load meets both sides; its loss and dL/db2 checked first.
  const runs = { warmup: 2, reps: B <= 64 ? 11 : 7 };
  const torchInput = { x, y, W1, b1: bias1, W2, b2: bias2, warmup: runs.warmup };
  const torchBefore =
    'python' in torchPython
      ? runTorch(torchPython.python, { ...torchInput, reps: Math.ceil(runs.reps / 2) })
      : undefined;
  if (torchBefore) {
    const ourDb2 = ours.grads.subarray(at('b2'), at('b2') + N_OUT);
    const db2Rel =
      Math.max(...torchBefore.db2.map((g, k) => Math.abs(g - ourDb2[k]))) / Math.max(...ourDb2.map(Math.abs));
    const torchLossRel = Math.abs(torchBefore.loss - L) / Math.abs(L);
    check(
      torchLossRel <= 1e-12 && db2Rel <= 1e-12,
      `batch ${B}: PyTorch ${torchBefore.version} (${torchBefore.threads} thread) agrees: loss ${torchBefore.loss} vs ours ${L}, relative difference ${torchLossRel.toExponential(1)}; dL/db2 to ${db2Rel.toExponential(1)} of its largest element (both ≤ 1e-12)`,
    );
  }
  const ms = interleave(
    { library, 'library include': libraryInclude, engine, tfjs, 'tfjs from arrays': tfjsFromArrays },
    runs,
  );
  for (const tensor of [...prebuilt, yT]) tensor.dispose();
  const torch =
    torchBefore && 'python' in torchPython
      ? runTorch(torchPython.python, { ...torchInput, reps: Math.floor(runs.reps / 2) })
      : undefined;
  if (torchBefore && torch) {
    for (const name of ['torch', 'torch whole call'] as const) ms[name] = [...torchBefore.ms[name], ...torch.ms[name]];
  }

  const m = (name: string) => median(ms[name]);
  console.log(`  batch ${B}:`);
  for (const name of Object.keys(ms)) console.log(`    ${name.padEnd(17)} ${describeMs(ms[name])}`);
  console.log(
    `    time ratio to tfjs (goal ≤ ${GOAL}): engine ${fmtRatio(m('engine') / m('tfjs'))}, library ${fmtRatio(m('library') / m('tfjs'))}, ` +
      `library with include ${fmtRatio(m('library include') / m('tfjs'))}`,
  );
  if (torch) {
    console.log(
      `    time ratio to PyTorch float64, 1 thread: engine / torch ${fmtRatio(m('engine') / m('torch'))} (goal ≤ ${TORCH_ENGINE_GOAL}× at batch 256), ` +
        `library / torch whole call ${fmtRatio(m('library') / m('torch whole call'))} (goal ≤ ${TORCH_LIBRARY_GOAL}×)`,
    );
  }
  for (const [name, label] of [
    ['engine', 'engine (compile+forward+backward)'],
    ['library', 'library gradients(body)'],
  ] as const) {
    rows.push({
      benchmark: 'mlp',
      figure: `${label}, batch ${B}: ${fmtMs(m(name))} ms`,
      baseline: `tfjs-core cpu (float32): ${fmtMs(m('tfjs'))} ms`,
      ratio: m(name) / m('tfjs'),
      goal: `≤ ${GOAL}× (2× faster)`,
      met: m(name) / m('tfjs') <= GOAL,
    });
  }
  if (torch) {
    const engineGoal = B === 256 ? TORCH_ENGINE_GOAL : null;
    rows.push(
      {
        benchmark: 'mlp',
        figure: `engine (compile+forward+backward), batch ${B}: ${fmtMs(m('engine'))} ms`,
        baseline: `PyTorch float64 1 thread, forward+backward: ${fmtMs(m('torch'))} ms`,
        ratio: m('engine') / m('torch'),
        goal: engineGoal === null ? 'report' : `≤ ${engineGoal}×`,
        met: engineGoal === null ? null : m('engine') / m('torch') <= engineGoal,
      },
      {
        benchmark: 'mlp',
        figure: `library gradients(body), batch ${B}: ${fmtMs(m('library'))} ms`,
        baseline: `PyTorch whole call (torch.tensor(list) … .tolist()): ${fmtMs(m('torch whole call'))} ms`,
        ratio: m('library') / m('torch whole call'),
        goal: `≤ ${TORCH_LIBRARY_GOAL}×`,
        met: m('library') / m('torch whole call') <= TORCH_LIBRARY_GOAL,
      },
    );
  }
}
emitResults(rows);
