/**
 * The common mistakes of hand-computed backprop, each defined as one change to the computation
 * (one op's local derivative replaced, or the update's sign), so that they are found on any
 * graph rather than by special cases per exercise. Which ops a mistake applies to comes from the
 * op table's roles (activation, product, squared error, power), or one change to the answer's
 * layout (a matrix transposed). A wrong answer that equals the
 * expected value recomputed with a mistake applied gets that mistake's diagnosis.
 */
import { type LocalRule, contributions } from '../../engine/evaluate.js';
import type { OpRole } from '../../engine/op-def.js';
import { ops, opsWithRole } from '../../engine/ops.js';
import { CONST, type Tape, argOf, opOf, scalarOf, shapeOf } from '../../engine/tape.js';
import { type Tensor, tensor, zeros } from '../../engine/tensor.js';
import { type Localized, say } from '../../text.js';
import type { Target } from './keys.js';
import type { Scenario } from './scenario.js';

export const diagnosisCodes = [
  'sign_error',
  'missing_activation_derivative',
  'activation_instead_of_derivative',
  'missing_input_factor',
  'loss_factor',
  'update_wrong_direction',
  'missing_dropout_scale',
  'pool_gradient_to_window',
  'transposed',
  'rounding',
  'unparseable',
  'not_finite',
] as const;
export type DiagnosisCode = (typeof diagnosisCodes)[number];

const names = (role: OpRole): string => opsWithRole(role).join(', ');

/**
 * The precise definition of each diagnosis, as GET /v1/ops documents it (the schema of POST
 * /v1/grade quotes the English), in Brazilian Portuguese with the tutorial's terms (derivada local,
 * regra da cadeia, perda, taxa de aprendizado).
 */
