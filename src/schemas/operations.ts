/** Request and response schemas of the four compute routes (docs/api.md §4). */
import { z } from 'zod';
import {
  ADAM_DEFAULTS,
  DEFAULT_HISTORY,
  DEFAULT_OPTIMIZER,
  DEFAULT_STEPS,
  FD_EPSILON,
  GRADCHECK_DEFAULTS,
  MAX_STEPS,
  SGD_DEFAULTS,
  docNumber,
} from '../core/defaults.js';
import { MAX_ID_LENGTH } from '../engine/compile.js';
import { exactlyOneSpec, oneSpec, specFields } from './spec.js';
import { problemExamples } from './examples.js';
import { Finite, Id, IdValueMap, Warning, WireNumber, WireValue } from './values.js';

const Positive = Finite.positive();
const NonNegative = Finite.nonnegative();

export const Layer = z
  .object({
    z: WireValue.meta({ description: "The layer's op: z_k." }),
    a: WireValue.meta({ description: 'After its activation: a_k.' }),
    'dL/da': WireValue.optional(),
    'dL/dz': WireValue.optional(),
    'dL/dW': WireValue.optional().meta({ description: 'dense and conv2d.' }),
    'dL/db': WireValue.optional().meta({ description: 'dense, and conv2d when it has b.' }),
    'dL/dgamma': WireValue.optional().meta({ description: 'batch_norm and layer_norm.' }),
    'dL/dbeta': WireValue.optional().meta({ description: 'batch_norm and layer_norm.' }),
  })
  .meta({
    id: 'Layer',
    description:
      "A network layer, in the order of the spec's layers: z = the layer's op (a_prev @ W^T + b for dense), a = activation(z), and (from /v1/gradients) their gradients and those of the layer's params.",
  });

const evaluated = {
  output: z.string().meta({ description: 'The output id.' }),
  values: IdValueMap.meta({ description: 'Every leaf and node id -> its value.' }),
  layers: z.array(Layer).optional().meta({ description: 'For a network spec: each layer in order.' }),
  warnings: z.array(Warning),
};

// ---------------------------------------------------------------------------------------------
/** Responses can be large for large graphs: `include` asks for some ids only. */
const include = z
  .array(Id)
  .min(1)
  .optional()
  .meta({
    description:
      'The ids to report in `values` and `gradients` (in this order); every input, param and node by default. With include, `local` lists the derivatives of the nodes among them only, and network responses leave out `layers`. Use it when a response would be over the limit of numbers one response may carry (413).',
    example: ['L', 'w', 'b'],
  });

export const ForwardBody = z
  .strictObject({ ...specFields, include })
  .superRefine(exactlyOneSpec)
  .meta({ description: 'One problem spec: graph, neuron or network.', ...oneSpec, ...problemExamples() });

export const ForwardResponse = z.object(evaluated).meta({ id: 'ForwardResponse' });

// ---------------------------------------------------------------------------------------------
export const GradientsBody = ForwardBody;

export const LocalDerivative = z
  .object({
    of: z.string(),
    wrt: z.string(),
    arg: z.number().int().meta({ description: "Position of wrt in the node's args." }),
    value: WireNumber,
  })
  .meta({
    id: 'LocalDerivative',
    description: 'd of / d wrt at the forward values, one per node and arg that is an id.',
  });

export const GradientsResponse = z
  .object({
    ...evaluated,
    gradients: IdValueMap.meta({ description: 'Every id -> dOutput/dId, shaped like its value.' }),
    local: z.array(LocalDerivative).optional().meta({ description: 'Scalar graphs only (every value a number).' }),
  })
  .meta({ id: 'GradientsResponse' });

// ---------------------------------------------------------------------------------------------
export const Optimizer = z
  .discriminatedUnion('name', [
    z.strictObject({
      name: z.literal('sgd'),
      momentum: NonNegative.optional().meta({
        description: `${docNumber(SGD_DEFAULTS.momentum)} by default (plain SGD), as torch.optim.SGD`,
      }),
    }),
    z.strictObject({
      name: z.literal('adam'),
      // In [0, 1), as torch.optim.Adam requires: at 1 the bias correction 1 - beta^t is 0.
      beta1: NonNegative.lt(1)
        .optional()
        .meta({
          description: `From 0 to 1, 1 excluded (as torch.optim.Adam); ${docNumber(ADAM_DEFAULTS.beta1)} by default`,
        }),
      beta2: NonNegative.lt(1)
        .optional()
        .meta({
          description: `From 0 to 1, 1 excluded (as torch.optim.Adam); ${docNumber(ADAM_DEFAULTS.beta2)} by default`,
        }),
      eps: Positive.optional().meta({ description: `${docNumber(ADAM_DEFAULTS.eps)} by default` }),
    }),
  ])
  .meta({
    id: 'Optimizer',
    description: `As torch.optim: SGD (with optional momentum) or Adam. {"name": "${DEFAULT_OPTIMIZER.name}"} by default.`,
  });

