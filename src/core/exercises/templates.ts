/** The exercise templates, in the order GET /v1/exercises/templates lists them. */
import { batchNormTemplate } from './batch-norm.js';
import { conv2dTemplate } from './conv2d.js';
import { finiteDifferenceTemplate } from './finite-difference.js';
import { lstmTemplate } from './lstm.js';
import { maxPoolTemplate } from './max-pool.js';
import { networkTemplate } from './network.js';
import { neuronTemplate } from './neuron.js';
import { rnnTemplate } from './rnn.js';
import { softmaxCrossEntropyTemplate } from './softmax-ce.js';
import type { Template } from './template.js';

/** sigmoid and tanh flatten beyond this: every gradient shrinks toward 0. */
const saturates = (z: number) => Math.abs(z) <= 2.5;

export const templates: readonly Template[] = [
  neuronTemplate({
    id: 'neuron-sigmoid',
    activation: 'sigmoid',
    loss: 'half_squared_error',
    target: (rng) => rng.decimal(0, 1, 1),
    zReadable: saturates,
    fallback: { x: 3, w: -0.2, b: 0.4, y: 0, learningRate: 0.1 }, // the tutorial's numbers
  }),
  neuronTemplate({
    id: 'neuron-tanh',
    activation: 'tanh',
    loss: 'half_squared_error',
    target: (rng) => rng.decimal(-1, 1, 1),
    zReadable: saturates,
    fallback: { x: 1.5, w: 0.4, b: -0.1, y: -0.5, learningRate: 0.1 },
  }),
  neuronTemplate({
    id: 'neuron-relu',
    activation: 'relu',
    loss: 'half_squared_error',
    target: (rng) => rng.decimal(0, 2, 1),
    // The active side only, clear of the kink: with z < 0 every backward answer is 0, a lesson
    // worth learning once (the leaky ReLU exercise has the negative side), not at every seed.
    zReadable: (z) => z >= 0.2 && z <= 3,
    fallback: { x: 2, w: 0.3, b: 0.1, y: 1, learningRate: 0.1 },
  }),
  neuronTemplate({
    id: 'neuron-leaky-relu',
    activation: 'leaky_relu',
    loss: 'half_squared_error',
    target: (rng) => rng.decimal(-1, 2, 1),
    zReadable: (z) => Math.abs(z) >= 0.2 && Math.abs(z) <= 3,
    fallback: { x: 2, w: -0.3, b: 0.1, y: 0.5, learningRate: 0.5 },
  }),
  neuronTemplate({
    id: 'neuron-softplus',
    activation: 'softplus',
    loss: 'half_squared_error',
    target: (rng) => rng.decimal(0, 3, 1),
    zReadable: (z) => Math.abs(z) <= 3,
    fallback: { x: 1, w: 0.5, b: 0.2, y: 2, learningRate: 0.1 },
  }),
  neuronTemplate({
    id: 'neuron-identity',
    activation: 'identity',
    loss: 'half_squared_error',
    target: (rng) => rng.decimal(-2, 2, 1),
    zReadable: (z) => Math.abs(z) <= 3,
    fallback: { x: 2, w: 0.25, b: -0.1, y: 1, learningRate: 0.05 },
  }),
  neuronTemplate({
    id: 'neuron-sigmoid-mse',
    activation: 'sigmoid',
    loss: 'mse',
    target: (rng) => rng.decimal(0, 1, 1),
    zReadable: saturates,
    fallback: { x: 3, w: -0.2, b: 0.4, y: 0, learningRate: 0.1 },
  }),
  neuronTemplate({
    id: 'neuron-sigmoid-bce',
    activation: 'sigmoid',
    loss: 'bce',
    // Binary labels: the case cross-entropy is for, and L reads as -ln(y_hat) or -ln(1 - y_hat).
    target: (rng) => rng.pick([0, 1]),
    zReadable: saturates,
    fallback: { x: 3, w: -0.2, b: 0.4, y: 1, learningRate: 0.1 },
  }),
  networkTemplate,
  finiteDifferenceTemplate,
  // The layers of a deep-learning course, as graphs of the layer ops.
  conv2dTemplate,
  maxPoolTemplate,
  batchNormTemplate,
  rnnTemplate,
  lstmTemplate,
  softmaxCrossEntropyTemplate,
];
