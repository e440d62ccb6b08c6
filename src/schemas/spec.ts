/** The specs of the contract (docs/api.md §2): a graph (nodes or expr), a neuron or a network. */
import { z } from 'zod';
import {
  DEFAULT_ACTIVATION,
  DEFAULT_LOSS,
  type GraphSpec,
  type NetworkSpec,
  type NeuronSpec,
  activations,
  losses,
} from '../specs/spec.js';
import { say } from '../text.js';
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

const Matrix = z.array(z.array(Finite).min(1)).min(1);

export const NetworkSpecSchema = z
  .strictObject({
    x: z.union([z.array(Finite).min(1), Matrix]).meta({ description: 'One example [n_in] or a batch [B, n_in].' }),
    y: z.union([Finite, z.array(Finite).min(1), Matrix]),
    loss: Loss.optional().meta({ description: `${DEFAULT_LOSS} by default` }),
    layers: z
      .array(
        z.strictObject({
          W: Matrix.meta({ description: 'Shape [n_out, n_in] (PyTorch nn.Linear).' }),
          b: z.array(Finite).min(1),
          activation: Activation.optional().meta({ description: `${DEFAULT_ACTIVATION} by default` }),
        }),
      )
      .min(1),
  })
  .meta({
    id: 'Network',
    description:
      'z_k = a_{k-1} @ W_k^T + b_k, a_k = activation_k(z_k), a_0 = x, L = loss(a_N, y); params W1, b1, W2, b2, ...',
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
