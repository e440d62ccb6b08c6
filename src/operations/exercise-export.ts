/** POST /v1/exercises/export: an exercise's variants as a question bank to import into an LMS. */
import { generateAuthoredExercise } from '../core/exercises/authored/index.js';
import { authoredDrawWork } from '../core/exercises/authored/work.js';
import {
  EXPORT_FORMATS,
  type ExportFormatName,
  type ExportedVariant,
  slug,
  titleOf,
} from '../core/exercises/export/index.js';
import { findTemplate, generateExercise } from '../core/exercises/index.js';
import { DEFAULT_LIMITS, overLimit } from '../engine/limits.js';
import type { AuthoredExerciseInput } from '../schemas/authored.js';
import { ExerciseExportBody, ExerciseExportResponse, ExerciseExportText } from '../schemas/exercise-export.js';
import { ProblemDetails, errorExamplesNamed } from '../schemas/problem-details.js';
import { type Locale, say } from '../text.js';
import { FileAnswer, operation } from './operation.js';

export interface ExportJob {
  template?: string;
  exercise?: AuthoredExerciseInput;
  seeds: (number | string)[];
  locale: Locale;
  format: ExportFormatName;
}

/**
 * Element operations a variant is counted as: drawing, solving and explaining a template's graph
 * takes a millisecond or more (a network's, three), as long as this much of the engine's work, so
 * that a bank of a dozen variants or more is made on a worker thread, not on the event loop.
 */
const VARIANT_WORK = 25_000;

/** Variants are counted before any is drawn: more than MAX_EXPORT_VARIANTS is a 413 naming the setting. */
function checkVariants(count: number, path: string, max: number): void {
  if (count > max) {
    throw overLimit(
      path,
      { name: 'maxExportVariants', count, max },
      say(
        `the export would hold ${count} variants, more than the limit of ${max}: export fewer seeds at a time`,
        `a exportação teria ${count} variantes, mais que o limite de ${max}: exporte menos sementes por vez`,
      ),
    );
  }
}

export const exerciseExportOperation = operation({
  path: '/v1/exercises/export',
  body: ExerciseExportBody,
  response: ExerciseExportText,
  responseDocument: ExerciseExportResponse,
  errors: { 400: ProblemDetails, 413: ProblemDetails, 415: ProblemDetails, 422: ProblemDetails, 503: ProblemDetails },
  largeBodies: false,
  docs: {
    tags: ['exercises'],
    summary: "A question bank: an exercise's variants as a file to import into an LMS",
    description:
      "Give a template id or an authored exercise (as POST /v1/exercises takes them), the variants (`seeds`, or `count`: seeds 1 to count), a `locale` and a `format`. Each variant is the exercise POST /v1/exercises gives for its seed, and every number in the file is the one POST /v1/gradients gives for that variant, with the tolerance the exercise grades with (as an absolute width around each value, atol + rtol·|value|, where the LMS only takes that). `moodle-xml` answers a Moodle XML file of cloze questions; `qti21` a QTI 2.1 content package (zip); `canvas-qti12` the QTI 1.2 zip Canvas imports; `prairielearn` a PrairieLearn question folder (zip) whose server.py draws the variant from PrairieLearn's variant_seed offline. The file comes as an attachment named after the template or the title. Banks of many variants, or of a large authored exercise, are made on a compute worker.",
    responseDocs: {
      400: {
        description:
          'The body is not JSON (`MALFORMED_JSON`), or the schema refuses it (`VALIDATION`: not exactly one of template and exercise, or of seeds and count; an unknown format).',
        examples: errorExamplesNamed('malformed-json'),
      },
      413: {
        description:
          'More variants than `MAX_EXPORT_VARIANTS` (200 by default; path `seeds` or `count`), or a body over `BODY_LIMIT_BYTES`. The detail names the limit and the count.',
        examples: errorExamplesNamed('body-too-large'),
      },
      422: {
        description:
          'No template has this id (path `template`), or an authored field is wrong (`INVALID_SPEC`, its path under `exercise`), as POST /v1/exercises answers.',
        examples: errorExamplesNamed('unknown-template'),
      },
    },
  },
  // The questions are in the body's language whatever Accept-Language says.
  language: (body) => body.locale,
  prepare: ({ template, exercise, seeds, count, format }, { locale, limits }): ExportJob => {
    const max = limits.maxExportVariants ?? DEFAULT_LIMITS.maxExportVariants;
    checkVariants(seeds?.length ?? count!, seeds ? 'seeds' : 'count', max);
    if (template !== undefined) findTemplate(template);
    return { template, exercise, seeds: seeds ?? Array.from({ length: count! }, (_, i) => i + 1), locale, format };
  },
  work: ({ exercise, seeds }) => seeds.length * Math.max(VARIANT_WORK, exercise ? authoredDrawWork(exercise) : 0),
  run: ({ template, exercise, seeds, locale, format }): FileAnswer => {
    const variants: ExportedVariant[] = seeds.map((seed) =>
      // Each number is a field of the LMS's quiz: the statement says so, not how to send answers under their keys.
      exercise
        ? generateAuthoredExercise(exercise, seed, locale, { answering: 'fields' })
        : generateExercise(template!, seed, locale, 'fields'),
    );
    const stem = template ?? slug(titleOf(variants[0].statement));
    const file = EXPORT_FORMATS[format].write(variants, {
      exercise: exercise ?? { template: template! },
      locale,
      stem,
    });
    return new FileAnswer(file.body, file.type, { 'content-disposition': `attachment; filename="${file.filename}"` });
  },
});
