/**
 * The gradient check as an exercise: backpropagate a sigmoid neuron, then estimate the same
 * derivatives with central finite differences, (L(w + ε) - L(w - ε)) / (2ε), and compare.
 */
import { say } from '../../text.js';
import type { Prose } from './format.js';
import type { ExerciseSpec, Solved } from './solve.js';
import { LEARNING_RATES, type Template, num } from './template.js';
import { askFor, computes, howToAnswer } from './words.js';

const KEYS = ['L', 'dL/dw', 'fd(dL/dw)', 'dL/db', 'fd(dL/db)'] as const;

/** Large enough that L(w ± ε) differ in the 4th significant figure, small enough that fd agrees with backprop to ~1e-7. */
const EPSILON = 1e-3;

const problemOf = (x: number, w: number, b: number, y: number, learningRate: number): ExerciseSpec => ({
  neuron: { x, w, b, y, activation: 'sigmoid', loss: 'half_squared_error' },
  learningRate,
  epsilon: EPSILON,
});

export const finiteDifferenceTemplate: Template = {
  id: 'finite-difference-sigmoid',
  title: say(
    'Gradient check: backpropagation against finite differences',
    'Verificação do gradiente: retropropagação contra diferenças finitas',
  ),
  description: say(
    'The gradients of a sigmoid neuron with squared-error loss by backpropagation, checked with central finite differences.',
    'Os gradientes de um neurônio sigmoide com perda de erro quadrático pela retropropagação, conferidos com diferenças finitas centrais.',
  ),
  answerKeys: KEYS,
  draw: (rng) =>
    problemOf(
      rng.decimal(-3, 3, 1, 0.5),
      rng.decimal(-1, 1, 2, 0.1),
      rng.decimal(-1, 1, 1),
      rng.decimal(0, 1, 1),
      rng.pick(LEARNING_RATES),
    ),
  readable: (s) => Math.abs(num(s, 'z')) <= 2.5 && Math.abs(num(s, 'y_hat') - num(s, 'y')) >= 0.1,
  fallback: problemOf(3, -0.2, 0.4, 0, 0.1),
  statement,
};

function statement(s: Solved, p: Prose): string {
  const given = (id: string) => `\`${id} = ${p.given(num(s, id))}\``;
  const eps = p.given(EPSILON);
  return [
    `### ${say('Gradient check with finite differences', 'Verificação do gradiente com diferenças finitas')[p.locale]}`,
    say(
      `A sigmoid neuron receives the input ${given('x')} and has the weight ${given('w')} and the bias ${given('b')}; the target is ${given('y')}.`,
      `Um neurônio sigmoide recebe a entrada ${given('x')} e tem o peso ${given('w')} e o viés ${given('b')}; o valor esperado é ${given('y')}.`,
    )[p.locale],
    say('It computes:', 'Ele calcula:')[p.locale],
    `${computes(s, p)}\n\n${say('where', 'em que')[p.locale]} \`σ(z) = 1 / (1 + e^(−z))\`.`,
    say(
      `Find \`dL/dw\` and \`dL/db\` by backpropagation, then check them the way a gradient check does: nudge the parameter by \`ε = ${eps}\` up and down, run the forward pass again each time, and divide the change in the loss by \`2ε\`.`,
      `Encontre \`dL/dw\` e \`dL/db\` pela retropropagação e depois confira-os como faz uma verificação do gradiente: desloque o parâmetro em \`ε = ${eps}\` para cima e para baixo, refaça o passo para frente em cada caso e divida a variação da perda por \`2ε\`.`,
    )[p.locale],
    askFor(KEYS, p),
    howToAnswer(p),
    say(
      'Tip: `L(w + ε)` and `L(w - ε)` differ only in their later digits, so keep about 10 significant figures of each before you subtract.',
      'Dica: `L(w + ε)` e `L(w - ε)` diferem só nos últimos dígitos; guarde uns 10 algarismos significativos de cada um antes de subtrair.',
    )[p.locale],
  ].join('\n\n');
}
