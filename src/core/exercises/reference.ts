/**
 * Grading by reference: an exercise (authored, or a template's id) and a seed name one problem,
 * which the server draws again, the same as POST /v1/exercises drew it.
 */
import { SpecError, specError } from '../../engine/errors.js';
import type { ExerciseReferenceInput } from '../../schemas/authored.js';
import { authoredProblem } from './authored/index.js';
import { type TemplateSource, findTemplate, templateProblem } from './index.js';
import type { ExerciseSpec } from './solve.js';

export function referencedProblem(exercise: ExerciseReferenceInput, seed: number | string): ExerciseSpec {
  if ('template' in exercise) {
    let template: TemplateSource;
    try {
      template = findTemplate(exercise.template);
    } catch (error) {
      // The template is named inside the exercise here.
      if (!(error instanceof SpecError)) throw error;
      throw specError(error.code, 'exercise.template', error.localized[0].message);
    }
    return templateProblem(template, seed);
  }
  return authoredProblem(exercise, seed);
}
