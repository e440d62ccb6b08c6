/**
 * Requests whose compute takes seconds, built from sizes rather than timed: a gradcheck over a
 * scalar chain n_k = n_(k-1) + w_(k mod params) makes 2 * params + 2 passes over `nodes` nodes.
 */
export function gradcheckChain(nodes: number, params: number) {
  const p = Object.fromEntries(Array.from({ length: params }, (_, i) => [`w${i}`, 0.001 * i]));
  const chain = Array.from({ length: nodes }, (_, k) => ({
    id: `n${k}`,
    op: 'add',
    args: [k === 0 ? 'x' : `n${k - 1}`, `w${k % params}`],
  }));
  return { graph: { inputs: { x: 1 }, params: p, nodes: chain } };
}

/** About 130 million node evaluations: seconds on a 2-core machine, within a 1 MB body. */
export const HEAVY = gradcheckChain(16_000, 4_000);
