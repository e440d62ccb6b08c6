/**
 * The layer ops of the catalogue (issue 17), one file each: what src/engine/ops.ts merges into
 * its op table.
 */
import { conv2d } from './conv2d.js';
import { dropout } from './dropout.js';
import { embedding } from './embedding.js';
import { batch_norm, layer_norm } from './normalization.js';
import { avg_pool2d, max_pool2d } from './pool2d.js';
import { concat, flatten, slice } from './reshape.js';

export const layerOps = {
  conv2d,
  max_pool2d,
  avg_pool2d,
  batch_norm,
  layer_norm,
  dropout,
  embedding,
  flatten,
  slice,
  concat,
} as const;
