/** The specs of the contract (docs/api.md §2): a graph (nodes or expr), a neuron or a network. */
import { z } from 'zod';
import {
  DEFAULT_ACTIVATION,
  DEFAULT_LAYER_ACTIVATION,
  DEFAULT_LOSS,
  type GraphSpec,
  type NetworkSpec,
  type NeuronSpec,
  activations,
  layerKinds,
  losses,
} from '../specs/spec.js';
import { quote, say } from '../text.js';
import type { AttrDef } from '../engine/op-def.js';
import { type OpName, ops } from '../engine/ops.js';
import { nearestNames } from '../engine/suggest.js';
import { checkItemsByHand, schemaMessage } from './validate.js';
import { isNode } from './fast-nodes.js';
import { MAX_OP_NAME_LENGTH } from '../engine/compile.js';
import { FINITE, Finite, Id, Value, float64 } from './values.js';

const Node = z
  .strictObject({
    id: Id,
    op: z
      .string()
      .min(1)
      .max(MAX_OP_NAME_LENGTH)
      .meta({ description: 'An op of the catalogue (GET /v1/ops).', example: 'mul' }),
    args: z.array(z.union([Id, Finite])).meta({
      description: 'Ids of inputs, params or nodes, or number literals.',
    }),
    attrs: z
      .record(z.string().max(MAX_OP_NAME_LENGTH), float64(z.number()))
      .optional()
      .meta({ description: 'The op\'s options, e.g. {"alpha": 0.1} for leaky_relu.' }),
  })
  .meta({ id: 'Node' });

export const GraphSpecSchema = z
  .strictObject({
    inputs: z.record(Id, Value).optional().meta({ description: 'Leaves that are never updated.' }),
    params: z
      .record(Id, Value)
      .optional()
      .meta({ description: 'Leaves that step updates and gradcheck checks by default.' }),
    nodes: z.array(Node).optional().meta({ description: 'Nodes in any order; give nodes or expr.' }),
    expr: z.string().min(1).optional().meta({
      description:
        'The tutorial notation instead of nodes: statements separated by ; or new lines, + - * / ^, unary -, parentheses, op calls. The formulas as the exercises print them work too: · × or ⊙ for * (elementwise, as *), − for -, ² and ³ for powers, ½ for 0.5 (½(y_hat − y)² is a product), σ(z) for sigmoid(z), ln for log, [ ] as parentheses.',
      example: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2',
    }),
    output: Id.optional().meta({ description: 'The output id; the last node (or last assignment) by default.' }),
  })
  .refine((g) => (g.nodes === undefined) !== (g.expr === undefined), {
    error: () => schemaMessage(say('give exactly one of nodes or expr', 'envie exatamente um de nodes ou expr')),
  })
  // The refinement as JSON Schema, so that the document says it too.
  .meta({ id: 'Graph', oneOf: [{ required: ['nodes'] }, { required: ['expr'] }] }) satisfies z.ZodType<GraphSpec>;

const Activation = z.enum(activations).meta({ id: 'Activation' });
const Loss = z.enum(losses).meta({ id: 'Loss' });

/**
 * A neuron has one output, y_hat, a number, so its target is one number: `[1]` or `[1, 0]` are
 * refused with a message that says so (a network takes vector targets).
 */
const NEURON_TARGET = say(
  'a neuron has one output (y_hat is a number), so y is one number; for several outputs use a network',
  'um neurônio tem uma única saída (y_hat é um número), então y é um único número; para várias saídas, use uma rede (network)',
);
const NeuronTarget = float64(
  z.number({
    error: (issue) =>
      issue.code !== 'invalid_type'
        ? undefined
        : Array.isArray(issue.input)
          ? schemaMessage(NEURON_TARGET)
          : typeof issue.input === 'number'
            ? schemaMessage(FINITE)
            : undefined,
  }),
);

