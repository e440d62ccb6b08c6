/**
 * Backpropagation through time by hand (CS231n's rnn_step_backward, two steps): a vanilla RNN
 * with 2 hidden units unrolled over 2 steps, h_t = tanh(W_xh·x_t + W_hh·h_(t−1) + b), with the
 * squared error of h2. W_hh, W_xh and b are the same params at both steps, so each gradient is the
 * sum of the two steps' contributions (the engine adds a param's uses, as autograd does).
 */
import { say } from '../../text.js';
import { decimals, elements, given, graphTemplate, node } from './graph-template.js';
import type { Solved } from './solve.js';

const KEYS = ['h1', 'h2', 'L', 'dL/dh2', 'dL/dz2', 'dL/dh1', 'dL/dz1', 'dL/dW_hh', 'dL/dW_xh', 'dL/db'] as const;

/** tanh flattens beyond this: every gradient through it shrinks toward 0. */
const MAX_ABS_Z = 2;
const MIN_ERROR = 0.1;
/** The first step's share of dL/dW_hh (dL/dz1 · h0ᵀ) stays visible: what "summed over the steps" is about. */
const MIN_FIRST_STEP = 0.05;

/** One step t: z_t = W_xh·x_t + W_hh·h_(t−1) + b, h_t = tanh(z_t). */
const step = (t: number) => [
  node(`u${t}`, 'matmul', ['W_xh', `x${t}`]),
  node(`v${t}`, 'matmul', ['W_hh', `h${t - 1}`]),
  node(`s${t}`, 'add', [`u${t}`, `v${t}`]),
  node(`z${t}`, 'add', [`s${t}`, 'b']),
  node(`h${t}`, 'tanh', [`z${t}`]),
];

function graph(x1: number, x2: number, h0: number[], Wxh: number[], Whh: number[], b: number[], y: number[]) {
  return {
    inputs: { x1: [x1], x2: [x2], h0, y },
    params: {
      W_xh: [[Wxh[0]], [Wxh[1]]],
      W_hh: [
        [Whh[0], Whh[1]],
        [Whh[2], Whh[3]],
      ],
      b,
    },
    nodes: [...step(1), ...step(2), node('L', 'half_squared_error', ['h2', 'y'])],
    output: 'L',
  };
}

function readable(s: Solved): boolean {
  const z = [...elements(s, 'z1'), ...elements(s, 'z2')];
  const h2 = elements(s, 'h2'),
    y = elements(s, 'y');
  return (
    z.every((v) => Math.abs(v) <= MAX_ABS_Z) &&
    h2.some((v, i) => Math.abs(v - y[i]) >= MIN_ERROR) &&
    Array.from(s.answer('dL/dz1').data).some((v) => Math.abs(v) >= MIN_FIRST_STEP)
  );
}

const vector2 = say('(a vector of 2)', '(um vetor de 2)');

export const rnnTemplate = graphTemplate({
  id: 'rnn-bptt',
  title: say(
    'A vanilla RNN over two steps: backpropagation through time',
    'Uma RNN simples em dois passos: retropropagação no tempo',
  ),
  description: say(
    'A recurrent network with 2 hidden units unrolled over 2 steps, h_t = tanh(W_xh·x_t + W_hh·h_(t−1) + b), the squared error of its last state, and the gradients through time: W_hh is used at both steps, and its gradient sums both.',
    'Uma rede recorrente com 2 unidades ocultas desenrolada em 2 passos, h_t = tanh(W_xh·x_t + W_hh·h_(t−1) + b), o erro quadrático do seu último estado e os gradientes no tempo: W_hh é usada nos dois passos, e o seu gradiente soma os dois.',
  ),
  answerKeys: KEYS,
  meanings: {
    h1: say(
      `the hidden state after step 1, \`tanh(z1)\` ${vector2.en}`,
      `o estado oculto após o passo 1, \`tanh(z1)\` ${vector2['pt-BR']}`,
    ),
    h2: say(
      `the hidden state after step 2, \`tanh(z2)\` ${vector2.en}`,
      `o estado oculto após o passo 2, \`tanh(z2)\` ${vector2['pt-BR']}`,
    ),
    'dL/dh2': say(`the gradient of the last state ${vector2.en}`, `o gradiente do último estado ${vector2['pt-BR']}`),
    'dL/dz2': say(
      `the gradient of step 2's pre-activation ${vector2.en}`,
      `o gradiente da pré-ativação do passo 2 ${vector2['pt-BR']}`,
    ),
    'dL/dh1': say(
      `the gradient of the first state, which reaches it through \`W_hh\` at step 2 ${vector2.en}`,
      `o gradiente do primeiro estado, que chega a ele através de \`W_hh\` no passo 2 ${vector2['pt-BR']}`,
    ),
    'dL/dz1': say(
      `the gradient of step 1's pre-activation ${vector2.en}`,
      `o gradiente da pré-ativação do passo 1 ${vector2['pt-BR']}`,
    ),
    'dL/dW_hh': say(
      'the gradient of `W_hh` (a 2×2 matrix), summed over both steps: `dL/dz2 · h1ᵀ + dL/dz1 · h0ᵀ`',
      'o gradiente de `W_hh` (uma matriz 2×2), somado sobre os dois passos: `dL/dz2 · h1ᵀ + dL/dz1 · h0ᵀ`',
    ),
    'dL/dW_xh': say(
      'the gradient of `W_xh` (a 2×1 matrix), summed over both steps',
      'o gradiente de `W_xh` (uma matriz 2×1), somado sobre os dois passos',
    ),
    'dL/db': say(
      `the gradient of \`b\`, summed over both steps ${vector2.en}`,
      `o gradiente de \`b\`, somado sobre os dois passos ${vector2['pt-BR']}`,
    ),
  },
  draw: (rng) =>
    graph(
      rng.decimal(-2, 2, 1, 0.2),
      rng.decimal(-2, 2, 1, 0.2),
      decimals(rng, 2, -1, 1, 1, 0.1),
      decimals(rng, 2, -1, 1, 1, 0.1),
      decimals(rng, 4, -1, 1, 1, 0.1),
      decimals(rng, 2, -0.5, 0.5),
      decimals(rng, 2, -1, 1),
    ),
  readable,
  fallback: graph(1, -0.5, [0.5, -0.3], [0.4, -0.6], [0.5, -0.2, 0.3, 0.8], [0.1, 0], [0.5, -0.5]),
  intro: (s, p) =>
    say(
      `A recurrent layer with 2 hidden units reads a sequence of two inputs, ${given(s, p, ['x1', 'x2'])}, starting from the state ${given(s, p, ['h0'])}. Its params, shared by both steps, are ${given(s, p, ['W_xh', 'W_hh', 'b'])}. The loss is the squared error of the last state against ${given(s, p, ['y'])}.`,
      `Uma camada recorrente com 2 unidades ocultas lê uma sequência de duas entradas, ${given(s, p, ['x1', 'x2'])}, a partir do estado ${given(s, p, ['h0'])}. Seus parâmetros, compartilhados pelos dois passos, são ${given(s, p, ['W_xh', 'W_hh', 'b'])}. A perda é o erro quadrático do último estado em relação a ${given(s, p, ['y'])}.`,
    )[p.locale],
  notes: (_s, p) =>
    say(
      '`W_hh`, `W_xh` and `b` are used at both steps: backpropagation through time adds the contributions of each use.',
      '`W_hh`, `W_xh` e `b` são usados nos dois passos: a retropropagação no tempo soma as contribuições de cada uso.',
    )[p.locale],
});
