/** A multi-layer perceptron as a graph draft: one linear node and one activation per layer. */
import { say } from '../text.js';
import { specError } from '../engine/errors.js';
import type { GraphDraft, LeafDraft, NodeDraft } from '../engine/compile.js';
import type { LayerIds } from '../engine/tape.js';
import { type Shape, sameShape, shapeText, sizeOf } from '../engine/tensor.js';
import { DEFAULT_ACTIVATION, DEFAULT_LOSS, type NetworkSpec } from './spec.js';

/** z_k = linear(a_{k-1}, W_k, b_k), a_k = act_k(z_k) with a_0 = x, L = loss(a_N, y). */
export function networkDraft(spec: NetworkSpec): GraphDraft {
  if (spec.layers.length === 0)
    throw specError(
      'INVALID_SPEC',
      'network.layers',
      say('a network needs at least one layer', 'uma rede precisa de pelo menos uma camada'),
    );
  checkTarget(spec);
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
    nodes.push(
      { id: ids.z, op: 'linear', args: [a, ids.W, ids.b] },
      { id: ids.a, op: layer.activation ?? DEFAULT_ACTIVATION, args: [ids.z] },
    );
    paths.push(`network.layers[${i}]`, `network.layers[${i}].activation`);
    layers.push(ids);
    a = ids.a;
  });
  nodes.push({ id: 'L', op: spec.loss ?? DEFAULT_LOSS, args: [a, 'y'] });
  paths.push('network.loss');
  return { leaves, nodes, paths: { kind: 'each', paths }, outputPath: 'network', layers };
}

/** The shape of a JSON value that is a number, a list of numbers or a list of equal-length lists; undefined for anything else (compile reports it). */
function shapeOfJson(value: unknown): Shape | undefined {
  if (typeof value === 'number') return [];
  if (!Array.isArray(value) || value.length === 0) return undefined;
  if (!Array.isArray(value[0])) return [value.length];
  const cols = (value[0] as unknown[]).length;
  return value.every((row) => Array.isArray(row) && row.length === cols) ? [value.length, cols] : undefined;
}

/**
 * The target y has the output's shape: [n_out] for one example, [B, n_out] for a batch. The loss
 * would broadcast a target of another shape against the output and compare the wrong numbers
 * (`[[1, 0]]` for one output, `[[1], [0]]` for one example), so it is refused rather than
 * computed. A number is taken for an output of one number.
 */
function checkTarget(spec: NetworkSpec): void {
  const x = shapeOfJson(spec.x);
  const y = shapeOfJson(spec.y);
  const last = spec.layers[spec.layers.length - 1].W;
  if (!x || !y || x.length === 0 || !Array.isArray(last)) return;
  const output = x.length === 1 ? [last.length] : [x[0], last.length];
  if (sameShape(y, output) || (y.length === 0 && sizeOf(output) === 1)) return;
  const [Y, O] = [shapeText(y), shapeText(output)];
  const layout =
    output.length === 1
      ? say(`one value per output: [${output[0]}]`, `um valor por saída: [${output[0]}]`)
      : say(
          `one row per example and one column per output: [${output[0]}, ${output[1]}]`,
          `uma linha por exemplo e uma coluna por saída: [${output[0]}, ${output[1]}]`,
        );
  throw specError(
    'SHAPE_MISMATCH',
    'network.y',
    say(
      `y ${Y} does not have the shape of the network's output ${O}: y needs ${layout.en}; the loss would broadcast y ${Y} against the output ${O} and compare the wrong numbers`,
      `y ${Y} não tem a forma da saída da rede ${O}: y precisa de ${layout['pt-BR']}; a perda faria broadcasting de y ${Y} contra a saída ${O} e compararia os números errados`,
    ),
    { shapes: { y, output } },
  );
}
