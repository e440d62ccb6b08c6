/** Every operation of the service by name: what the routes, the library and the worker threads run. */
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
  render: renderOperation,
};

export type OperationName = keyof typeof operations;
