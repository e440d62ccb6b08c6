import { z } from 'zod';

export const OpEntry = z
  .object({
    name: z.string(),
    kind: z.enum(['elementwise', 'binary', 'reduction', 'linear_algebra', 'last_axis', 'loss']),
    description: z
      .string()
      .meta({ description: 'What the op computes, in words, in the language of Accept-Language.' }),
    args: z.array(z.string()),
    attrs: z.array(z.object({ name: z.string(), default: z.number(), description: z.string() })),
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
