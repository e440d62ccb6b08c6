/**
 * Batch norm backward by hand (CS231n's batchnorm_backward) on N = 3 examples of D = 2 features:
 * the normalized output, then, from a given upstream gradient g = dL/dy (through L = Σ g ⊙ y),
 * dL/dx by the three-term formula, dL/dgamma and dL/dbeta. Training mode: the batch's mean and
 * biased variance, as PyTorch normalizes.
 */
import { say } from '../../text.js';
import { decimals, elements, given, graphTemplate, node, shaped } from './graph-template.js';
import type { Solved } from './solve.js';

const KEYS = ['y', 'dL/dx', 'dL/dgamma', 'dL/dbeta'] as const;

/** Below this biased variance a column's three values are nearly equal: 1/√(σ² + eps) grows large. */
const MIN_VARIANCE = 0.1;

function graph(x: number[], gamma: number[], beta: number[], g: number[]) {
  return {
    inputs: { x: shaped(x, [3, 2]), g: shaped(g, [3, 2]) },
    params: { gamma, beta },
    nodes: [node('y', 'batch_norm', ['x', 'gamma', 'beta']), node('gy', 'mul', ['g', 'y']), node('L', 'sum', ['gy'])],
    output: 'L',
  };
}

/** Each feature's three values spread out, and different from one another. */
function readable(s: Solved): boolean {
  const x = elements(s, 'x');
  return [0, 1].every((d) => {
    const col = [x[d], x[2 + d], x[4 + d]];
    const mean = (col[0] + col[1] + col[2]) / 3;
    const variance = col.reduce((a, v) => a + (v - mean) ** 2, 0) / 3;
    return new Set(col).size === 3 && variance >= MIN_VARIANCE;
  });
}

export const batchNormTemplate = graphTemplate({
  id: 'batch-norm-backward',
  title: say('Batch normalization: forward and backward', 'Normalização em lote: passo para frente e para trás'),
  description: say(
    'Batch normalization of 3 examples with 2 features in training mode, then, from a given upstream gradient, the gradients of the input (the three-term formula), of gamma and of beta.',
    'Normalização em lote de 3 exemplos com 2 atributos no modo de treino, depois, a partir de um gradiente vindo de cima dado, os gradientes da entrada (a fórmula de três termos), de gamma e de beta.',
  ),
  answerKeys: KEYS,
  meanings: {
    y: say(
      'the output, `gamma · x̂ + beta` (a 3×2 matrix), with `x̂ = (x − μ) / √(σ² + eps)` per column',
      'a saída, `gamma · x̂ + beta` (uma matriz 3×2), com `x̂ = (x − μ) / √(σ² + eps)` por coluna',
    ),
    'dL/dx': say(
      'the gradient of the input (a 3×2 matrix): per column, `(gamma / (m·√(σ² + eps))) · (m·g − Σg − x̂·Σ(g·x̂))` with `m = 3`',
      'o gradiente da entrada (uma matriz 3×2): por coluna, `(gamma / (m·√(σ² + eps))) · (m·g − Σg − x̂·Σ(g·x̂))` com `m = 3`',
    ),
    'dL/dgamma': say(
      'the gradient of gamma, `Σ g·x̂` per column (a vector of 2)',
      'o gradiente de gamma, `Σ g·x̂` por coluna (um vetor de 2)',
    ),
    'dL/dbeta': say(
      'the gradient of beta, `Σ g` per column (a vector of 2)',
      'o gradiente de beta, `Σ g` por coluna (um vetor de 2)',
    ),
  },
  draw: (rng) =>
    graph(decimals(rng, 6, -2, 2), decimals(rng, 2, 0.5, 2), decimals(rng, 2, -1, 1), decimals(rng, 6, -1, 1, 1, 0.1)),
  readable,
  fallback: graph([1, -0.5, 0.2, 1.5, -1, 0.4], [1.5, 0.8], [0.1, -0.3], [0.5, -0.2, -0.3, 0.4, 0.1, -0.6]),
  intro: (s, p) =>
    say(
      `A batch normalization layer in training mode (PyTorch's \`F.batch_norm(x, None, None, gamma, beta, training=True)\`) receives a batch of \`N = 3\` examples with \`D = 2\` features, ${given(s, p, ['x'])} (one example a row). Its parameters are ${given(s, p, ['gamma', 'beta'])}. Each column is normalized with its own mean \`μ\` and its **biased** variance \`σ²\` (divided by 3, not 2), with \`eps = 10⁻⁵\`. The gradient arriving from above, \`dL/dy\`, is ${given(s, p, ['g'])}: the loss \`L = Σ g ⊙ y\` is the one that has it.`,
      `Uma camada de normalização em lote no modo de treino (o \`F.batch_norm(x, None, None, gamma, beta, training=True)\` do PyTorch) recebe um lote de \`N = 3\` exemplos com \`D = 2\` atributos, ${given(s, p, ['x'])} (um exemplo por linha). Seus parâmetros são ${given(s, p, ['gamma', 'beta'])}. Cada coluna é normalizada com a sua própria média \`μ\` e a sua variância **enviesada** \`σ²\` (dividida por 3, não por 2), com \`eps = 10⁻⁵\`. O gradiente que chega de cima, \`dL/dy\`, é ${given(s, p, ['g'])}: a perda \`L = Σ g ⊙ y\` é a que o tem.`,
    )[p.locale],
});
