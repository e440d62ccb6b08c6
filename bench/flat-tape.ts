/**
 * The baseline of the DAG benchmarks: a hand-written flat tape of the random DAG (helpers.ts).
 * Op codes in a Uint8Array, args in two Int32Arrays, values and gradients in Float64Arrays, one
 * switch with the arithmetic written inline: what a tape specialised to these five ops costs,
 * with nothing generic about it. The arrays come in as parameters, as a tape built per request
 * would (not module constants V8 could specialise on), and each pass allocates its own arena,
 * as the engine's does.
 *
 * The case labels are literals (helpers.ts's op codes 0..4), as in the engine's generated loops:
 * written with the codes imported from helpers.ts as labels, this loop ran four times slower.
 *
 * The arithmetic is the engine's, operation for operation (src/engine/ops.ts): sigmoid is
 * 1 / (1 + e^-x), its derivative y(1 - y); tanh's is 1 - y^2; the backward pass adds g · dy/dx
 * into each arg's gradient, from the last node back.
 */
import type { Dag } from './helpers.js';

/** Values of every slot: the leaves, then node k at `leaves.length + k`. */
export function flatForward(
  op: Uint8Array,
  a: Int32Array,
  b: Int32Array,
  leaves: Float64Array,
  n: number,
): Float64Array {
  const L = leaves.length;
  const v = new Float64Array(L + n);
  v.set(leaves);
  for (let k = 0; k < n; k++) {
    const x = v[a[k]];
    let y: number;
    switch (op[k]) {
      case 0: // add
        y = x + v[b[k]];
        break;
      case 1: // mul
        y = x * v[b[k]];
        break;
      case 2: // sub
        y = x - v[b[k]];
        break;
      case 3: // tanh
        y = Math.tanh(x);
        break;
      case 4: // sigmoid
        y = 1 / (1 + Math.exp(-x));
        break;
      default:
        y = NaN;
    }
    v[L + k] = y;
  }
  return v;
}

/** d(slot `output`)/d(every slot), from the forward values. */
export function flatBackward(
  op: Uint8Array,
  a: Int32Array,
  b: Int32Array,
  v: Float64Array,
  leafCount: number,
  n: number,
  output: number,
): Float64Array {
  const g = new Float64Array(v.length);
  g[output] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const s = leafCount + k;
    const gy = g[s];
    if (gy === 0) continue; // nothing to pass on (the engine skips the nodes the output does not reach)
    const i = a[k];
    switch (op[k]) {
      case 0: // add
        g[i] += gy;
        g[b[k]] += gy;
        break;
      case 1: {
        // mul
        const j = b[k];
        g[i] += gy * v[j];
        g[j] += gy * v[i];
        break;
      }
      case 2: // sub
        g[i] += gy;
        g[b[k]] -= gy;
        break;
      case 3: {
        // tanh
        const y = v[s];
        g[i] += gy * (1 - y * y);
        break;
      }
      case 4: {
        // sigmoid
        const y = v[s];
        g[i] += gy * (y * (1 - y));
        break;
      }
    }
  }
  return g;
}

/**
 * The backward pass with every local derivative replaced by its magnitude: for each slot, the sum
 * of the magnitudes of the terms its gradient adds up. Two correct evaluations that add those
 * terms in different orders (the engine runs the nodes in its own topological order) differ by
 * a few ulps of this, not of the gradient, which can be small after cancellation. Checks only.
 */
export function flatGradientMagnitudes(dag: Dag, v: Float64Array): Float64Array {
  const { op, a, b, n } = dag;
  const L = dag.leafValues.length;
  const g = new Float64Array(v.length);
  g[L + n - 1] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const s = L + k;
    const gy = g[s];
    const i = a[k],
      j = b[k];
    const y = v[s];
    switch (op[k]) {
      case 0: // add
      case 2: // sub
        g[i] += gy;
        g[j] += gy;
        break;
      case 1: // mul
        g[i] += gy * Math.abs(v[j]);
        g[j] += gy * Math.abs(v[i]);
        break;
      case 3: // tanh
        g[i] += gy * Math.abs(1 - y * y);
        break;
      case 4: // sigmoid
        g[i] += gy * Math.abs(y * (1 - y));
        break;
    }
  }
  return g;
}

/** Forward then backward of the whole DAG, d(last node)/d(every slot). */
export function flatGradients(dag: Dag): { values: Float64Array; grads: Float64Array } {
  const values = flatForward(dag.op, dag.a, dag.b, dag.leafValues, dag.n);
  const L = dag.leafValues.length;
  const grads = flatBackward(dag.op, dag.a, dag.b, values, L, dag.n, L + dag.n - 1);
  return { values, grads };
}

/**
 * Checks an evaluation of the DAG (values and gradients arenas numbered as the flat tape's
 * slots) against the flat tape: the same values (bit for bit: each node's value depends only on
 * its args) and the same gradients to 1e-12 relative, relative to the magnitude of the terms
 * each gradient sums (see flatGradientMagnitudes). Throws on a mismatch; returns what it found.
 */
export function compareWithFlat(dag: Dag, values: Float64Array, grads: Float64Array): string {
  const ref = flatGradients(dag);
  const slots = ref.values.length;
  let valueDiffs = 0;
  for (let s = 0; s < slots; s++) if (values[s] !== ref.values[s]) valueDiffs++;
  if (valueDiffs) throw new Error(`${valueDiffs} values differ from the flat tape's`);
  const scale = flatGradientMagnitudes(dag, ref.values);
  let worst = 0,
    worstAt = -1,
    plainRel = 0,
    nonzero = 0;
  for (let s = 0; s < slots; s++) {
    const d = Math.abs(grads[s] - ref.grads[s]);
    if (!(d <= 1e-12 * scale[s]))
      throw new Error(
        `gradient of slot ${s}: ${grads[s]} vs the flat tape's ${ref.grads[s]} (terms of magnitude ${scale[s]})`,
      );
    if (scale[s] > 0 && d / scale[s] > worst) {
      worst = d / scale[s];
      worstAt = s;
    }
    if (d > 0) plainRel = Math.max(plainRel, d / Math.max(Math.abs(grads[s]), Math.abs(ref.grads[s])));
    if (ref.grads[s] !== 0) nonzero++;
  }
  return (
    `output ${values[slots - 1]} and all ${slots} values identical; gradients (${nonzero} nonzero) within ` +
    `${worst.toExponential(1)} of their terms' magnitude (limit 1e-12${worstAt >= 0 ? `, worst at slot ${worstAt}` : ''}; ` +
    `plain relative difference up to ${plainRel.toExponential(1)}, where terms cancel)`
  );
}