export const DIAGNOSIS_DEFINITIONS: Record<DiagnosisCode, Localized> = {
  sign_error: say(
    'The answer equals the expected value with its sign flipped, or the value obtained when one local derivative along the chain has its sign flipped.',
    'A resposta é igual ao valor esperado com o sinal trocado, ou ao valor obtido quando uma derivada local ao longo da regra da cadeia tem o sinal trocado.',
  ),
  missing_activation_derivative: say(
    `The answer equals the value obtained when one activation's local derivative (${names('activation')}) is taken as 1: the gradient passed through f unchanged.`,
    `A resposta é igual ao valor obtido quando a derivada local de uma ativação (${names('activation')}) é tomada como 1: o gradiente atravessou f sem mudar.`,
  ),
  activation_instead_of_derivative: say(
    "The answer equals the value obtained when one activation's local derivative f'(z) is replaced by its value f(z).",
    "A resposta é igual ao valor obtido quando a derivada local f'(z) de uma ativação é trocada pelo seu valor f(z).",
  ),
  missing_input_factor: say(
    `The answer equals the value obtained when the local derivative of one product (${names('product')}) with respect to one factor leaves out the other factor (dL/dw = dL/du instead of dL/du * x).`,
    `A resposta é igual ao valor obtido quando a derivada local de um produto (${names('product')}) em relação a um fator deixa de fora o outro fator (dL/dw = dL/du em vez de dL/du * x).`,
  ),
  loss_factor: say(
    `The answer equals the value obtained when the local derivative of one squared error (${names('squared_error')}, or ${names('power')} with an exponent of 2) is doubled or halved: the factor 2 of the square lost or kept twice.`,
    `A resposta é igual ao valor obtido quando a derivada local de um erro ao quadrado (${names('squared_error')}, ou ${names('power')} com expoente 2) é dobrada ou dividida por dois: o fator 2 do quadrado foi perdido ou contado duas vezes.`,
  ),
  update_wrong_direction: say(
    'A step answer equals the param moved along the gradient instead of against it (w + lr * dL/dw).',
    'Uma resposta de passo de atualização é igual ao parâmetro movido no sentido do gradiente em vez de no sentido contrário (w + lr * dL/dw, com lr a taxa de aprendizado).',
  ),
  missing_dropout_scale: say(
    `The answer equals the value obtained when one inverted dropout's (${names('dropout')}) local derivative with respect to x leaves out its scale 1/(1 − p): dL/dx = g · mask instead of g · mask / (1 − p), with p the probability of dropping.`,
    `A resposta é igual ao valor obtido quando a derivada local de um dropout invertido (${names('dropout')}) em relação a x deixa de fora a sua escala 1/(1 − p): dL/dx = g · mask em vez de g · mask / (1 − p), com p a probabilidade de descartar.`,
  ),
  pool_gradient_to_window: say(
    `The answer equals the value obtained when one max pool (${names('max_pool')}) sends the gradient of each window to every element of the window instead of to its largest element only.`,
    `A resposta é igual ao valor obtido quando um max pool (${names('max_pool')}) manda o gradiente de cada janela para todos os elementos da janela em vez de só para o seu maior elemento.`,
  ),
  transposed: say(
    "A matrix-valued answer (a value, a gradient, a step) equals the expected value transposed: its rows are the columns of the expected value (dL/dW written [n, m] where W is [m, n]), a change to the layout of the answer rather than to the computation. Tried on any key whose value is a matrix, against the true value and the value recomputed from the student's earlier answers; a square matrix equal to its own transpose is never diagnosed so. An answer of another shape earns no element credit.",
    'Uma resposta que é uma matriz (um valor, um gradiente, um passo) é igual ao valor esperado transposto: as suas linhas são as colunas do valor esperado (dL/dW escrito [n, m] quando W é [m, n]), uma mudança na disposição da resposta e não no cálculo. Testado em toda chave cujo valor é uma matriz, contra o valor verdadeiro e contra o valor recalculado a partir das respostas anteriores do aluno; uma matriz quadrada igual à sua transposta nunca recebe esse diagnóstico. Uma resposta de outra forma não ganha crédito por elemento.',
  ),
  rounding: say(
    "The answer agrees, within one unit of its own last written digit, with the expected value or with the value recomputed from the student's earlier answers (0.5 for 0.45017, 0.3 for 0.33427, '0,11' for 0.11142, 2.7 for 2.7183): rounded too coarsely. Or it equals, at its tolerance, the value recomputed from the student's rounded earlier answers (accepted within their tolerance though not exact, or themselves a rounding): rounding early carried into this step. The written digits are the answer's text, or for a JSON number its shortest round-trip form (String(x)); in a whole number without a decimal point, trailing zeros are placeholders (300 is rounded to the hundreds); a fraction is exact and never a rounding. When the unit of the last digit is larger than the value itself, the answer must be the value rounded to that unit, and not 0 (1 for 0.96 is a rounding, 1 or 0 for 0.45 is not). A mistake whose recomputation the answer matches at its tolerance, or rounds more closely, is diagnosed instead.",
    "A resposta concorda, a menos de uma unidade do seu último algarismo escrito, com o valor esperado ou com o valor recalculado a partir das respostas anteriores do aluno (0.5 para 0.45017, 0.3 para 0.33427, '0,11' para 0.11142, 2.7 para 2.7183): arredondada de forma grosseira demais. Ou é igual, dentro da sua tolerância, ao valor recalculado a partir das respostas anteriores arredondadas do aluno (aceitas dentro da tolerância, mas não exatas, ou elas mesmas um arredondamento): o arredondamento feito cedo se propagou até este passo. Os algarismos escritos são o texto da resposta, ou, para um número JSON, a sua forma mais curta que o reproduz (String(x)); num número inteiro sem ponto decimal, os zeros finais só marcam a posição (300 está arredondado às centenas); uma fração é exata e nunca é um arredondamento. Quando a unidade do último algarismo é maior que o próprio valor, a resposta deve ser o valor arredondado a essa unidade, e não 0 (1 para 0.96 é um arredondamento; 1 ou 0 para 0.45 não é). Um erro cujo recálculo a resposta reproduz dentro da sua tolerância, ou que ela arredonda mais de perto, recebe esse diagnóstico no lugar deste.",
  ),
  unparseable: say(
    "The answer is not a number: write a decimal with '.' or ',' (0.25 or 0,25), an exponent (2.5e-3), or a fraction (1/4). A number that is not finite is unparseable too: text such as '1e999', 'Infinity', 'inf' or 'NaN', or a JSON number beyond float64 (1e999). So is any other JSON value, each answer on its own while the others are graded: null, '' or [] (no answer given: an LMS's blank field), true/false, an object other than {value, tolerance}, a list nested deeper than rows, a text over 1000 characters.",
    "A resposta não é um número: escreva um decimal com '.' ou ',' (0.25 ou 0,25), um expoente (2.5e-3) ou uma fração (1/4). Um número que não é finito também não pode ser lido: textos como '1e999', 'Infinity', 'inf' ou 'NaN', ou um número JSON além do float64 (1e999). Também não pode ser lido nenhum outro valor JSON, cada resposta por si, enquanto as outras são corrigidas: null, '' ou [] (nenhuma resposta dada: o campo em branco de um LMS), true/false, um objeto que não seja {value, tolerance}, uma lista aninhada além de linhas, um texto de mais de 1000 caracteres.",
  ),
  not_finite: say(
    "The value the answer is compared with is not finite (it overflows, or is NaN), and no answer is credited against such a value: either the expected value itself, or the value recomputed from the student's earlier answers (follow-through), which those answers make overflow. A mistake or a rounding that explains the answer is diagnosed instead.",
    'O valor com que a resposta é comparada não é finito (estoura, ou é NaN), e nenhuma resposta recebe crédito contra um valor assim: seja o próprio valor esperado, seja o valor recalculado a partir das respostas anteriores do aluno (follow-through), que essas respostas fazem estourar. Um erro ou um arredondamento que explique a resposta recebe esse diagnóstico no lugar deste.',
  ),
};

