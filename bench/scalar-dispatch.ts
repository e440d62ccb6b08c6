/**
 * scalar-dispatch: how an all-scalar tape should call its op kernels, on the 1,000,000-node
 * random DAG's compiled tape (forward + backward; the comparison src/engine/scalar-loop.ts cites).
 * - generated: the engine's loops (scalar-loop.ts): a switch whose every case calls one op's
 *   scalar kernel from its own call site, so each site sees one function and V8 inlines it.
 * - megamorphic: the same loops over the same tape and the same kernels (the op table's), but
 *   every node's kernel called through an array of functions, `f[op[k]](a, b, p)`: one call site
 *   that sees every op.
 * - flat: the hand-written flat tape (flat-tape.ts), arithmetic inline, no kernels at all.
 * All three run in one process, alternating, after a check that they agree. No goal: ratios.
 *
 *   npx tsx bench/scalar-dispatch.ts [nodes]        (npm run bench:scalar-dispatch)
 */
import { DEFAULT_LIMITS } from '../src/engine/limits.js';
import { opList } from '../src/engine/ops.js';
import { scalarBackward, scalarForward } from '../src/engine/scalar-loop.js';
import type { Tape } from '../src/engine/tape.js';
import { compileSpec } from '../src/specs/index.js';
import { compareWithFlat, flatGradients } from './flat-tape.js';
import { dagBody, describeMs, emitResults, fmtMs, fmtRatio, header, interleave, median, randomDag } from './helpers.js';

const n = Number(process.argv[2] ?? 1_000_000);

type F = (a: number, b: number, p: number) => number;
type D = (a: number, b: number, y: number, p: number) => number;

/** The op table's scalar kernels by op code (an op without one never reaches an all-scalar tape). */
const missing = (): number => NaN;
const kernels = {
  f: opList.map((d) => d.scalar?.f ?? missing) as F[],
  da: opList.map((d) => d.scalar?.da ?? missing) as D[],
  db: opList.map((d) => d.scalar?.db ?? missing) as D[],
  arity: Uint8Array.from(opList, (d) => d.args.length),
};
type Kernels = typeof kernels;

/** A node's first attr (its kernel's p), 0 where its op has none; its second arg, its first again for a one-arg op. */
const pOf = (attrs: Float64Array, attrAt: Int32Array, k: number): number =>
  attrAt[k] < attrAt[k + 1] ? attrs[attrAt[k]] : 0;
const secondOf = (args: Int32Array, argAt: Int32Array, k: number): number =>
  args[argAt[k + 1] - argAt[k] > 1 ? argAt[k] + 1 : argAt[k]];

function megamorphicForward(tape: Tape, v: Float64Array, f: F[]): void {
  const { op, args, argAt, attrs, attrAt, nodeSlot, nodeCount: n } = tape;
  for (let k = 0; k < n; k++) {
    v[nodeSlot[k]] = f[op[k]](v[args[argAt[k]]], v[secondOf(args, argAt, k)], pOf(attrs, attrAt, k));
  }
}

function megamorphicBackward(tape: Tape, v: Float64Array, g: Float64Array, reach: Uint8Array, k: Kernels): void {
  const { op, args, argAt, attrs, attrAt, nodeSlot, nodeCount: n } = tape;
  const { da, db, arity } = k;
  for (let k = n - 1; k >= 0; k--) {
    const s = nodeSlot[k];
    if (reach[s] === 0) continue;
    const i = args[argAt[k]],
      j = secondOf(args, argAt, k);
    const gy = g[s],
      a = v[i],
      b = v[j],
      y = v[s],
      p = pOf(attrs, attrAt, k),
      o = op[k];
    g[i] += gy * da[o](a, b, y, p);
    if (arity[o] === 2) g[j] += gy * db[o](a, b, y, p);
    reach[i] = 1;
    reach[j] = 1;
  }
}

/** Forward and backward as evaluate.ts runs an all-scalar tape (same allocations), with the given loops. */
function generated(tape: Tape): Float64Array {
  const v = tape.initial.slice();
  const { op, args, argAt, attrs, attrAt, nodeSlot, nodeCount } = tape;
  scalarForward(v, op, args, argAt, attrs, attrAt, nodeSlot, nodeCount);
  const g = new Float64Array(v.length);
  g[tape.output] = 1;
  const reach = new Uint8Array(tape.slotCount);
  reach[tape.output] = 1;
  scalarBackward(v, g, reach, op, args, argAt, attrs, attrAt, nodeSlot, nodeCount);
  return g;
}

function megamorphic(tape: Tape, k: Kernels): Float64Array {
  const v = tape.initial.slice();
  megamorphicForward(tape, v, k.f);
  const g = new Float64Array(v.length);
  g[tape.output] = 1;
  const reach = new Uint8Array(tape.slotCount);
  reach[tape.output] = 1;
  megamorphicBackward(tape, v, g, reach, k);
  return g;
}

header(`scalar-dispatch: ${n.toLocaleString('en-US')}-node random DAG, forward + backward`);
const dag = randomDag(n);
const tape = compileSpec(dagBody(dag), { ...DEFAULT_LIMITS, maxNodes: Infinity, maxWork: Infinity });

// Check: all three agree (the values of the generated and megamorphic loops are read back too).
const valuesOf = (forwardLoop: (v: Float64Array) => void): Float64Array => {
  const v = tape.initial.slice();
  forwardLoop(v);
  return v;
};
const vGen = valuesOf((v) =>
  scalarForward(v, tape.op, tape.args, tape.argAt, tape.attrs, tape.attrAt, tape.nodeSlot, tape.nodeCount),
);
const vMega = valuesOf((v) => megamorphicForward(tape, v, kernels.f));
console.log(`  check generated: ${compareWithFlat(dag, vGen, generated(tape))}`);
console.log(`  check megamorphic: ${compareWithFlat(dag, vMega, megamorphic(tape, kernels))}`);

const ms = interleave(
  { generated: () => generated(tape), megamorphic: () => megamorphic(tape, kernels), flat: () => flatGradients(dag) },
  { warmup: 3, reps: 11 },
);
const g = median(ms.generated),
  m = median(ms.megamorphic),
  f = median(ms.flat);
console.log(`  generated switch (engine): ${describeMs(ms.generated)}`);
console.log(`  megamorphic kernels[op]:   ${describeMs(ms.megamorphic)}`);
console.log(`  flat tape (inline):        ${describeMs(ms.flat)}`);
console.log(
  `  megamorphic / generated ${fmtRatio(m / g)}, generated / flat ${fmtRatio(g / f)}, megamorphic / flat ${fmtRatio(m / f)}`,
);

emitResults([
  {
    benchmark: 'scalar-dispatch',
    figure: `generated switch (engine): ${fmtMs(g)} ms`,
    baseline: `megamorphic kernels[op]: ${fmtMs(m)} ms`,
    ratio: m / g,
    goal: 'report (megamorphic / generated)',
    met: null,
  },
  {
    benchmark: 'scalar-dispatch',
    figure: `generated switch (engine): ${fmtMs(g)} ms`,
    baseline: `flat tape: ${fmtMs(f)} ms`,
    ratio: g / f,
    goal: 'report (generated / flat)',
    met: null,
  },
]);
