/** Request and response schemas of POST /v1/explain: a spec explained step by step. */
import { z } from 'zod';
import { GRADCHECK_DEFAULTS, docNumber } from '../core/defaults.js';
import { locales } from '../text.js';
import { problemExamples } from './examples.js';
import { exactlyOneSpec, oneSpec, specFields } from './spec.js';
import { Finite, Warning, WireNumber, WireValue } from './values.js';

const Positive = Finite.positive();

export const ExplainBody = z
  .strictObject({
    ...specFields,
    learningRate: Positive.optional().meta({
      description:
        'With it, the explanation ends with one gradient-descent step on every param (plain SGD, as POST /v1/step with one step).',
    }),
    gradcheck: z
      .boolean()
      .optional()
      .meta({
        description: `true adds a finite-difference check of every param, element by element (ε = ${docNumber(GRADCHECK_DEFAULTS.epsilon)} unless \`epsilon\` is given).`,
      }),
    epsilon: Positive.optional().meta({
      description: 'The step of the finite-difference check; giving it asks for the check.',
    }),
  })
  .superRefine(exactlyOneSpec)
  .meta({
    description:
      'One problem spec (graph, neuron or network, as POST /v1/gradients takes it), and optionally the update and the check to explain.',
    ...oneSpec,
    ...problemExamples({ learningRate: 0.1 }, { neuron: { gradcheck: true } }),
  });

const Formula = z
  .object({ text: z.string(), latex: z.string() })
  .meta({ id: 'ExplainFormula', description: 'The formula in symbols only, as plain text and as LaTeX.' });

const common = {
  key: z.string().meta({
    description:
      'What the step computes, as an answer key of POST /v1/grade: `z` (a value), `dy_hat/dz` (a local derivative), `dL/dz` (a gradient), `step(w)` (an update), `fd(dL/dw)` (a finite difference).',
    example: 'dL/dz',
  }),
  id: z.string().meta({
    description:
      'The id the step is about: the node computed, the id whose gradient it is, the param updated or checked.',
  }),
  layer: z
    .number()
    .int()
    .optional()
    .meta({ description: 'In a network, the layer (1 for the first) the id belongs to.' }),
  formula: Formula,
  text: z.string().meta({
    description:
      "The whole line in the student's notation: the formula, the numbers put in, the result; numbers rounded to 6 significant figures, with a decimal comma in pt-BR.",
    example: 'dL/dz = dL/dy_hat · dy_hat/dz = 0.450166 · 0.247517 = 0.111424',
  }),
  latex: z.string().meta({ description: 'The same line as LaTeX (KaTeX renders it).' }),
  value: WireValue.meta({ description: 'The exact result.' }),
  note: z.string().optional().meta({
    description: 'Words about the step where the formula alone does not say it, in the language of the explanation.',
  }),
};

const ForwardStep = z
  .object({ phase: z.literal('forward'), ...common })
  .meta({ id: 'ExplainForwardStep', description: 'A node computed from its inputs.' });

const LocalStep = z.object({ phase: z.literal('local'), ...common, of: z.string(), wrt: z.string() }).meta({
  id: 'ExplainLocalStep',
  description: 'The local derivative d of / d wrt at the forward values (scalar nodes).',
});

const Incoming = z
  .object({
    from: z.string().meta({ description: 'A node that uses the id.' }),
    gradient: WireValue.meta({ description: 'dL/dfrom: the gradient arriving from above.' }),
    local: WireNumber.optional().meta({
      description: 'dfrom/did, the local derivative, where it is a number (scalar nodes).',
    }),
    contribution: WireValue.meta({
      description:
        "What the node passes back to the id (gradient times local derivative; on tensors, the op's rule), shaped like the id.",
    }),
  })
  .meta({ id: 'ExplainIncoming' });

const BackwardStep = z
  .object({
    phase: z.literal('backward'),
    ...common,
    incoming: z
      .array(Incoming)
      .meta({ description: 'One entry per node that uses the id; the gradient is the sum of their contributions.' }),
  })
  .meta({
    id: 'ExplainBackwardStep',
    description: 'The gradient of the output with respect to an id, by the chain rule.',
  });

const UpdateStep = z
  .object({
    phase: z.literal('update'),
    ...common,
    before: WireValue,
    gradient: WireValue,
    learningRate: z.number(),
  })
  .meta({ id: 'ExplainUpdateStep', description: 'One SGD step on a param: value = before − learningRate · gradient.' });

const GradcheckStep = z
  .object({
    phase: z.literal('gradcheck'),
    ...common,
    index: z.array(z.number().int()).meta({ description: 'The element nudged: [] for a scalar, [i] or [i, j].' }),
    epsilon: z.number(),
    lossPlus: WireNumber,
    lossMinus: WireNumber,
    numeric: WireNumber.meta({ description: "(lossPlus − lossMinus) / (2 epsilon), the step's value." }),
    analytic: WireNumber.meta({ description: "Backpropagation's gradient of the same element." }),
    absError: WireNumber,
    pass: z.boolean().meta({
      description: `As POST /v1/gradcheck: absError <= ${docNumber(GRADCHECK_DEFAULTS.atol)} + ${docNumber(GRADCHECK_DEFAULTS.rtol)} |numeric|.`,
    }),
  })
  .meta({
    id: 'ExplainGradcheckStep',
    description: 'The central finite difference of one element of a param, against backpropagation.',
  });

export const ExplainStep = z
  .discriminatedUnion('phase', [ForwardStep, LocalStep, BackwardStep, UpdateStep, GradcheckStep])
  .meta({
    id: 'ExplainStep',
    description: 'One step: forward, local (derivative), backward, update or gradcheck.',
  });

export const ExplainResponse = z
  .object({
    output: z.string().meta({ description: 'The output id (the loss).' }),
    locale: z
      .enum(locales)
      .meta({ description: 'The language of the text, notes and Markdown (from Accept-Language).' }),
    given: z
      .array(z.object({ id: z.string(), kind: z.enum(['input', 'param']), value: WireValue }))
      .meta({ description: 'The leaves as given.' }),
    steps: z.array(ExplainStep).meta({
      description:
        'In order: the forward pass (in evaluation order), the local derivatives and the backward pass (from the output down), then the update and the finite-difference check when asked for.',
    }),
    markdown: z
      .string()
      .meta({ description: 'The whole explanation as Markdown: a heading per phase, one line per step.' }),
    warnings: z.array(Warning),
  })
  .meta({ id: 'ExplainResponse' });
