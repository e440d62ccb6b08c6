import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { OpDef } from '../engine/op-def.js';
import { opNames, ops } from '../engine/ops.js';
import { DIAGNOSIS_DEFINITIONS, diagnosisCodes } from '../core/grading/mistakes.js';
import { type Locale, locales, say } from '../text.js';
import { activations, losses } from '../specs/spec.js';
import { requestLocale } from '../http/language.js';
import { OpsResponse } from '../schemas/catalogue.js';

const BROADCASTING = say(
  "Binary elementwise ops and the pairwise losses broadcast as NumPy does (shapes aligned from the right; a dimension of 1 stretches); in the backward pass each operand's gradient is summed over the axes along which it was broadcast.",
  'As operações binárias elemento a elemento e as perdas entre pares fazem broadcasting como o NumPy (formas alinhadas pela direita; uma dimensão de tamanho 1 se estende); no passo para trás, o gradiente de cada operando é somado sobre os eixos em que houve broadcasting.',
);

/** The catalogue in one language. */
const catalogueIn = (locale: Locale) => ({
  ops: opNames.map((name) => {
    const def: OpDef = ops[name];
    return {
      name,
      kind: def.kind,
      description: def.description[locale],
      args: [...def.args],
      ...(def.minArgs !== undefined && { minArgs: def.minArgs }),
      ...(def.variadic && { variadic: true as const }),
      attrs: def.attrs.map((a) => ({
        name: a.name,
        ...(a.default !== undefined && { default: a.default }),
        ...(a.defaultFrom !== undefined && { defaultFrom: a.defaultFrom }),
        ...(a.default === undefined &&
          a.defaultFrom === undefined &&
          (a.optional ? { optional: true as const } : { required: true as const })),
        ...(a.integer && { integer: true as const }),
        ...(a.min !== undefined && { min: a.min }),
        ...(a.below !== undefined && { below: a.below }),
        description: a.description[locale],
      })),
      formula: def.formula[locale],
      derivative: def.derivative[locale],
      kinkAtZero: def.kinkAtZero === true,
    };
  }),
  broadcasting: BROADCASTING[locale],
  activations: [...activations],
  losses: [...losses],
  diagnoses: diagnosisCodes.map((code) => ({ code, definition: DIAGNOSIS_DEFINITIONS[code][locale] })),
});

/** Built once per language: the catalogue does not change while the service runs. */
const catalogues = Object.fromEntries(locales.map((locale) => [locale, catalogueIn(locale)])) as Record<
  Locale,
  ReturnType<typeof catalogueIn>
>;

export const opsRoute: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/ops',
    {
      schema: {
        tags: ['catalogue'],
        summary: "The op catalogue, with each op's formula and derivative, and the diagnoses that grading uses",
        description:
          'What a graph may use: each op with its description, args, attrs, formula and derivative (as PyTorch computes it, kinks included), how binary ops broadcast, the activations and losses of neuron and network specs, and the definition of each diagnosis that POST /v1/grade may give. The words are in the language of Accept-Language (en or pt-BR), said in Content-Language; names, codes and math stay as they are.',
        response: { 200: OpsResponse },
        responseDocs: { 200: { description: 'The catalogue.' } },
      },
    },
    // In the request's language (Accept-Language); the language hook writes Content-Language and Vary.
    async (request) => catalogues[requestLocale(request)],
  );
};