export const NeuronSpecSchema = z
  .strictObject({
    x: z.union([Finite, z.array(Finite).min(1)]),
    w: z.union([Finite, z.array(Finite).min(1)]),
    b: Finite,
    y: NeuronTarget,
    activation: Activation.optional().meta({ description: `${DEFAULT_ACTIVATION} by default` }),
    loss: Loss.optional().meta({ description: `${DEFAULT_LOSS} by default` }),
  })
  .meta({
    id: 'Neuron',
    description: 'u = w*x (a dot product for vectors), z = u + b, y_hat = activation(z), L = loss(y_hat, y).',
  }) satisfies z.ZodType<NeuronSpec>;

const Vector = z.array(Finite).min(1);
const Matrix = z.array(Vector).min(1);
const Rank3 = z.array(Matrix).min(1);
const Rank4 = z.array(Rank3).min(1);
/** A tensor of rank 1 to 4 (a network's x, dropout's mask), in the order of values.ts' Value. */
const Tensor = z.union([Vector, Matrix, Rank3, Rank4]);

/**
 * A layer's option, checked as its op checks the attr (integer, bounds: src/engine/layers/), so
 * that a wrong one is a 400 at its own field, `network.layers[0].stride`.
 */
function layerAttr(op: OpName, name: string) {
  const attr: AttrDef = ops[op].attrs.find((a) => a.name === name)!;
  let n = float64(z.number());
  if (attr.integer) n = n.int();
  if (attr.min !== undefined) n = n.min(attr.min);
  if (attr.below !== undefined) n = n.lt(attr.below);
  const byDefault = attr.default !== undefined ? `${attr.default}` : `its ${attr.defaultFrom}`;
  return n.optional().meta({ description: `${attr.description.en}; ${byDefault} by default.` });
}

const layerActivation = (byDefault: string) => Activation.optional().meta({ description: `${byDefault} by default` });

const DenseLayer = z
  .strictObject({
    kind: z.literal('dense').optional().meta({ description: 'dense by default' }),
    W: Matrix.meta({ description: 'Shape [n_out, n_in] (PyTorch nn.Linear).' }),
    b: Vector.meta({ description: 'Shape [n_out].' }),
    activation: layerActivation(DEFAULT_ACTIVATION),
  })
  .meta({ id: 'DenseLayer', description: 'z_k = a_{k-1} @ W_k^T + b_k (linear), a_k = activation(z_k).' });

const Conv2dLayer = z
  .strictObject({
    kind: z.literal('conv2d'),
    W: Rank4.meta({ description: 'Shape [F, C, KH, KW] (PyTorch nn.Conv2d).' }),
    b: Vector.optional().meta({ description: 'Shape [F]; none by default (bias=False).' }),
    stride: layerAttr('conv2d', 'stride'),
    padding: layerAttr('conv2d', 'padding'),
    activation: layerActivation(DEFAULT_LAYER_ACTIVATION),
  })
  .meta({
    id: 'Conv2dLayer',
    description: 'z_k = conv2d(a_{k-1}, W_k, b_k) on [N, C, H, W], a_k = activation(z_k).',
  });

const poolLayer = (kind: 'max_pool2d' | 'avg_pool2d', id: string) =>
  z
    .strictObject({ kind: z.literal(kind), kernel: layerAttr(kind, 'kernel'), stride: layerAttr(kind, 'stride') })
    .meta({ id, description: `z_k = ${kind}(a_{k-1}) on [N, C, H, W], a_k = z_k.` });

const FlattenLayer = z
  .strictObject({ kind: z.literal('flatten') })
  .meta({ id: 'FlattenLayer', description: 'z_k = flatten(a_{k-1}): [N, ...] -> [N, prod], a_k = z_k.' });

const normLayer = (kind: 'batch_norm' | 'layer_norm', id: string, over: string) =>
  z
    .strictObject({
      kind: z.literal(kind),
      gamma: Vector.meta({ description: `Shape ${over}.` }),
      beta: Vector.meta({ description: `Shape ${over}.` }),
      eps: layerAttr(kind, 'eps'),
      activation: layerActivation(DEFAULT_LAYER_ACTIVATION),
    })
    .meta({ id, description: `z_k = ${kind}(a_{k-1}, gamma_k, beta_k), a_k = activation(z_k).` });

