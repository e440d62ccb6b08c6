/** The layer templates, in the order GET /v1/exercises/templates lists them after the catalogue's (catalog/index.ts). */
import { batchNormTemplate } from './batch-norm.js';
import { conv2dTemplate } from './conv2d.js';
import { lstmTemplate } from './lstm.js';
import { maxPoolTemplate } from './max-pool.js';
import { rnnTemplate } from './rnn.js';
import { softmaxCrossEntropyTemplate } from './softmax-ce.js';
import type { Template } from './template.js';

// The layers of a deep-learning course, as graphs of the layer ops.
export const layerTemplates: readonly Template[] = [
  conv2dTemplate,
  maxPoolTemplate,
  batchNormTemplate,
  rnnTemplate,
  lstmTemplate,
  softmaxCrossEntropyTemplate,
];
