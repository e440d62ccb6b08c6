/**
 * An authored exercise (POST /v1/exercises, POST /v1/grade by reference): a spec whose leaves are
 * value sources, drawn from a seed. The schema checks the shapes only; the rules between fields
 * (min <= max, a step > 0, decimals 0..6, a non-empty choices, ids that exist, constraints that can
 * hold) are checked by the core as it reads them (src/core/exercises/authored: sources.ts, spec.ts,
 * constraints.ts), each a 422 at its path.
 */
import { z } from 'zod';
import { activations, losses } from '../specs/spec.js';
import { say } from '../text.js';
import { Optimizer } from './operations.js';
import { GraphSpecSchema } from './spec.js';
import { Tolerance } from './tolerance.js';
import { schemaMessage } from './validate.js';
import { Finite, Id, Value } from './values.js';

const Nonzero = z
  .boolean()
  .optional()
  .meta({ description: 'Never draw 0 (nor a tensor with a 0 element): the draw picks among the other values.' });

const Range = z
  .strictObject({
    min: Finite,
    max: Finite,
    step: z.number().optional().meta({ description: 'Draw min + k·step, k = 0, 1, ... up to max (as STACK).' }),
    decimals: z
      .number()
      .optional()
      .meta({ description: 'Draw a number with this many decimals (0 to 6) in [min, max] (as Moodle, Canvas).' }),
    shape: z
      .array(z.number().int().min(1).max(64))
      .min(1)
      .max(4)
      .optional()
      .meta({ description: 'A random tensor of this shape, each element drawn from the range; a number without it.' }),
    nonzero: Nonzero,
    minAbs: Finite.optional().meta({
      description:
        'Draw again an element with |x| below this (at most 64 times, then the largest allowed value): `{"min": -3, "max": 3, "decimals": 1, "minAbs": 0.5}` never gives a tiny input.',
    }),
  })
  .meta({
    id: 'ValueRange',
    description:
      'A number (or, with shape, a tensor) drawn uniformly from [min, max]; give exactly one of step or decimals.',
  });

const Choices = z
  .strictObject({
    choices: z.array(Value).meta({ description: 'Values (numbers or tensors) to draw one from, each equally likely.' }),
    nonzero: Nonzero,
  })
  .meta({ id: 'ValueChoices' });

export const ValueSource = z.union([Value, Choices, Range]).meta({
  id: 'ValueSource',
  description:
    'A fixed number or tensor, {min, max, step} or {min, max, decimals} (with shape: a random tensor), or {choices: [...]}; the last two take nonzero: true.',
  examples: [0.5, { min: -1, max: 1, step: 0.1 }, { min: 0, max: 3, decimals: 1, nonzero: true }, { choices: [0, 1] }],
});

const AuthoredNeuron = z
  .strictObject({
    x: ValueSource,
    w: ValueSource,
    b: ValueSource,
    y: ValueSource,
    activation: z.enum(activations).optional(),
    loss: z.enum(losses).optional(),
  })
  .meta({ id: 'AuthoredNeuron', description: 'A neuron (as the Neuron spec) whose x, w, b and y are value sources.' });

const AuthoredLayer = z
  .looseObject({
    W: ValueSource.optional(),
    b: ValueSource.optional(),
    gamma: ValueSource.optional(),
    beta: ValueSource.optional(),
    mask: ValueSource.optional(),
  })
  .meta({
    id: 'AuthoredLayer',
    description:
      'A layer as the Network spec has it (kind, activation, stride...), its W, b, gamma, beta and mask given as value sources.',
  });

const AuthoredNetwork = z
  .strictObject({
    x: ValueSource,
    y: ValueSource,
    loss: z.enum(losses).optional(),
    layers: z.array(AuthoredLayer).min(1),
  })
  .meta({
    id: 'AuthoredNetwork',
    description: 'A network (as the Network spec) whose x, y and layer tensors are value sources.',
  });

const AuthoredGraph = z
  .strictObject({
    inputs: z.record(Id, ValueSource).optional(),
    params: z.record(Id, ValueSource).optional(),
    nodes: GraphSpecSchema.shape.nodes,
    expr: GraphSpecSchema.shape.expr,
    output: GraphSpecSchema.shape.output,
  })
  .meta({
    id: 'AuthoredGraph',
    description: 'A graph (as the Graph spec, nodes or expr) whose inputs and params are value sources.',
  });

