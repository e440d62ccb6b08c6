/**
 * Deep and wide graphs through the core, forward and backward: a 1,000,000-node scalar chain
 * (x_{k+1} = sin(x_k) + 0.5 * x_k, alternating ops) and a 200,000-node random DAG. Neither may
 * overflow the stack. Times are wall-clock on this machine, so the baseline is a plain loop
 * that computes the same chain's values (forward only) in the same process.
 *
 *   npm run bench            (or: npx tsx bench/deep-graphs.ts [chainLength] [dagNodes])
 */
import { performance } from 'node:perf_hooks';
import { backward, forward } from '../src/core/evaluate.js';
import { compileProblem } from '../src/core/problem.js';
import type { NodeSpec } from '../src/core/spec.js';

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
    nodes.push(k % 2 ? { id, op: 'sin', args: [prev] } : { id, op: 'mul', args: [prev, 'w'] });
    prev = id;
  }
  return nodes;
}

/** Each node combines two earlier ids chosen at random (a seeded LCG, so every run is the same DAG). */
function randomDag(n: number): NodeSpec[] {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const ops = ['add', 'mul', 'sub'] as const;
  const ids = ['x', 'w'];
  const nodes: NodeSpec[] = [];
  for (let k = 0; k < n; k++) {
    const id = `d${k}`;
    const a = ids[Math.floor(rand() * ids.length)];
    const b = ids[Math.max(0, ids.length - 1 - Math.floor(rand() * 8))];
    nodes.push(k % 5 === 4 ? { id, op: 'tanh', args: [a] } : { id, op: ops[k % 3], args: [a, b] });
    ids.push(id);
  }
  // Sum everything so that every node reaches the output.
  let acc = nodes[0].id;
  for (let k = 1; k < n; k += 1000) {
    nodes.push({ id: `s${k}`, op: 'add', args: [acc, nodes[k].id] });
    acc = `s${k}`;
  }
  nodes.push({ id: 'out', op: 'tanh', args: [acc] });
  return nodes;
}

function run(label: string, nodes: NodeSpec[]): void {
  console.log(`\n${label}: ${nodes.length} nodes`);
  const { result: g } = time('compile (validate, topological order, shapes)', () =>
    compileProblem({ graph: { inputs: { x: 0.3 }, params: { w: 0.9 }, nodes } }),
  );
  const { result: values } = time('forward', () => forward(g));
  const { result: grads } = time('backward', () => backward(g, values));
  console.log(`output ${values[g.output].data[0]}, dOut/dx ${grads[g.slotOf.get('x')!].data[0]}, dOut/dw ${grads[g.slotOf.get('w')!].data[0]}`);
}

console.log(`node ${process.version}`);
const chainNodes = chain(chainLength);
const { ms: baseline } = time('baseline: plain loop over the chain values', () => {
  let x = 0.3;
  for (let k = 1; k <= chainLength; k++) x = k % 2 ? Math.sin(x) : x * 0.9;
  return x;
});
run('scalar chain', chainNodes);
run('random DAG', randomDag(dagNodes));
console.log(`\n(baseline ${baseline.toFixed(1)} ms is the floor a tape cannot beat: no validation, no tensors, no gradients)`);