const DropoutLayer = z
  .strictObject({
    kind: z.literal('dropout'),
    mask: Tensor.meta({ description: "0s and 1s, the shape of the layer's input: the input mask_k." }),
    p: layerAttr('dropout', 'p'),
  })
  .meta({ id: 'DropoutLayer', description: 'z_k = a_{k-1} * mask_k / (1 - p), a_k = z_k.' });

/** What a layer whose kind is none of these gets told, at its `kind`: the kinds, and the nearest one. */
function unknownKind(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_union' || issue.input === null || typeof issue.input !== 'object') return undefined;
  const sent = (issue.input as Record<string, unknown>).kind;
  const list = layerKinds.join(', ');
  if (typeof sent !== 'string')
    return schemaMessage(say(`the kind is one of ${list}`, `o tipo (kind) é um de ${list}`));
  const near = nearestNames(sent, layerKinds)[0];
  const what = `'${quote(sent)}'`;
  return schemaMessage(
    near
      ? say(
          `unknown layer kind ${what}; did you mean '${near}'? The kinds: ${list}`,
          `tipo de camada desconhecido ${what}; você quis dizer '${near}'? Os tipos: ${list}`,
        )
      : say(`unknown layer kind ${what}; the kinds: ${list}`, `tipo de camada desconhecido ${what}; os tipos: ${list}`),
  );
}

const Layer = z.discriminatedUnion(
  'kind',
  [
    DenseLayer,
    Conv2dLayer,
    poolLayer('max_pool2d', 'MaxPool2dLayer'),
    poolLayer('avg_pool2d', 'AvgPool2dLayer'),
    FlattenLayer,
    normLayer('batch_norm', 'BatchNormLayer', '[D], or [C] for [N, C, H, W]'),
    normLayer('layer_norm', 'LayerNormLayer', '[D], the last axis'),
    DropoutLayer,
  ],
  { error: unknownKind },
);

export const NetworkSpecSchema = z
  .strictObject({
    x: Tensor.meta({
      description: 'One example [n_in], a batch [B, n_in], or a batch of images [N, C, H, W].',
    }),
    y: z.union([Finite, Vector, Matrix]),
    loss: Loss.optional().meta({ description: `${DEFAULT_LOSS} by default` }),
    layers: z
      .array(Layer)
      .min(1)
      .meta({
        description: `The layers in order, as nn.Sequential stacks them; each has a kind (${layerKinds.join(', ')}), dense by default.`,
      }),
  })
  .meta({
    id: 'Network',
    description:
      'Layer k: z_k = op_k(a_{k-1}, params_k) (dense: a_{k-1} @ W_k^T + b_k), a_k = activation_k(z_k), a_0 = x, L = loss(a_N, y); params W1, b1, ... (dense, conv2d), gamma1, beta1, ... (the norms); dropout masks are inputs mask1, ...',
  }) satisfies z.ZodType<NetworkSpec>;

/** The fields every operation's body shares: exactly one spec. */
export const specFields = {
  graph: GraphSpecSchema.optional(),
  neuron: NeuronSpecSchema.optional(),
  network: NetworkSpecSchema.optional(),
};

// A graph may have a million nodes: validate() reads them with isNode, and zod the rest of the body.
checkItemsByHand(specFields.graph, 'nodes', isNode);

type SpecFields = { graph?: unknown; neuron?: unknown; network?: unknown };

/**
 * exactlyOneSpec as JSON Schema, for the meta of every body that refines with it: the
 * document then says what the service enforces, and a client's validator refuses a body with no
 * spec or with two.
 */
export const oneSpec = { oneOf: [{ required: ['graph'] }, { required: ['neuron'] }, { required: ['network'] }] };

export const exactlyOneSpec = (body: SpecFields, ctx: z.RefinementCtx): void => {
  const given = (['graph', 'neuron', 'network'] as const).filter((k) => body[k] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: given.length ? [given[1]] : [],
      message: schemaMessage(
        given.length
          ? say(
              `give one problem spec, not ${given.join(' and ')}`,
              `envie uma única especificação de problema, não ${given.join(' e ')}`,
            )
          : say(
              'give one problem spec: graph, neuron or network',
              'envie uma especificação de problema: graph, neuron ou network',
            ),
      ),
    });
  }
};
