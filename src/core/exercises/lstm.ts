/**
 * One LSTM cell step by hand (CS231n's lstm_step_forward and lstm_step_backward), built from the
 * graph's own ops: gates = W·x + U·h + b (4 rows, one hidden unit), sliced in PyTorch's order
 * i, f, g, o; c_next = f ⊙ c + i ⊙ g, h_next = o ⊙ tanh(c_next); the squared error of h_next.
 */
import { say } from '../../text.js';
import { decimals, elements, given, graphTemplate, node } from './graph-template.js';
import type { Solved } from './solve.js';

const KEYS = [
  'i',
  'f',
  'g',
  'o',
  'c_next',
  'h_next',
  'L',
  'dL/dh_next',
  'dL/dc_next',
  'dL/dgates',
  'dL/dc',
  'dL/dh',
  'dL/dW',
] as const;

/** Gate pre-activations beyond this saturate their sigmoid or tanh. */
const MAX_ABS_GATE = 2.5;
const MAX_ABS_C = 2;
const MIN_ERROR = 0.1;

/** The gates in PyTorch's order: row k of `gates` is gate k. */
const GATES = [
  ['i', 'sigmoid'],
  ['f', 'sigmoid'],
  ['g', 'tanh'],
  ['o', 'sigmoid'],
] as const;

function graph(x: number[], h: number, c: number, W: number[], U: number[], b: number[], y: number) {
  return {
    inputs: { x, h: [h], c: [c], y: [y] },
    params: { W: [0, 1, 2, 3].map((k) => [W[2 * k], W[2 * k + 1]]), U: U.map((u) => [u]), b },
    nodes: [
      node('Wx', 'matmul', ['W', 'x']),
      node('Uh', 'matmul', ['U', 'h']),
      node('s', 'add', ['Wx', 'Uh']),
      node('gates', 'add', ['s', 'b']),
      ...GATES.flatMap(([gate, f], k) => [
        node(`a_${gate}`, 'slice', ['gates'], { axis: 0, start: k, end: k + 1 }),
        node(gate, f, [`a_${gate}`]),
      ]),
      node('fc', 'mul', ['f', 'c']),
      node('ig', 'mul', ['i', 'g']),
      node('c_next', 'add', ['fc', 'ig']),
      node('tc', 'tanh', ['c_next']),
      node('h_next', 'mul', ['o', 'tc']),
      node('L', 'half_squared_error', ['h_next', 'y']),
    ],
    output: 'L',
  };
}

function readable(s: Solved): boolean {
  return (
    elements(s, 'gates').every((v) => Math.abs(v) <= MAX_ABS_GATE) &&
    Math.abs(elements(s, 'c_next')[0]) <= MAX_ABS_C &&
    Math.abs(elements(s, 'h_next')[0] - elements(s, 'y')[0]) >= MIN_ERROR
  );
}

const one = say('(a vector of 1)', '(um vetor de 1)');