/** An alternative expected value: the computation with one mistake applied. */
export interface Variant {
  code: Exclude<DiagnosisCode, 'rounding' | 'unparseable' | 'not_finite'>;
  /** The slot of the node whose local derivative was changed, for the feedback sentence. */
  node?: number;
  /** Which of its args that local derivative is taken with respect to (all of them when absent). */
  arg?: number;
  scenario?: Scenario;
  /** A change of the answer itself rather than the computation. */
  transform?: (expected: Tensor) => Tensor;
}

/** Per-node mistakes are tried on graphs up to this size; beyond it only the whole-answer ones. */
export const MAX_NODES_FOR_NODE_MISTAKES = 200;

const negated = (t: Tensor): Tensor =>
  tensor(
    t.shape,
    t.data.map((v) => -v),
  );

/** [m, n] -> [n, m]. */
function transpose(t: Tensor): Tensor {
  const [m, n] = t.shape;
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = t.data[i * n + j];
  return tensor([n, m], out);
}

/** Replaces the local rule of one node: the other nodes keep theirs. */
const at = (slot: number, rule: LocalRule): Scenario => ({ override: (s) => (s === slot ? rule : undefined) });

export function mistakeVariants(tape: Tape, target: Target): Variant[] {
  const variants: Variant[] = [];
  if (target.kind === 'step') variants.push({ code: 'update_wrong_direction', scenario: { updateSign: -1 } });
  variants.push({ code: 'sign_error', transform: negated });
  // A matrix written with its rows and columns swapped: a change of the answer's layout.
  const shape = shapeOf(tape, target.kind === 'value' || target.kind === 'step' ? target.slot : target.wrt);
  if (shape.length === 2 && shape[0] * shape[1] > 1) variants.push({ code: 'transposed', transform: transpose });
  const throughGradients = target.kind === 'derivative' || target.kind === 'step';
  if (!throughGradients || tape.nodeCount > MAX_NODES_FOR_NODE_MISTAKES) return variants;

  for (let k = 0; k < tape.nodeCount; k++) {
    const node = tape.nodeSlot[k];
    const def = opOf(tape, k);
    const arg = (j: number): number => argOf(tape, k, j);
    const own = (g: Tensor, x: readonly Tensor[], y: Tensor): Tensor[] => contributions(tape, k, g, x, y);
    /** The node's own local rule, with what it passes back to arg j replaced. */
    const replacing = (
      j: number,
      passed: (g: Tensor, x: readonly Tensor[], y: Tensor, own: Tensor) => Tensor,
    ): Scenario =>
      at(node, (g, x, y) => {
        const out = own(g, x, y);
        out[j] = passed(g, x, y, out[j]);
        return out;
      });
    for (let j = 0; j < def.args.length; j++) {
      variants.push({ code: 'sign_error', node, arg: j, scenario: replacing(j, (_g, _x, _y, t) => negated(t)) });
    }
    if (def.role === 'activation') {
      variants.push({
        code: 'missing_activation_derivative',
        node,
        arg: 0,
        scenario: at(node, (g) => [tensor(g.shape, g.data.slice())]),
      });
      variants.push({
        code: 'activation_instead_of_derivative',
        node,
        arg: 0,
        scenario: at(node, (g, _x, y) => [
          tensor(
            g.shape,
            g.data.map((v, i) => v * y.data[i]),
          ),
        ]),
      });
    }
    if (def.role === 'product') {
      // The factors are args 0 and 1 (mul, matmul; linear's x and W).
      for (const j of [0, 1]) {
        const other = 1 - j;
        // Leaving out a literal constant (the 0.5 of 0.5 * e^2) is a loss factor, not an input factor.
        if (tape.kind[arg(other)] === CONST) continue;
        variants.push({
          code: 'missing_input_factor',
          node,
          arg: j,
          scenario: replacing(
            j,
            (g, x, y) =>
              own(
                g,
                x.map((t, i) => (i === other ? tensor(t.shape, new Float64Array(t.data.length).fill(1)) : t)),
                y,
              )[j],
          ),
        });
      }
    }
    if (def.role === 'dropout') {
      // Inverted dropout's backward pass without its 1 / (1 - p): the op's own rule times (1 - p).
      variants.push({
        code: 'missing_dropout_scale',
        node,
        arg: 0,
        scenario: at(node, (g, x, y, attrs) => {
          const out = own(g, x, y);
          out[0] = tensor(
            out[0].shape,
            out[0].data.map((v) => v * (1 - attrs[0])),
          );
          return out;
        }),
      });
    }
    if (def.role === 'max_pool') {
      // Every element of a window gets the window's gradient: average pooling's rule, times kernel².
      variants.push({
        code: 'pool_gradient_to_window',
        node,
        arg: 0,
        scenario: at(node, (g, x, y, attrs) => {
          const gx = zeros(x[0].shape);
          ops.avg_pool2d.vjp(g, x, y, [gx], attrs);
          const area = attrs[0] * attrs[0];
          return [
            tensor(
              gx.shape,
              gx.data.map((v) => v * area),
            ),
          ];
        }),
      });
    }
    const isSquare =
      def.role === 'squared_error' ||
      (def.role === 'power' && tape.kind[arg(1)] === CONST && scalarOf(tape, tape.initial, arg(1)) === 2);
    if (isSquare) {
      for (const factor of [2, 0.5]) {
        variants.push({
          code: 'loss_factor',
          node,
          scenario: at(node, (g, x, y) =>
            own(
              tensor(
                g.shape,
                g.data.map((v) => v * factor),
              ),
              x,
              y,
            ),
          ),
        });
      }
    }
  }
  return variants;
}
