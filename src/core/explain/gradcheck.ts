/**
 * The finite-difference check, as the tutorial does it by hand: the loss again with one param
 * nudged up and down by ε, `(L(w + ε) − L(w − ε)) / 2ε`, against backpropagation's gradient. The
 * numbers are src/core/gradcheck.ts's, one step per element.
 */
import { gradcheck } from '../gradcheck.js';
import { GRADCHECK_DEFAULTS } from '../defaults.js';
import { readable } from '../notation/numbers.js';
import { PREC, type Written, atom, derivativeName, fraction, infix, latexName, named } from '../notation/written.js';
import { wireNumber } from '../../engine/tensor.js';
import { type Context, equation } from './context.js';
import type { GradcheckStep } from './steps.js';
import { words } from './words.js';

/** Significant figures that show where L(w + ε) and L(w − ε) differ, with 4 figures of their difference. */
function lossSigfigs(plus: number, minus: number): number {
  const difference = Math.abs(plus - minus);
  if (!(difference > 0) || !Number.isFinite(difference)) return 6;
  return Math.min(15, Math.max(6, Math.ceil(Math.log10(Math.max(Math.abs(plus), Math.abs(minus)) / difference)) + 4));
}

const TWO_EPSILON = atom('2ε', '2\\varepsilon');

/** `w`, or one element of a tensor: `W1[0, 1]`. */
const element = (id: string, index: readonly number[]): Written =>
  index.length ? atom(`${id}[${index.join(', ')}]`, `${latexName(id)}[${index.join(', ')}]`) : named(id);

export function gradcheckSteps(c: Context, epsilon: number, wrt?: readonly string[]): GradcheckStep[] {
  const { tape, notation, output } = c;
  const report = gradcheck(tape, { ...GRADCHECK_DEFAULTS, epsilon, wrt });
  const L = named(output);
  return report.results.map((r) => {
    const at = element(r.id, r.index);
    const loss = (sign: string, latexSign: string) =>
      atom(`${L.text}(${at.text} ${sign} ε)`, `${L.latex}\\left(${at.latex} ${latexSign} \\varepsilon\\right)`);
    const symbols = fraction(infix(loss('+', '+'), '−', '-', loss('−', '-'), PREC.sum), TWO_EPSILON);
    const sigfigs = lossSigfigs(r.lossPlus, r.lossMinus);
    const numbers = fraction(
      infix(notation.number(r.lossPlus, sigfigs), '−', '-', notation.number(r.lossMinus, sigfigs), PREC.sum),
      infix(atom('2'), '·', '\\cdot', notation.number(epsilon), PREC.product),
    );
    const key = `fd(${derivativeName(output, r.id).text})`;
    const name = atom(key, `\\operatorname{fd}\\left(${derivativeName(output, r.id).latex}\\right)`);
    const notes = [
      words.fdAgainst(readable(r.analytic, c.locale), readable(r.absError, c.locale, 2), r.pass)[c.locale],
    ];
    if (r.kinks.length) notes.push(words.kinks(r.kinks.join(', '))[c.locale]);
    return {
      phase: 'gradcheck',
      key,
      id: r.id,
      layer: c.layerOf(r.id),
      formula: equation([name, symbols]),
      ...equation([name, symbols, numbers, notation.number(r.numeric)]),
      value: wireNumber(r.numeric),
      index: r.index,
      epsilon,
      lossPlus: wireNumber(r.lossPlus),
      lossMinus: wireNumber(r.lossMinus),
      numeric: wireNumber(r.numeric),
      analytic: wireNumber(r.analytic),
      absError: wireNumber(r.absError),
      pass: r.pass,
      note: notes.join('; '),
    };
  });
}
