/**
 * Bounds on the work one request may ask for, so that no request can hang the service: the
 * size of any one tensor, the number of nodes, and the total work (element operations summed
 * over the tape, times the number of passes the operation makes).
 */
import { specError } from './errors.js';
import type { CompiledGraph } from './compile.js';
import { sizeOf } from './tensor.js';

export interface Limits {
  maxNodes: number;
  maxElements: number;
  /** Element operations, summed over all passes. */
  maxWork: number;
}

export const DEFAULT_LIMITS: Limits = { maxNodes: 200_000, maxElements: 1_000_000, maxWork: 200_000_000 };

/** Element operations of one forward (or backward) pass, counting a matmul as m*n*p. */
export function passWork(g: CompiledGraph): number {
  let work = 0;
  for (const node of g.tape) {
    work += sizeOf(g.shapes[node.slot]);
    for (const s of node.args) work += sizeOf(g.shapes[s]);
    if (node.op === 'matmul' || node.op === 'linear') {
      const [a, b] = node.args.map((s) => g.shapes[s]);
      work += sizeOf(a) * (node.op === 'matmul' ? (b.length === 2 ? b[1] : 1) : b[0]);
    }
  }
  return work;
}

/** Refuses a graph whose `passes` forward/backward passes would exceed the limits. */
export function checkLimits(g: CompiledGraph, passes: number, limits: Limits): void {
  if (g.tape.length > limits.maxNodes) {
    throw specError('TOO_LARGE', g.outputPath.split('.')[0], `${g.tape.length} nodes is more than the limit of ${limits.maxNodes}`);
  }
  for (const node of g.tape) {
    const n = sizeOf(g.shapes[node.slot]);
    if (n > limits.maxElements) {
      throw specError('TOO_LARGE', node.path, `'${node.id}' would hold ${n} elements, more than the limit of ${limits.maxElements}`);
    }
  }
  const work = passWork(g) * passes;
  if (work > limits.maxWork) {
    throw specError('TOO_LARGE', g.outputPath.split('.')[0], `this request needs about ${work} element operations, more than the limit of ${limits.maxWork}: use fewer steps, fewer checked elements or a smaller graph`);
  }
}
