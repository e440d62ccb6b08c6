/** A multi-layer perceptron as a graph draft: one linear node and one activation per layer. */
import { specError } from '../engine/errors.js';
import type { GraphDraft, LeafDraft, NodeDraft } from '../engine/compile.js';
import type { LayerIds } from '../engine/tape.js';
import { DEFAULT_ACTIVATION, DEFAULT_LOSS, type NetworkSpec } from './spec.js';

/** z_k = linear(a_{k-1}, W_k, b_k), a_k = act_k(z_k) with a_0 = x, L = loss(a_N, y). */
export function networkDraft(spec: NetworkSpec): GraphDraft {
  if (spec.layers.length === 0) throw specError('INVALID_SPEC', 'network.layers', 'a network needs at least one layer');
  const leaves: LeafDraft[] = [
    { id: 'x', kind: 'input', value: spec.x, path: 'network.x' },
    { id: 'y', kind: 'input', value: spec.y, path: 'network.y' },
  ];
  const nodes: NodeDraft[] = [];
  const paths: string[] = [];
  const layers: LayerIds[] = [];
  let a = 'x';
  spec.layers.forEach((layer, i) => {
    const k = i + 1;
    const ids: LayerIds = { W: `W${k}`, b: `b${k}`, z: `z${k}`, a: `a${k}` };
    leaves.push(
      { id: ids.W, kind: 'param', value: layer.W, path: `network.layers[${i}].W` },
      { id: ids.b, kind: 'param', value: layer.b, path: `network.layers[${i}].b` },
    );
    nodes.push({ id: ids.z, op: 'linear', args: [a, ids.W, ids.b] }, { id: ids.a, op: layer.activation ?? DEFAULT_ACTIVATION, args: [ids.z] });
    paths.push(`network.layers[${i}]`, `network.layers[${i}].activation`);
    layers.push(ids);
    a = ids.a;
  });
  nodes.push({ id: 'L', op: spec.loss ?? DEFAULT_LOSS, args: [a, 'y'] });
  paths.push('network.loss');
  return { leaves, nodes, paths: { kind: 'each', paths }, outputPath: 'network', layers };
}
