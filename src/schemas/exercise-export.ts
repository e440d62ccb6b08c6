/** Request and response schemas of POST /v1/exercises/export: an exercise's variants as a question bank to import. */
import { z } from 'zod';
import { EXPORT_FORMATS, exportFormatNames } from '../core/exercises/export/index.js';
import { locales, say } from '../text.js';
import { AuthoredExercise, TemplateId, oneExercise } from './authored.js';
import { tutorialActivity } from './examples.js';
import { ExerciseSeed } from './exercises.js';
import { schemaMessage } from './validate.js';

/** Each format (of one media type) and what its file holds, for the documentation. */
const formatList = (mediaType?: string): string =>
  Object.entries(EXPORT_FORMATS)
    .filter(([, f]) => mediaType === undefined || f.mediaType === mediaType)
    .map(([name, f]) => `\`${name}\`: ${f.description}`)
    .join(' ');

export const ExerciseExportBody = z
  .strictObject({
    template: TemplateId.optional(),
    exercise: AuthoredExercise.optional().meta({ description: 'An authored exercise, instead of a template.' }),
    seeds: z
      .array(ExerciseSeed)
      .min(1)
      .optional()
      .meta({ description: 'The seed of each variant, in the order of the bank (instead of `count`).' }),
    count: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'How many variants: seeds 1 to count (instead of `seeds`).', example: 20 }),
    locale: z.enum(locales).optional().meta({
      description: 'The language of the questions; from Accept-Language (pt... gives pt-BR) when absent, else en.',
    }),
    format: z.enum(exportFormatNames).meta({ description: `The file to answer. ${formatList()}` }),
  })
  .refine(...oneExercise)
  .refine((body) => (body.seeds === undefined) !== (body.count === undefined), {
    error: () => schemaMessage(say('give exactly one of seeds or count', 'envie exatamente um de seeds ou count')),
  })
  .meta({
    description:
      'A template or an authored exercise, its variants (exactly one of seeds and count), a language and a file format.',
    oneOf: [{ required: ['template'] }, { required: ['exercise'] }],
    'x-examples': {
      moodle: {
        summary: 'Three variants of the sigmoid neuron, for a Moodle quiz, in Brazilian Portuguese',
        value: { template: 'neuron-sigmoid', count: 3, locale: 'pt-BR', format: 'moodle-xml' },
      },
      authored: {
        summary: "The tutorial's activity, authored, one variant per student id",
        value: { exercise: tutorialActivity, seeds: ['s2026-0042', 's2026-0043'], locale: 'en', format: 'moodle-xml' },
      },
      qti21: {
        summary: 'Three variants of the 2-2-1 network as a QTI 2.1 package (a zip), in English',
        value: { template: 'network-2-2-1', count: 3, locale: 'en', format: 'qti21' },
      },
      canvas: {
        summary:
          'Three variants of the tanh neuron for Canvas quizzes (QTI 1.2 zip, a quiz per variant), in Brazilian Portuguese',
        value: { template: 'neuron-tanh', count: 3, locale: 'pt-BR', format: 'canvas-qti12' },
      },
      prairielearn: {
        summary: "The tutorial's activity as a PrairieLearn question folder (a zip), five variants",
        value: { exercise: tutorialActivity, count: 5, locale: 'pt-BR', format: 'prairielearn' },
      },
    },
  });

/** The file as text: what an answer computed on a worker thread is checked against; ExerciseExportResponse documents it. */
export const ExerciseExportText = z.string();

/** The 200 answer in each format's content type: XML as text, a zip as bytes. */
export const ExerciseExportResponse = {
  description:
    'The question bank, as a file to import (`Content-Disposition: attachment; filename="<template id or title>-<format>.<xml or zip>"`).',
  content: {
    'application/xml': {
      schema: z.string().meta({ description: `An XML file, UTF-8. ${formatList('application/xml')}` }),
    },
    'application/zip': {
      schema: z.string().meta({ format: 'binary', description: `A zip file. ${formatList('application/zip')}` }),
    },
  },
};
