/**
 * Deep and wide graphs through the core, forward and backward: a 1,000,000-node scalar chain
 * (alternately x <- sin(x) and x <- x + w) and a 200,000-node random DAG. Neither may
 * overflow the stack. Times are wall-clock on this machine, so the baseline is a plain loop
 * that computes the same chain's values (forward only) in the same process.
 *
 *   npm run bench            (or: npx tsx bench/deep-graphs.ts [chainLength] [dagNodes])
 */
import { performance } from 'node:perf_hooks';
import { backward, forward } from '../src/engine/evaluate.js';
import { compileProblem } from '../src/problems/index.js';
import { slotOf } from '../src/engine/tape.js';
import { DEFAULT_LIMITS } from '../src/engine/limits.js';
import type { NodeSpec } from '../src/problems/spec.js';

const chainLength = Number(process.argv[2] ?? 1_000_000);
const dagNodes = Number(process.argv[3] ?? 200_000);

function time<T>(label: string, f: () => T): { result: T; ms: number } {
  const t0 = performance.now();
  const result = f();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms`);
  return { result, ms };
}

function chain(n: number): NodeSpec[] {
  const nodes: NodeSpec[] = [];
  let prev = 'x';
  for (let k = 1; k <= n; k++) {
    const id = `n${k}`;
    nodes.push(k % 2 ? { id, op: 'sin', args: [prev] } : { id, op: 'add', args: [prev, 'w'] });
    prev = id;
  }
  return nodes;
}

/**
 * Pairs of nodes: a binary op of two earlier ids chosen at random (a seeded LCG, so every run
 * builds the same DAG), then tanh of it, which keeps every value bounded.
 */
function randomDag(n: number): NodeSpec[] {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const binary = ['add', 'mul', 'sub'] as const;
  const bounded = ['x', 'w'];
  const nodes: NodeSpec[] = [];
  for (let k = 0; k < n / 2; k++) {
    const a = bounded[Math.floor(rand() * bounded.length)];
    const b = bounded[Math.max(0, bounded.length - 1 - Math.floor(rand() * 8))];
    nodes.push({ id: `p${k}`, op: binary[k % 3], args: [a, b] }, { id: `t${k}`, op: 'tanh', args: [`p${k}`] });
    bounded.push(`t${k}`);
  }
  // A sum over a sample of the nodes, so that most of the DAG reaches the output.
  let acc = 't0';
  for (let k = 1; k < n / 2; k += 500) {
    nodes.push({ id: `s${k}`, op: 'add', args: [acc, `t${k}`] });
    acc = `s${k}`;
  }
  return nodes;
}

function run(label: string, nodes: NodeSpec[]): void {
  console.log(`\n${label}: ${nodes.length} nodes`);
  const { result: g } = time('compile (validate, topological order, shapes)', () =>
    compileProblem({ graph: { inputs: { x: 0.3 }, params: { w: 0.9 }, nodes } }, { ...DEFAULT_LIMITS, maxNodes: Infinity, maxWork: Infinity }),
  );
  const { result: values } = time('forward', () => forward(g));
  const { result: grads } = time('backward', () => backward(g, values));
  console.log(`output ${values[g.offset[g.output]]}, dOut/dx ${grads[g.offset[slotOf(g, 'x')!]]}, dOut/dw ${grads[g.offset[slotOf(g, 'w')!]]}`);
}

console.log(`node ${process.version}`);
const chainNodes = chain(chainLength);
const { ms: baseline } = time('baseline: plain loop over the chain values', () => {
  let x = 0.3;
  for (let k = 1; k <= chainLength; k++) x = k % 2 ? Math.sin(x) : x + 0.9;
  return x;
});
run('scalar chain', chainNodes);
run('random DAG', randomDag(dagNodes));
console.log(`\n(baseline ${baseline.toFixed(1)} ms is the floor a tape cannot beat: no validation, no tensors, no gradients)`);
