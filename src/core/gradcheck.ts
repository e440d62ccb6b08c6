/**
 * The central finite-difference check: for every element of every checked leaf,
 * numeric = (L(x + eps) - L(x - eps)) / (2 eps) against backprop's analytic gradient.
 * Where the two evaluations put the input of a relu, abs or leaky_relu on opposite sides of 0
 * the check straddles a kink: finite differences are not a derivative there, and the result
 * says so instead of failing mysteriously.
 */
import { specError } from '../engine/errors.js';
import { type Values, backward, forward } from '../engine/evaluate.js';
import type { CompiledGraph } from '../engine/compile.js';
import { elementIndex, tensor } from '../engine/tensor.js';

export interface GradcheckOptions {
  epsilon: number;
  /** Leaf ids to check; all params by default. */
  wrt?: readonly string[];
  rtol: number;
  atol: number;
}

export interface GradcheckResult {
  id: string;
  index: number[];
  analytic: number;
  numeric: number;
  lossPlus: number;
  lossMinus: number;
  absError: number;
  /** absError / max(|analytic|, |numeric|), 0 when both are 0. */
  relError: number;
  pass: boolean;
  /** Ids of the kinked nodes (relu, abs, leaky_relu) whose input crosses 0 between x - eps and x + eps. */
  kinks: string[];
}

export interface GradcheckReport {
  pass: boolean;
  maxAbsError: number;
  maxRelError: number;
  results: GradcheckResult[];
}

export const GRADCHECK_DEFAULTS = { epsilon: 1e-4, rtol: 1e-3, atol: 1e-5 } as const;

export function checkedSlots(g: CompiledGraph, wrt: readonly string[] | undefined): number[] {
  if (!wrt) return [...g.params];
  return wrt.map((id, i) => {
    const slot = g.slotOf.get(id);
    if (slot === undefined) throw specError('UNKNOWN_ID', `wrt[${i}]`, `unknown id '${id}'`);
    if (g.kinds[slot] === 'node') throw specError('INVALID_SPEC', `wrt[${i}]`, `'${id}' is a node: gradcheck perturbs leaves (inputs or params)`);
    return slot;
  });
}

/** Kinked nodes whose input element changes sign (or touches 0) between the two evaluations. */
function straddledKinks(g: CompiledGraph, plus: Values, minus: Values): string[] {
  const hit: string[] = [];
  for (const node of g.tape) {
    if (!node.def.kinkAtZero) continue;
    const a = plus[node.args[0]].data, b = minus[node.args[0]].data;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i] && a[i] * b[i] <= 0) {
        hit.push(node.id);
        break;
      }
    }
  }
  return hit;
}

export function gradcheck(g: CompiledGraph, options: GradcheckOptions): GradcheckReport {
  const { epsilon, rtol, atol } = options;
  const slots = checkedSlots(g, options.wrt);
  const analytic = backward(g, forward(g));
  const results: GradcheckResult[] = [];
  for (const s of slots) {
    const base = g.leafValues[s]!;
    for (let i = 0; i < base.data.length; i++) {
      const evaluateWith = (delta: number): Values => {
        const data = Float64Array.from(base.data);
        data[i] += delta;
        const leaves = g.leafValues.slice();
        leaves[s] = tensor(base.shape, data);
        return forward(g, leaves);
      };
      const plus = evaluateWith(epsilon);
      const minus = evaluateWith(-epsilon);
      const lossPlus = plus[g.output].data[0];
      const lossMinus = minus[g.output].data[0];
      const numeric = (lossPlus - lossMinus) / (2 * epsilon);
      const a = analytic[s].data[i];
      const absError = Math.abs(a - numeric);
      const scale = Math.max(Math.abs(a), Math.abs(numeric));
      results.push({
        id: g.ids[s]!,
        index: elementIndex(base.shape, i),
        analytic: a,
        numeric,
        lossPlus,
        lossMinus,
        absError,
        relError: scale === 0 ? 0 : absError / scale,
        pass: absError <= atol + rtol * Math.abs(numeric),
        kinks: straddledKinks(g, plus, minus),
      });
    }
  }
  return {
    pass: results.every((r) => r.pass),
    maxAbsError: results.reduce((m, r) => Math.max(m, r.absError), 0),
    maxRelError: results.reduce((m, r) => Math.max(m, r.relError), 0),
    results,
  };
}
