import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { opNames, ops } from '../engine/ops.js';
import { DIAGNOSIS_DEFINITIONS, diagnosisCodes } from '../core/grading/mistakes.js';
import { activations, losses } from '../problems/spec.js';
import { OpsResponse } from '../schemas/catalogue.js';

/** Built once: the catalogue does not change while the service runs. */
const catalogue = {
  ops: opNames.map((name) => {
    const def = ops[name];
    return {
      name,
      kind: def.kind,
      args: [...def.args],
      attrs: def.attrs.map((a) => ({ ...a })),
      formula: def.formula,
      derivative: def.derivative,
      kinkAtZero: 'kinkAtZero' in def && def.kinkAtZero === true,
    };
  }),
  broadcasting:
    'Binary elementwise ops and the pairwise losses broadcast as NumPy does (shapes aligned from the right; a dimension of 1 stretches); in the backward pass each operand\'s gradient is summed over the axes along which it was broadcast.',
  activations: [...activations],
  losses: [...losses],
  diagnoses: diagnosisCodes.map((code) => ({ code, definition: DIAGNOSIS_DEFINITIONS[code] })),
};

export const opsRoute: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/ops',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'The op catalogue, with each op\'s formula and derivative, and the diagnoses that grading uses',
        description:
          'What a graph may use: each op with its args, attrs, formula and derivative (as PyTorch computes it, kinks included), how binary ops broadcast, the activations and losses of neuron and network specs, and the definition of each diagnosis that POST /v1/grade may give.',
        response: { 200: OpsResponse },
        responseDocs: { 200: { description: 'The catalogue.' } },
      },
    },
    // The catalogue is written in English whatever the request's language.
    async (_request, reply) => reply.header('content-language', 'en').send(catalogue),
  );
};
