/**
 * The words of an explanation in both languages, with the tutorial's Portuguese terms: passo
 * para frente, derivada local, passo para trás, regra da cadeia, gradiente, perda, atualização,
 * taxa de aprendizado. Each phase has one name in every route and doc (test/core/explain/pt-br-terms.test.ts);
 * retropropagação is the algorithm as a whole, never a phase.
 */
import { type Localized, say } from '../../text.js';
import { READING_SIGFIGS } from '../notation/numbers.js';
import type { Phase } from './steps.js';

export const words = {
  heading: {
    forward: say('Forward pass', 'Passo para frente'),
    local: say('Local derivatives', 'Derivadas locais'),
    backward: say('Backward pass (chain rule)', 'Passo para trás (regra da cadeia)'),
    update: say('Update', 'Atualização'),
    gradcheck: say('Finite-difference check', 'Verificação por diferenças finitas'),
  } satisfies Record<Phase, Localized>,
  given: say('Given', 'Dados'),
  layer: say('Layer', 'Camada'),
  /** The heading of a network's loss, after its layers. */
  loss: say('Loss', 'Perda'),
  /** The sentence under each heading; update and gradcheck get their setting written in. */
  intro: {
    forward: say(
      'Each node from its inputs, in the order of evaluation.',
      'Cada nó a partir das suas entradas, na ordem de avaliação.',
    ),
    local: say(
      'The derivative of each node with respect to each of its inputs, at the values of the forward pass.',
      'A derivada local de cada nó em relação a cada uma das suas entradas, nos valores do passo para frente.',
    ),
    backward: say(
      'From the loss back: each gradient is the gradient arriving from above times the local derivative (chain rule); where an id feeds several nodes, their contributions add up.',
      'Da perda para trás: cada gradiente é o gradiente que chega de cima vezes a derivada local (regra da cadeia); onde um id alimenta vários nós, as contribuições se somam.',
    ),
    update: (eta: string): Localized =>
      say(
        `One gradient-descent step with the learning rate η = ${eta}: each parameter moves against its gradient.`,
        `Um passo do gradiente descendente com a taxa de aprendizado η = ${eta}: cada parâmetro anda no sentido contrário ao do seu gradiente.`,
      ),
    gradcheck: (epsilon: string): Localized =>
      say(
        `Central finite differences with ε = ${epsilon}: the loss computed again with each parameter nudged up and down, against backpropagation.`,
        `Diferenças finitas centrais com ε = ${epsilon}: a perda calculada de novo com cada parâmetro deslocado para cima e para baixo, comparada com a retropropagação.`,
      ),
  },
  /** The first gradient: the output's own local derivative. */
  fromOutput: (output: string): Localized =>
    say(
      `${output} is the output: its local derivative is already the gradient (d${output}/d${output} = 1)`,
      `${output} é a saída: a sua derivada local já é o gradiente (d${output}/d${output} = 1)`,
    ),
  /** A layer op's element worked out with its numbers. */
  oneElement: (line: string): Localized => say(`one element: ${line}`, `um elemento: ${line}`),
  broadcast: say('summed over the axes along which it was broadcast', 'somado nos eixos em que houve broadcasting'),
  fdAgainst: (analytic: string, absError: string, pass: boolean): Localized =>
    say(
      `backpropagation gave ${analytic}; the two differ by ${absError}: the check ${pass ? 'passes' : 'fails'}`,
      `a retropropagação deu ${analytic}; os dois diferem em ${absError}: a verificação ${pass ? 'passa' : 'falha'}`,
    ),
  kinks: (ids: string): Localized =>
    say(
      `the nudge moves the input of ${ids} across its kink at 0, where finite differences are not a derivative`,
      `o deslocamento faz a entrada de ${ids} cruzar o ponto de quebra em 0, onde diferenças finitas não são uma derivada`,
    ),
  rounded: say(
    `Each number is the exact value rounded to ${READING_SIGFIGS} significant figures (so a product of the rounded factors may differ from it in the last digit); the exact values are in the structured steps.`,
    `Cada número é o valor exato arredondado para ${READING_SIGFIGS} algarismos significativos (por isso um produto de fatores arredondados pode diferir no último algarismo); os valores exatos estão nos passos estruturados.`,
  ),
};
