/**
 * A one-channel convolution by hand (CS231n's conv_forward_naive and conv_backward_naive): a 4×4
 * image, a 2×2 kernel, stride 1, a bias; the upstream gradient g = dL/dy given, through the loss
 * L = Σ g ⊙ y, which has it as its gradient. The output, dL/dW (the correlation of x with g),
 * dL/db, dL/dx (g spread back through W) and one step on W.
 */
import { say } from '../../text.js';
import { decimals, elements, given, graphTemplate, node, shaped } from './graph-template.js';
import type { Rng } from './random.js';
import type { Solved } from './solve.js';

const KEYS = ['y', 'dL/dW', 'dL/db', 'dL/dx', 'step(W)'] as const;

const integers = (rng: Rng, n: number, lo: number, hi: number): number[] =>
  Array.from({ length: n }, () => rng.int(lo, hi));
/** The upstream gradient: small integers, none 0 (a 0 would leave its window out of every sum). */
const upstream = (rng: Rng): number[] => Array.from({ length: 9 }, () => rng.pick([-2, -1, 1, 2]));

function graph(x: number[], W: number[], b: number, g: number[]) {
  return {
    inputs: { x: shaped(x, [1, 1, 4, 4]), g: shaped(g, [1, 1, 3, 3]) },
    params: { W: shaped(W, [1, 1, 2, 2]), b: [b] },
    nodes: [node('y', 'conv2d', ['x', 'W', 'b']), node('gy', 'mul', ['g', 'y']), node('L', 'sum', ['gy'])],
    output: 'L',
  };
}

/** Every element of dL/dW is a sum of 9 products of small integers: none of them 0, so none is a freebie. */
const readable = (s: Solved): boolean =>
  elements(s, 'x').some((v) => v !== 0) && s.answer('dL/dW').data.every((v) => v !== 0);

export const conv2dTemplate = graphTemplate({
  id: 'conv2d-1channel',
  title: say(
    'A one-channel convolution: forward and backward',
    'Uma convolução de um canal: passo para frente e para trás',
  ),
  description: say(
    'A 2×2 kernel slid over a 4×4 image with stride 1, plus a bias; then, from a given upstream gradient, the gradients of the kernel, the bias and the image, and one gradient-descent step on the kernel.',
    'Um kernel 2×2 deslizado sobre uma imagem 4×4 com passo 1, mais um viés; depois, a partir de um gradiente vindo de cima dado, os gradientes do kernel, do viés e da imagem, e um passo do gradiente descendente no kernel.',
  ),
  answerKeys: KEYS,
  meanings: {
    y: say(
      'the output of the convolution, shape `[1, 1, 3, 3]`: `y[i, j] = Σ_{u,v} x[i + u, j + v] · W[u, v] + b`',
      'a saída da convolução, forma `[1, 1, 3, 3]`: `y[i, j] = Σ_{u,v} x[i + u, j + v] · W[u, v] + b`',
    ),
    'dL/dW': say(
      'the gradient of the kernel, shape `[1, 1, 2, 2]`: the correlation of `x` with `g`, `dL/dW[u, v] = Σ_{i,j} g[i, j] · x[i + u, j + v]`',
      'o gradiente do kernel, forma `[1, 1, 2, 2]`: a correlação de `x` com `g`, `dL/dW[u, v] = Σ_{i,j} g[i, j] · x[i + u, j + v]`',
    ),
    'dL/db': say('the gradient of the bias, `Σ g` (a vector of 1)', 'o gradiente do viés, `Σ g` (um vetor de 1)'),
    'dL/dx': say(
      'the gradient of the image, shape `[1, 1, 4, 4]`: each `g[i, j]` spread back over its window through `W`, `dL/dx[i + u, j + v] += g[i, j] · W[u, v]`',
      'o gradiente da imagem, forma `[1, 1, 4, 4]`: cada `g[i, j]` espalhado de volta sobre a sua janela através de `W`, `dL/dx[i + u, j + v] += g[i, j] · W[u, v]`',
    ),
    'step(W)': say(
      'the kernel after one gradient-descent step, `W - η·dL/dW`',
      'o kernel após um passo do gradiente descendente, `W - η·dL/dW`',
    ),
  },
  // Small integers in the image and the gradient, one decimal in the kernel and the bias.
  draw: (rng) => graph(integers(rng, 16, -3, 3), decimals(rng, 4, -1, 1, 1, 0.1), rng.decimal(-1, 1, 1), upstream(rng)),
  readable,
  fallback: graph(
    [1, 2, 0, -1, 0, 1, 3, 1, 2, -1, 1, 0, 1, 0, -2, 1],
    [1, -0.5, 0.5, 0.2],
    0.1,
    [1, -1, 2, -1, 1, -2, 1, 2, -1],
  ),
  intro: (s, p) =>
    say(
      `A convolution layer with one input channel and one filter (PyTorch's \`F.conv2d(x, W, b)\`, stride 1, no padding) receives the image ${given(s, p, ['x'])}, of shape \`[N, C, H, W] = [1, 1, 4, 4]\`. Its kernel is ${given(s, p, ['W'])} and its bias ${given(s, p, ['b'])}. As in PyTorch, the convolution does not flip the kernel (it is a cross-correlation). The gradient arriving from above, \`dL/dy\`, is ${given(s, p, ['g'])}: the loss \`L = Σ g ⊙ y\` is the one that has it. The learning rate is \`η = ${p.given(s.problem.learningRate)}\`.`,
      `Uma camada de convolução com um canal de entrada e um filtro (o \`F.conv2d(x, W, b)\` do PyTorch, passo 1, sem preenchimento) recebe a imagem ${given(s, p, ['x'])}, de forma \`[N, C, H, W] = [1, 1, 4, 4]\`. Seu kernel é ${given(s, p, ['W'])} e seu viés ${given(s, p, ['b'])}. Como no PyTorch, a convolução não inverte o kernel (é uma correlação cruzada). O gradiente que chega de cima, \`dL/dy\`, é ${given(s, p, ['g'])}: a perda \`L = Σ g ⊙ y\` é a que o tem. A taxa de aprendizado é \`η = ${p.given(s.problem.learningRate)}\`.`,
    )[p.locale],
  nested: true,
});
