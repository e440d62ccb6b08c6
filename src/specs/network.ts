/**
 * A network as a graph draft, layer by layer as `nn.Sequential` stacks them: each layer is one
 * node of its kind's op and one activation node.
 */
import { say } from '../text.js';
import { specError } from '../engine/errors.js';
import type { GraphDraft, LeafDraft, NodeDraft } from '../engine/compile.js';
import type { LayerIds } from '../engine/tape.js';
import { type Shape, sameShape, shapeText, sizeOf } from '../engine/tensor.js';
import {
  type Activation,
  DEFAULT_ACTIVATION,
  DEFAULT_LAYER_ACTIVATION,
  DEFAULT_LOSS,
  type LayerKind,
  type LayerSpec,
  type NetworkSpec,
} from './spec.js';

/** What one layer adds to the draft, besides its activation node. */
interface LayerParts {
  /** Its leaves' ids by their names in the report (W, b, gamma, beta; mask). */
  ids: Omit<LayerIds, 'kind' | 'z' | 'a'>;
  leaves: LeafDraft[];
  /** z_k = op(a_{k-1}, ...leaves, attrs). */
  op: string;
  attrs?: Record<string, number>;
  activation?: Activation;
}

type LayerOf<K extends LayerKind> = Extract<LayerSpec, { kind?: K }>;

const param = (id: string, value: unknown, path: string): LeafDraft => ({ id, kind: 'param', value, path });

/** The attrs a layer gives (the op's defaults fill the rest when compiled), or none. */
function givenAttrs(attrs: Record<string, number | undefined>): Record<string, number> | undefined {
  const given = Object.entries(attrs).filter((entry): entry is [string, number] => entry[1] !== undefined);
  return given.length ? Object.fromEntries(given) : undefined;
}

/** Each kind's node and leaves for layer k (1-based), whose fields are at `path`. */
const layerParts: { [K in LayerKind]: (layer: LayerOf<K>, k: number, path: string) => LayerParts } = {
  dense: (layer, k, path) => ({
    ids: { W: `W${k}`, b: `b${k}` },
    leaves: [param(`W${k}`, layer.W, `${path}.W`), param(`b${k}`, layer.b, `${path}.b`)],
    op: 'linear',
    activation: layer.activation ?? DEFAULT_ACTIVATION,
  }),
  conv2d: (layer, k, path) => ({
    ids: layer.b === undefined ? { W: `W${k}` } : { W: `W${k}`, b: `b${k}` },
    leaves: [
      param(`W${k}`, layer.W, `${path}.W`),
      ...(layer.b === undefined ? [] : [param(`b${k}`, layer.b, `${path}.b`)]),
    ],
    op: 'conv2d',
    attrs: givenAttrs({ stride: layer.stride, padding: layer.padding }),
    activation: layer.activation,
  }),
  max_pool2d: (layer) => pool(layer),
  avg_pool2d: (layer) => pool(layer),
  flatten: () => ({ ids: {}, leaves: [], op: 'flatten' }),
  batch_norm: (layer, k, path) => norm(layer, k, path),
  layer_norm: (layer, k, path) => norm(layer, k, path),
  dropout: (layer, k, path) => ({
    ids: { mask: `mask${k}` },
    leaves: [{ id: `mask${k}`, kind: 'input', value: layer.mask, path: `${path}.mask` }],
    op: 'dropout',
    attrs: givenAttrs({ p: layer.p }),
  }),
};

function pool(layer: LayerOf<'max_pool2d' | 'avg_pool2d'>): LayerParts {
  return { ids: {}, leaves: [], op: layer.kind, attrs: givenAttrs({ kernel: layer.kernel, stride: layer.stride }) };
}

function norm(layer: LayerOf<'batch_norm' | 'layer_norm'>, k: number, path: string): LayerParts {
  return {
    ids: { gamma: `gamma${k}`, beta: `beta${k}` },
    leaves: [param(`gamma${k}`, layer.gamma, `${path}.gamma`), param(`beta${k}`, layer.beta, `${path}.beta`)],
    op: layer.kind,
    attrs: givenAttrs({ eps: layer.eps }),
    activation: layer.activation,
  };
}

/** z_k = op_k(a_{k-1}, params_k), a_k = act_k(z_k) with a_0 = x, L = loss(a_N, y). */
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
    const path = `network.layers[${i}]`;
    const kind = layer.kind ?? 'dense';
    const parts = (layerParts[kind] as (layer: LayerSpec, k: number, path: string) => LayerParts)(layer, k, path);
    const ids: LayerIds = { kind, ...parts.ids, z: `z${k}`, a: `a${k}` };
    leaves.push(...parts.leaves);
    const args = [a, ...parts.leaves.map((leaf) => leaf.id)];
    nodes.push(
      { id: ids.z, op: parts.op, args, ...(parts.attrs && { attrs: parts.attrs }) },
      { id: ids.a, op: parts.activation ?? DEFAULT_LAYER_ACTIVATION, args: [ids.z] },
    );
    paths.push(path, parts.activation === undefined ? path : `${path}.activation`);
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

/** x's rank and its first dimension, read down its first elements (compile checks the rest). */
function rankAndBatch(x: unknown): { rank: number; batch: number } | undefined {
  if (!Array.isArray(x) || x.length === 0) return undefined;
  let rank = 0;
  for (let v: unknown = x; Array.isArray(v); v = v[0]) rank++;
  return { rank, batch: x.length };
}

/**
 * The network's output shape when the spec alone says it: the last layer dense, fed a vector
 * ([n_out]) or a batch ([B, n_out]). Every kind keeps the batch dimension, and all but flatten
 * keep the rank. Undefined otherwise: compile then infers the shapes, and names the layer or the
 * loss where they do not fit.
 */
function outputShape(spec: NetworkSpec): Shape | undefined {
  const x = rankAndBatch(spec.x);
  const last = spec.layers[spec.layers.length - 1];
  if (!x || (last.kind !== undefined && last.kind !== 'dense') || !Array.isArray(last.W)) return undefined;
  // A ragged vector or matrix: compile names it before anything is said of y.
  if (x.rank <= 2 && !shapeOfJson(spec.x)) return undefined;
  let rank = x.rank;
  for (const layer of spec.layers.slice(0, -1)) {
    if (layer.kind !== 'flatten') continue;
    if (rank < 2) return undefined;
    rank = 2;
  }
  const n = last.W.length;
  return rank === 1 ? [n] : rank === 2 ? [x.batch, n] : undefined;
}

/**
 * The target y has the output's shape: [n_out] for one example, [B, n_out] for a batch. The loss
 * would broadcast a target of another shape against the output and compare the wrong numbers
 * (`[[1, 0]]` for one output, `[[1], [0]]` for one example), so it is refused rather than
 * computed. A number is taken for an output of one number.
 */
function checkTarget(spec: NetworkSpec): void {
  const y = shapeOfJson(spec.y);
  const output = outputShape(spec);
  if (!y || !output) return;
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
