/**
 * The table of operations: every POST route of the service, what the routes
 * (src/http/operation-routes.ts), the library (src/index.ts) and the worker threads run. Adding
 * a route is adding an entry here (and its tests). The order is the OpenAPI document's.
 */
import { exerciseOperation } from './exercise.js';
import { exerciseExportOperation } from './exercise-export.js';
import { explainOperation } from './explain.js';
import { forwardOperation } from './forward.js';
import { gradcheckOperation } from './gradcheck.js';
import { gradeOperation } from './grade.js';
import { gradientsOperation } from './gradients.js';
import { renderOperation } from './render.js';
import { stepOperation } from './step.js';

export const operations = {
  forward: forwardOperation,
  gradients: gradientsOperation,
  step: stepOperation,
  gradcheck: gradcheckOperation,
  grade: gradeOperation,
  explain: explainOperation,
  exercise: exerciseOperation,
  exportExercises: exerciseExportOperation,
  render: renderOperation,
};

export type OperationName = keyof typeof operations;
