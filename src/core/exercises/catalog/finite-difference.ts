/**
 * The gradient check as an exercise: backpropagate a sigmoid neuron, then estimate the same
 * derivatives with central finite differences, (L(w + ε) - L(w - ε)) / (2ε), and compare. The
 * statement's paragraph on how a gradient check goes, and its tip on digits, are the authored
 * writer's for every exercise that asks an `fd(...)` key.
 */
import { say } from '../../../text.js';
import { type CatalogueEntry, LEARNING_RATES } from './entry.js';
import { MIN_HALF_SQUARED_ERROR, NEURON_INPUTS } from './neurons.js';

/** Large enough that L(w ± ε) differ in the 4th significant figure, small enough that fd agrees with backprop to ~1e-7. */
const EPSILON = 1e-3;

export const finiteDifferenceEntry: CatalogueEntry = {
  id: 'finite-difference-sigmoid',
  title: say(
    'Gradient check: backpropagation against finite differences',
    'Verificação do gradiente: retropropagação contra diferenças finitas',
  ),
  description: say(
    'The gradients of a sigmoid neuron with squared-error loss by backpropagation, checked with central finite differences.',
    'Os gradientes de um neurônio sigmoide com perda de erro quadrático pela retropropagação, conferidos com diferenças finitas centrais.',
  ),
  exercise: {
    title: { en: 'Gradient check with finite differences', 'pt-BR': 'Verificação do gradiente com diferenças finitas' },
    neuron: {
      ...NEURON_INPUTS,
      y: { min: 0, max: 1, decimals: 1 },
      activation: 'sigmoid',
      loss: 'half_squared_error',
    },
    constraints: { maxPreactivation: 2.5, minLoss: MIN_HALF_SQUARED_ERROR, nonzeroGradients: true },
    ask: ['L', 'dL/dw', 'fd(dL/dw)', 'dL/db', 'fd(dL/db)'],
    // No key steps: the rate is drawn only so that the stream, and every (template, seed), stays as it was.
    learningRate: LEARNING_RATES,
    epsilon: EPSILON,
  },
};
