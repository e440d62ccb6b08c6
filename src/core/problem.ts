/**
 * Compiles each problem spec of the contract (graph nodes, expr text, neuron, network) into
 * one CompiledGraph, with error paths that point into the spec the user wrote.
 */
import { specError } from './errors.js';
import { parseExpr } from './expr.js';
import { type CompiledGraph, type GraphDraft, type LayerIds, type LeafDraft, type NodeDraft, compile } from './graph.js';
import { DEFAULT_ACTIVATION, DEFAULT_LOSS, type GraphSpec, type NetworkSpec, type NeuronSpec } from './spec.js';

/** A request body that names exactly one spec (the others undefined). */
export type ProblemFields = { graph?: GraphSpec; neuron?: NeuronSpec; network?: NetworkSpec };

export function compileProblem(problem: ProblemFields): CompiledGraph {
  const given = (['graph', 'neuron', 'network'] as const).filter((k) => problem[k] !== undefined);
  if (given.length !== 1) throw specError('INVALID_SPEC', '', 'give exactly one problem spec: graph, neuron or network');
  if (problem.graph) return compile(graphDraft(problem.graph));
  if (problem.neuron) return compile(neuronDraft(problem.neuron));
  return compile(networkDraft(problem.network!));
}

function leavesOf(map: Record<string, unknown> | undefined, kind: 'input' | 'param', path: string): LeafDraft[] {
  if (!map) return [];
  // Object.keys lists own keys only, so ids like __proto__ are read as data, never as prototypes.
  return Object.keys(map).map((id) => ({ id, kind, value: map[id], path: `${path}.${id}` }));
}

export function graphDraft(spec: GraphSpec): GraphDraft {
  const leaves = [...leavesOf(spec.inputs, 'input', 'graph.inputs'), ...leavesOf(spec.params, 'param', 'graph.params')];
  if ((spec.nodes === undefined) === (spec.expr === undefined)) {
    throw specError('INVALID_SPEC', 'graph', 'a graph gives exactly one of nodes or expr');
  }
  let nodes: NodeDraft[];
  let output = spec.output;
  if (spec.expr !== undefined) {
    const parsed = parseExpr(spec.expr, 'graph.expr');
    nodes = parsed.nodes.map((n) => ({ ...n, path: 'graph.expr' }));
    output ??= parsed.output;
  } else {
    nodes = spec.nodes!.map((n, i) => ({
      id: n.id,
      op: n.op,
      args: n.args,
      attrs: n.attrs,
      path: `graph.nodes[${i}]`,
      fieldPaths: true,
    }));
  }
  return { leaves, nodes, output, outputPath: 'graph.output' };
}

/** x, y inputs; w, b params; u = w*x (a dot product for vectors), z = u + b, y_hat = act(z), L = loss(y_hat, y). */
export function neuronDraft(spec: NeuronSpec): GraphDraft {
  const vector = Array.isArray(spec.x);
  if (vector !== Array.isArray(spec.w)) {
    throw specError('SHAPE_MISMATCH', 'neuron.w', 'x and w must both be numbers or both be vectors of one length');
  }
  if (vector && (spec.x as number[]).length !== (spec.w as number[]).length) {
    throw specError('SHAPE_MISMATCH', 'neuron.w', `w has ${(spec.w as number[]).length} elements but x has ${(spec.x as number[]).length}`);
  }
  const activation = spec.activation ?? DEFAULT_ACTIVATION;
  return {
    leaves: [
      { id: 'x', kind: 'input', value: spec.x, path: 'neuron.x' },
      { id: 'y', kind: 'input', value: spec.y, path: 'neuron.y' },
      { id: 'w', kind: 'param', value: spec.w, path: 'neuron.w' },
      { id: 'b', kind: 'param', value: spec.b, path: 'neuron.b' },
    ],
    nodes: [
      { id: 'u', op: vector ? 'matmul' : 'mul', args: ['w', 'x'], path: 'neuron.w' },
      { id: 'z', op: 'add', args: ['u', 'b'], path: 'neuron.b' },
      { id: 'y_hat', op: activation, args: ['z'], path: 'neuron.activation' },
      { id: 'L', op: spec.loss ?? DEFAULT_LOSS, args: ['y_hat', 'y'], path: 'neuron.loss' },
    ],
    outputPath: 'neuron',
  };
}

/** z_k = linear(a_{k-1}, W_k, b_k), a_k = act_k(z_k) with a_0 = x, L = loss(a_N, y). */
export function networkDraft(spec: NetworkSpec): GraphDraft {
  if (spec.layers.length === 0) throw specError('INVALID_SPEC', 'network.layers', 'a network needs at least one layer');
  const leaves: LeafDraft[] = [
    { id: 'x', kind: 'input', value: spec.x, path: 'network.x' },
    { id: 'y', kind: 'input', value: spec.y, path: 'network.y' },
  ];
  const nodes: NodeDraft[] = [];
  const layers: LayerIds[] = [];
  let a = 'x';
  spec.layers.forEach((layer, i) => {
    const k = i + 1;
    const ids: LayerIds = { W: `W${k}`, b: `b${k}`, z: `z${k}`, a: `a${k}` };
    leaves.push(
      { id: ids.W, kind: 'param', value: layer.W, path: `network.layers[${i}].W` },
      { id: ids.b, kind: 'param', value: layer.b, path: `network.layers[${i}].b` },
    );
    nodes.push(
      { id: ids.z, op: 'linear', args: [a, ids.W, ids.b], path: `network.layers[${i}]` },
      { id: ids.a, op: layer.activation ?? DEFAULT_ACTIVATION, args: [ids.z], path: `network.layers[${i}].activation` },
    );
    layers.push(ids);
    a = ids.a;
  });
  nodes.push({ id: 'L', op: spec.loss ?? DEFAULT_LOSS, args: [a, 'y'], path: 'network.loss' });
  return { leaves, nodes, outputPath: 'network', layers };
}