export const StepBody = z
  .strictObject({
    ...specFields,
    learningRate: Positive,
    steps: z
      .number()
      .int()
      .min(1)
      .max(MAX_STEPS)
      .optional()
      .meta({ description: `${DEFAULT_STEPS} by default, at most ${MAX_STEPS}` }),
    optimizer: Optimizer.optional(),
    history: z
      .union([z.enum(['all', 'none']), z.strictObject({ every: z.number().int().min(1).max(MAX_STEPS) })])
      .optional()
      .meta({
        description: `Which losses \`history\` holds: "${DEFAULT_HISTORY}" (the default), the loss before each step; {"every": k}, the loss before steps 0, k, 2k, … (counted from 0: after 0, k, 2k, … updates); "none", no history. A long run asks for part of it, or none, to keep the response small (413 over MAX_RESPONSE_BYTES).`,
        examples: ['all', 'none', { every: 100 }],
      }),
  })
  .superRefine(exactlyOneSpec)
  .meta({
    description: 'A problem spec and the update to apply to its params.',
    ...oneSpec,
    ...problemExamples({ learningRate: 0.1 }, { network: { steps: 3, optimizer: { name: 'adam' } } }),
  });

export const StepResponse = z
  .object({
    params: IdValueMap.meta({ description: 'Every param after the last step.' }),
    loss: z.object({ before: WireNumber, after: WireNumber }),
    history: z
      .array(WireNumber)
      .optional()
      .meta({
        description: `The loss before each step (\`history: "${DEFAULT_HISTORY}"\`, the default), or before steps 0, k, 2k, … (\`history: {"every": k}\`); absent with \`history: "none"\`.`,
      }),
    historyEvery: z.number().int().optional().meta({
      description:
        'With `history: {"every": k}`: k, the steps between two losses of `history` (`history[i]` is the loss after i·k updates).',
    }),
    warnings: z.array(Warning),
  })
  .meta({ id: 'StepResponse' });

// ---------------------------------------------------------------------------------------------
export const GradcheckBody = z
  .strictObject({
    ...specFields,
    epsilon: Positive.optional().meta({ description: `${docNumber(GRADCHECK_DEFAULTS.epsilon)} by default` }),
    wrt: z
      .array(z.string().max(MAX_ID_LENGTH))
      .min(1)
      .optional()
      .meta({ description: 'Leaf ids to check; every param by default.' }),
    rtol: NonNegative.optional().meta({ description: `${docNumber(GRADCHECK_DEFAULTS.rtol)} by default` }),
    atol: NonNegative.optional().meta({ description: `${docNumber(GRADCHECK_DEFAULTS.atol)} by default` }),
  })
  .superRefine(exactlyOneSpec)
  .meta({
    description: 'A problem spec and the finite-difference settings.',
    ...oneSpec,
    ...problemExamples({ epsilon: FD_EPSILON }, { network: { wrt: ['W1', 'b2'] } }),
  });

export const GradcheckResult = z
  .object({
    id: z.string(),
    index: z.array(z.number().int()).meta({ description: '[] for a scalar, [i] or [i, j] for an element.' }),
    analytic: WireNumber,
    numeric: WireNumber.meta({ description: '(lossPlus - lossMinus) / (2 epsilon)' }),
    lossPlus: WireNumber,
    lossMinus: WireNumber,
    absError: WireNumber,
    relError: WireNumber.meta({ description: 'absError / max(|analytic|, |numeric|); 0 when both are 0.' }),
    pass: z.boolean().meta({ description: 'absError <= atol + rtol * |numeric|' }),
    kinks: z.array(z.string()).meta({
      description:
        'relu, abs or leaky_relu nodes whose input crosses 0 between x - epsilon and x + epsilon: the difference quotient spans a kink.',
    }),
    note: z.string().optional(),
  })
  .meta({ id: 'GradcheckResult' });

export const GradcheckResponse = z
  .object({
    pass: z.boolean(),
    maxAbsError: WireNumber,
    maxRelError: WireNumber,
    epsilon: z.number(),
    rtol: z.number(),
    atol: z.number(),
    results: z.array(GradcheckResult),
    warnings: z.array(Warning),
  })
  .meta({ id: 'GradcheckResponse' });
