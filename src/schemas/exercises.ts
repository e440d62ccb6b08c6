/** Request and response schemas of the seeded exercises (GET /v1/exercises/templates, POST /v1/exercises). */
import { z } from 'zod';
import { MAX_SEED_LENGTH } from '../core/exercises/random.js';
import { locales } from '../text.js';
import { AuthoredExercise, TemplateId, oneExercise } from './authored.js';
import { tutorialActivity } from './examples.js';
import { Optimizer } from './operations.js';
import { Tolerance } from './tolerance.js';
import { GraphSpecSchema, NetworkSpecSchema, NeuronSpecSchema } from './spec.js';

const Locale = z.enum(locales).meta({ id: 'ExerciseLocale', description: 'en or pt-BR.' });

const LocalizedText = z
  .object({ en: z.string(), 'pt-BR': z.string() })
  .meta({ id: 'ExerciseText', description: 'The same text in English and in Brazilian Portuguese.' });

export const ExerciseTemplate = z
  .object({
    id: z.string().meta({ example: 'neuron-sigmoid' }),
    title: LocalizedText,
    description: LocalizedText,
    answerKeys: z
      .array(z.string())
      .meta({ description: 'The keys every exercise of this template asks for, in order.' }),
  })
  .meta({ id: 'ExerciseTemplate' });

export const ExerciseTemplatesResponse = z
  .object({ templates: z.array(ExerciseTemplate) })
  .meta({ id: 'ExerciseTemplates' });

export const ExerciseSeed = z.union([z.number().int().min(0), z.string().min(1).max(MAX_SEED_LENGTH)]).meta({
  description: `Any integer >= 0, or a string of 1 to ${MAX_SEED_LENGTH} characters (a student id such as "s2026-0042"), which stands for the integer made of the first 32 bits of its UTF-8 SHA-256, big-endian. The same template (or exercise) and seed give the same exercise.`,
  example: 42,
});

export const ExerciseBody = z
  .strictObject({
    template: TemplateId.optional(),
    exercise: AuthoredExercise.optional().meta({
      description: 'An authored exercise, instead of a template: its sources are drawn from the seed.',
    }),
    seed: ExerciseSeed,
    locale: Locale.optional().meta({
      description:
        'The language of statement and solution; from Accept-Language (pt... gives pt-BR) when absent, else en.',
    }),
  })
  .refine(...oneExercise)
  .meta({
    description: 'A template, or an authored exercise, and a seed.',
    oneOf: [{ required: ['template'] }, { required: ['exercise'] }],
    'x-examples': {
      neuron: {
        summary: 'A sigmoid neuron, in English',
        value: { template: 'neuron-sigmoid', seed: 42, locale: 'en' },
      },
      network: {
        summary: 'A 2-2-1 network, in Brazilian Portuguese',
        value: { template: 'network-2-2-1', seed: 7, locale: 'pt-BR' },
      },
      gradcheck: {
        summary: 'Backpropagation against finite differences',
        value: { template: 'finite-difference-sigmoid', seed: 3 },
      },
      authored: {
        summary: "The tutorial's activity, authored: a tanh neuron whose bias is drawn from [-1, 1] in steps of 0.1",
        value: { exercise: tutorialActivity, seed: 42, locale: 'pt-BR' },
      },
    },
  });

const AnswerMatrix = z.array(z.array(z.number()));

export const ExerciseAnswer = z
  .union([z.number(), z.array(z.number()), AnswerMatrix, z.array(AnswerMatrix), z.array(z.array(AnswerMatrix))])
  .meta({
    id: 'ExerciseAnswer',
    description:
      'A scalar, a vector, a matrix (rows), or arrays nested up to rank 4 (a convolution kernel), as the id it answers for.',
  });

const ExerciseSpecSchema = z
  .object({
    neuron: NeuronSpecSchema.optional(),
    network: NetworkSpecSchema.optional(),
    graph: GraphSpecSchema.optional().meta({
      description: 'The layer exercises (convolution, pooling, normalization, recurrent steps) as graph nodes.',
    }),
    learningRate: z.number().meta({ description: 'For step(...) keys.' }),
    epsilon: z.number().optional().meta({ description: 'For fd(...) keys.' }),
    optimizer: Optimizer.optional().meta({ description: "An authored exercise's optimizer, for step(...) keys." }),
    tolerance: Tolerance.optional().meta({ description: "An authored exercise's tolerance." }),
  })
  .meta({ id: 'ExerciseProblem', description: "Send it to POST /v1/grade as it is, with the student's answers." });

export const ExerciseResponse = z
  .object({
    template: z.string().optional().meta({ description: "The template's id; absent for an authored exercise." }),
    /** A number, or a string that stands for seedNumber(seed) (src/core/exercises/random.ts). */
    seed: z.union([z.number().int(), z.string()]).meta({ description: 'The seed as the request gave it.' }),
    locale: Locale,
    statement: z.string().meta({ description: 'Markdown: the numbers and each answer key to compute.' }),
    /** One spec, learningRate, and epsilon for fd keys. */
    problem: ExerciseSpecSchema,
    answerKeys: z.array(z.string()),
    /** In answerKeys order. */
    answers: z
      .record(z.string(), ExerciseAnswer)
      .meta({ description: 'The expected answer of each key, computed by the evaluator.' }),
    /** By the explainer: the same as POST /v1/explain's markdown. */
    solution: z.string().meta({
      description: 'Markdown: every step worked with its formula and numbers, rounded to 4 significant figures.',
    }),
  })
  .meta({ id: 'Exercise' });
