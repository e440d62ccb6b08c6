import { z } from 'zod';
import { opKinds } from '../engine/op-def.js';

const OpAttr = z
  .object({
    name: z.string(),
    default: z.number().optional().meta({ description: 'Its value when a node does not give it.' }),
    defaultFrom: z
      .string()
      .optional()
      .meta({ description: "Without a default: the value of this other attr (a pool's stride is its kernel)." }),
    required: z.literal(true).optional().meta({ description: "A node must give it (slice's axis, start and end)." }),
    optional: z
      .literal(true)
      .optional()
      .meta({ description: "It may be left out, with a meaning of its own (sum's axis: then every element)." }),
    integer: z.literal(true).optional().meta({ description: 'It must be an integer.' }),
    min: z.number().optional().meta({ description: 'Its least value.' }),
    below: z.number().optional().meta({ description: 'It must be less than this.' }),
    description: z.string(),
  })
  .meta({
    id: 'OpAttr',
    description: 'An attr and its rules; a value that breaks them is refused with 400 INVALID_ATTR at its path.',
  });

export const OpEntry = z
  .object({
    name: z.string(),
    kind: z.enum(opKinds),
    description: z
      .string()
      .meta({ description: 'What the op computes, in words, in the language of Accept-Language.' }),
    args: z.array(z.string()).meta({
      description: 'The args in order; a node gives all of them unless minArgs or variadic says otherwise.',
    }),
    minArgs: z.number().int().optional().meta({ description: "Fewer args accepted: conv2d's b may be left out (2)." }),
    variadic: z
      .literal(true)
      .optional()
      .meta({ description: 'The op takes minArgs or more args, each like the first (concat).' }),
    attrs: z.array(OpAttr).meta({ description: "The op's attrs, in the order an expr call writes them." }),
    formula: z.string(),
    derivative: z.string(),
    kinkAtZero: z.boolean().meta({
      description:
        "Not differentiable at 0; the gradient there follows PyTorch (relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha).",
    }),
  })
  .meta({ id: 'OpEntry' });

export const OpsResponse = z
  .object({
    ops: z.array(OpEntry),
    broadcasting: z.string(),
    activations: z.array(z.string()).meta({ description: 'Ops allowed as a neuron or layer activation.' }),
    losses: z.array(z.string()).meta({ description: 'Ops allowed as a neuron or network loss.' }),
    diagnoses: z.array(z.object({ code: z.string(), definition: z.string() })).meta({
      description:
        'The mistakes POST /v1/grade diagnoses, each defined as the change to the computation that reproduces it.',
    }),
  })
  .meta({ id: 'OpsResponse' });
