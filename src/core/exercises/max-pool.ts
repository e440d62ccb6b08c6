/**
 * Max pooling backward by hand (CS231n's max_pool_backward_naive): 2×2 windows, stride 2, on a
 * 4×4 input of distinct numbers (no ties, so no convention decides where a gradient goes), the
 * upstream gradient g = dL/dy given through L = Σ g ⊙ y. Each g goes to the largest element of
 * its window, and the other elements get 0.
 */
import { say } from '../../text.js';
import { decimals, distinctIntegers, given, graphTemplate, node, shaped } from './graph-template.js';

const KEYS = ['y', 'dL/dx'] as const;

function graph(x: number[], g: number[]) {
  return {
    inputs: { x: shaped(x, [1, 1, 4, 4]), g: shaped(g, [1, 1, 2, 2]) },
    nodes: [node('y', 'max_pool2d', ['x'], { kernel: 2 }), node('gy', 'mul', ['g', 'y']), node('L', 'sum', ['gy'])],
    output: 'L',
  };
}

export const maxPoolTemplate = graphTemplate({
  id: 'max-pool-backward',
  title: say('Max pooling: forward and backward', 'Max pooling: passo para frente e para trás'),
  description: say(
    'Max pooling with 2×2 windows and stride 2 on a 4×4 input, then the gradient of the input from a given upstream gradient: each window sends its gradient to its largest element.',
    'Max pooling com janelas 2×2 e passo 2 sobre uma entrada 4×4, depois o gradiente da entrada a partir de um gradiente vindo de cima dado: cada janela manda o seu gradiente para o seu maior elemento.',
  ),
  answerKeys: KEYS,
  meanings: {
    y: say(
      'the output of the pooling, shape `[1, 1, 2, 2]`: the largest element of each 2×2 window',
      'a saída do pooling, forma `[1, 1, 2, 2]`: o maior elemento de cada janela 2×2',
    ),
    'dL/dx': say('the gradient of the input, shape `[1, 1, 4, 4]`', 'o gradiente da entrada, forma `[1, 1, 4, 4]`'),
  },
  // Sixteen different integers: the maximum of every window is unique.
  draw: (rng) => graph(distinctIntegers(rng, 16, -9, 9), decimals(rng, 4, -2, 2, 1, 0.1)),
  readable: () => true,
  fallback: graph([1, 5, -2, 0, 3, -4, 7, 2, -1, 6, -3, 4, 8, -5, 9, -6], [0.5, -1, 2, 0.3]),
  intro: (s, p) =>
    say(
      `A max pooling layer with 2×2 windows and stride 2 (PyTorch's \`F.max_pool2d(x, 2)\`) receives the input ${given(s, p, ['x'])}, of shape \`[N, C, H, W] = [1, 1, 4, 4]\`: four windows that do not overlap. The gradient arriving from above, \`dL/dy\`, is ${given(s, p, ['g'])}: the loss \`L = Σ g ⊙ y\` is the one that has it.`,
      `Uma camada de max pooling com janelas 2×2 e passo 2 (o \`F.max_pool2d(x, 2)\` do PyTorch) recebe a entrada ${given(s, p, ['x'])}, de forma \`[N, C, H, W] = [1, 1, 4, 4]\`: quatro janelas que não se sobrepõem. O gradiente que chega de cima, \`dL/dy\`, é ${given(s, p, ['g'])}: a perda \`L = Σ g ⊙ y\` é a que o tem.`,
    )[p.locale],
  nested: true,
});
