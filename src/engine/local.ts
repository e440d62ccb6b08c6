/**
 * Local derivatives of a scalar graph: for each node and each arg that is an id, d node / d arg
 * at the forward values. They are the ops' own vector-Jacobian products with an incoming
 * gradient of 1, so there is no second derivative table to keep in step.
 */
import type { CompiledGraph } from './compile.js';
import type { Values } from './evaluate.js';
import { scalar } from './tensor.js';

export interface LocalDerivative {
  of: string;
  wrt: string;
  /** Position of the arg in the node's args (an id may appear twice: mul(x, x)). */
  arg: number;
  value: number;
}

export const isScalarGraph = (g: CompiledGraph): boolean => g.shapes.every((s) => s.length === 0);

export function localDerivatives(g: CompiledGraph, values: Values): LocalDerivative[] {
  const one = scalar(1);
  const out: LocalDerivative[] = [];
  for (const node of g.tape) {
    const d = node.def.vjp(one, node.args.map((s) => values[s]), values[node.slot], node.attrs);
    node.args.forEach((s, j) => {
      if (g.kinds[s] !== 'const') out.push({ of: node.id, wrt: g.ids[s]!, arg: j, value: d[j].data[0] });
    });
  }
  return out;
}