export const lstmTemplate = graphTemplate({
  id: 'lstm-step',
  title: say('One LSTM cell step: forward and backward', 'Um passo de uma célula LSTM: para frente e para trás'),
  description: say(
    'One step of an LSTM cell with one hidden unit, built from slice, sigmoid, tanh, mul and add: the gates, the new cell and hidden states, and the gradients back to the gates, the previous states and the input weights.',
    'Um passo de uma célula LSTM com uma unidade oculta, construída com slice, sigmoid, tanh, mul e add: as portas, os novos estados da célula e oculto, e os gradientes de volta até as portas, os estados anteriores e os pesos da entrada.',
  ),
  answerKeys: KEYS,
  meanings: {
    i: say(`the input gate, \`σ(gates[0])\` ${one.en}`, `a porta de entrada, \`σ(gates[0])\` ${one['pt-BR']}`),
    f: say(`the forget gate, \`σ(gates[1])\` ${one.en}`, `a porta de esquecimento, \`σ(gates[1])\` ${one['pt-BR']}`),
    g: say(
      `the candidate cell, \`tanh(gates[2])\` ${one.en}`,
      `a célula candidata, \`tanh(gates[2])\` ${one['pt-BR']}`,
    ),
    o: say(`the output gate, \`σ(gates[3])\` ${one.en}`, `a porta de saída, \`σ(gates[3])\` ${one['pt-BR']}`),
    c_next: say(
      `the new cell state, \`f ⊙ c + i ⊙ g\` ${one.en}`,
      `o novo estado da célula, \`f ⊙ c + i ⊙ g\` ${one['pt-BR']}`,
    ),
    h_next: say(
      `the new hidden state, \`o ⊙ tanh(c_next)\` ${one.en}`,
      `o novo estado oculto, \`o ⊙ tanh(c_next)\` ${one['pt-BR']}`,
    ),
    'dL/dh_next': say(
      `the gradient of the new hidden state ${one.en}`,
      `o gradiente do novo estado oculto ${one['pt-BR']}`,
    ),
    'dL/dc_next': say(
      `the gradient of the new cell state ${one.en}`,
      `o gradiente do novo estado da célula ${one['pt-BR']}`,
    ),
    'dL/dgates': say(
      'the gradient of the four gate pre-activations, in the order i, f, g, o (a vector of 4)',
      'o gradiente das quatro pré-ativações das portas, na ordem i, f, g, o (um vetor de 4)',
    ),
    'dL/dc': say(
      `the gradient of the previous cell state, \`dL/dc_next ⊙ f\` ${one.en}`,
      `o gradiente do estado anterior da célula, \`dL/dc_next ⊙ f\` ${one['pt-BR']}`,
    ),
    'dL/dh': say(
      `the gradient of the previous hidden state, through \`U\` ${one.en}`,
      `o gradiente do estado oculto anterior, através de \`U\` ${one['pt-BR']}`,
    ),
    'dL/dW': say('the gradient of `W` (a 4×2 matrix)', 'o gradiente de `W` (uma matriz 4×2)'),
  },
  draw: (rng) =>
    graph(
      decimals(rng, 2, -1, 1, 1, 0.1),
      rng.decimal(-1, 1, 1),
      rng.decimal(-1, 1, 1, 0.1),
      decimals(rng, 8, -1, 1),
      decimals(rng, 4, -1, 1),
      decimals(rng, 4, -0.5, 0.5),
      rng.decimal(-1, 1, 1),
    ),
  readable,
  fallback: graph(
    [1, -0.5],
    0.2,
    0.5,
    [0.5, -0.3, 0.2, 0.4, -0.6, 0.1, 0.3, 0.7],
    [0.1, -0.2, 0.4, 0.3],
    [0, 0.5, 0.1, -0.2],
    0.8,
  ),
  intro: (s, p) =>
    say(
      `An LSTM cell with one hidden unit receives the input ${given(s, p, ['x'])}, the previous hidden state ${given(s, p, ['h'])} and the previous cell state ${given(s, p, ['c'])}. Its params are ${given(s, p, ['W', 'U', 'b'])}: row \`k\` of \`W\`, \`U\` and \`b\` belongs to gate \`k\`. The loss is the squared error of the new hidden state against ${given(s, p, ['y'])}.`,
      `Uma célula LSTM com uma unidade oculta recebe a entrada ${given(s, p, ['x'])}, o estado oculto anterior ${given(s, p, ['h'])} e o estado anterior da célula ${given(s, p, ['c'])}. Seus parâmetros são ${given(s, p, ['W', 'U', 'b'])}: a linha \`k\` de \`W\`, \`U\` e \`b\` pertence à porta \`k\`. A perda é o erro quadrático do novo estado oculto em relação a ${given(s, p, ['y'])}.`,
    )[p.locale],
  notes: (_s, p) =>
    say(
      "The gates are sliced from `gates` in **PyTorch's order i, f, g, o** (`nn.LSTM`: input, forget, cell candidate, output). CS231n's assignment orders them i, f, o, g: there, rows 2 and 3 are swapped.",
      'As portas são cortadas de `gates` na **ordem do PyTorch, i, f, g, o** (`nn.LSTM`: entrada, esquecimento, candidata da célula, saída). O trabalho do CS231n as ordena i, f, o, g: lá, as linhas 2 e 3 estão trocadas.',
    )[p.locale],
});