const AuthoredText = z
  .strictObject({ en: z.string().max(10_000).optional(), 'pt-BR': z.string().max(10_000).optional() })
  .meta({
    id: 'AuthoredText',
    description:
      'Markdown in either or both languages (the other is used when the requested one is absent). `{w}` is the drawn value of the id w (any id of the graph; a computed one rounded to 4 significant figures), `{learningRate}` and `{epsilon}` the settings; `{{` and `}}` write a brace.',
  });

export const ExerciseConstraints = z
  .strictObject({
    kinkMargin: Finite.optional().meta({
      description: 'No element of an input of relu, abs or leaky_relu within this distance of 0 (no kink).',
    }),
    maxPreactivation: Finite.optional().meta({
      description: 'Every element of an input of sigmoid or tanh within [-max, max] (no saturation; 4 is usual).',
    }),
    nonzeroGradients: z
      .union([z.boolean(), z.literal('some')])
      .optional()
      .meta({
        description:
          'true: no element of the gradient of the output with respect to a param, nor of an asked derivative key, is 0 (|g| < 1e-12 counts as 0). "some": none of those gradients is 0 in every element (a ReLU unit may be off, not all of them).',
      }),
    minLoss: Finite.optional().meta({ description: 'The output (the loss) is at least this.' }),
    bounds: z
      .record(Id, z.strictObject({ min: Finite.optional(), max: Finite.optional() }))
      .optional()
      .meta({
        description:
          'Every element of the value of each id within [min, max] (either may be left out): `{"z": {"min": 0.2, "max": 3}}` keeps a ReLU neuron on its active side, below the flat part of the loss.',
      }),
  })
  .meta({
    id: 'ExerciseConstraints',
    description:
      'What makes a variant teachable. A draw that breaks one is redrawn, at most MAX_DRAWS (200) times; past that, a 422 names the constraint that failed most.',
  });

export const AuthoredExercise = z
  .strictObject({
    title: AuthoredText.optional(),
    statement: AuthoredText.optional().meta({
      description:
        'The statement, with placeholders; the list of answer keys and how to answer follow it. Without it, a statement is written from the graph.',
    }),
    neuron: AuthoredNeuron.optional(),
    network: AuthoredNetwork.optional(),
    graph: AuthoredGraph.optional(),
    constraints: ExerciseConstraints.optional(),
    ask: z.array(z.string().min(1).max(200)).min(1).max(100).meta({
      description: 'The answer keys, as POST /v1/grade takes them: `u`, `dL/dw`, `dy_hat/dz`, `step(w)`, `fd(dL/dw)`.',
    }),
    learningRate: ValueSource.optional().meta({
      description: 'For step(...) keys: a positive number or a source; 0.1 by default.',
    }),
    optimizer: Optimizer.optional(),
    epsilon: Finite.positive().optional().meta({ description: 'For fd(...) keys; 1e-4 by default.' }),
    tolerance: Tolerance.optional().meta({ description: 'How answers are compared; the grade defaults by default.' }),
  })
  .meta({
    id: 'AuthoredExercise',
    description:
      'An exercise an instructor writes: exactly one of neuron, network or graph, with value sources for its leaves; what to ask; optional constraints, title and statement. Drawn with seededRng("authored", seed) (mulberry32, src/core/exercises/random.ts), sources in the order written, tensors row-major.',
  });

/** A template's id, as GET /v1/exercises/templates lists them. */
export const TemplateId = z
  .string()
  .min(1)
  .max(64)
  .meta({ description: 'A template id from GET /v1/exercises/templates.', example: 'neuron-sigmoid' });

/** A template's exercise by reference, as POST /v1/grade takes it. */
const TemplateReference = z.strictObject({ template: TemplateId }).meta({ id: 'TemplateReference' });

/** The refinement of a body that takes a template or an authored exercise: exactly one of them. */
export const oneExercise = [
  (body: { template?: unknown; exercise?: unknown }) => (body.template === undefined) !== (body.exercise === undefined),
  {
    error: () =>
      schemaMessage(say('give exactly one of template or exercise', 'envie exatamente um de template ou exercise')),
  },
] as const;

export const ExerciseReference = z.union([TemplateReference, AuthoredExercise]).meta({
  id: 'ExerciseReference',
  description: 'An authored exercise, or {template: id}: with the seed, the server draws the problem again.',
});

export type AuthoredExerciseInput = z.output<typeof AuthoredExercise>;
export type ValueSourceInput = z.output<typeof ValueSource>;
export type ExerciseReferenceInput = z.output<typeof ExerciseReference>;
