/** POST /v1/gradcheck: central finite differences against backprop, per element. */
import { type GradcheckReport, checkedElements, checkedSlots, gradcheck } from '../core/gradcheck.js';
import { GRADCHECK_DEFAULTS } from '../core/defaults.js';
import { type Locale, say } from '../text.js';
import { assertScalarOutput } from '../engine/evaluate.js';
import { NUMBER_BYTES, checkResponseBytes, checkResponseSize, checkWork } from '../engine/limits.js';
import { type Tape, sizeOfSlot } from '../engine/tape.js';
import { wireNumber } from '../engine/tensor.js';
import { compileSpec } from '../specs/index.js';
import { GradcheckBody, GradcheckResponse } from '../schemas/operations.js';
import { operation } from './operation.js';
import { ENVELOPE_BYTES, type Warning, targetBroadcastWarnings, warningBytes } from './report.js';
import { problemResponses } from '../schemas/problem-details.js';

export interface GradcheckJob {
  tape: Tape;
  /** Forward and backward passes the check makes. */
  passes: number;
  settings: { epsilon: number; rtol: number; atol: number };
  wrt?: string[];
  locale: Locale;
}

/** A forward and a backward pass for the analytic gradient, then two forward passes per checked element. */
const passes = (elements: number): number => 2 * elements + 2;
/** Numbers in one result: analytic, numeric, the two losses, the errors, the index. */
const NUMBERS_PER_RESULT = 8;
/**
 * Bytes of the results, at most, but for their kinks and notes: which elements straddle a kink is
 * known once computed, and an answer whose kinks make it too large is refused then (413).
 * Each result: its keys, its id and index, six numbers and `pass`.
 */
const RESULT_BYTES = 160;
const resultBytes = (tape: Tape, slots: readonly number[]): number =>
  slots.reduce((n, s) => n + sizeOfSlot(tape, s) * (RESULT_BYTES + tape.ids[s]!.length + 6 * NUMBER_BYTES), 2);

export const ASK_FOR_FEWER_CHECKS = say(
  'check fewer elements with a narrower `wrt`, or send a smaller graph',
  'verifique menos elementos com um `wrt` mais restrito, ou envie um grafo menor',
);

const KINK_NOTE = say(
  "the perturbation moves the input of a kink (relu, abs or leaky_relu) across 0, where the function has no derivative: the difference quotient mixes both slopes, so a mismatch here is expected; the analytic value follows PyTorch (relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha)",
  "a perturbação faz a entrada de um ponto de quebra (relu, abs ou leaky_relu) cruzar o 0, onde a função não tem derivada: o quociente de diferenças mistura as duas inclinações, então uma divergência aqui é esperada; o valor analítico segue o PyTorch (relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha)",
);

const KINK_WORDS = {
  straddles: say('the check straddles the kink of', 'a verificação atravessa o ponto de quebra de'),
  passes: say('passes, but', 'passa, mas'),
  fails: say('fails because', 'falha porque'),
};

export function gradcheckReport(
  settings: GradcheckJob['settings'],
  report: GradcheckReport,
  locale: Locale,
  earlier: Warning[] = [],
) {
  const kinked = [...new Set(report.results.flatMap((r) => r.kinks))];
  const warnings: Warning[] = kinked.length
    ? [
        ...earlier,
        {
          code: 'kink',
          ids: kinked,
          message: `${KINK_WORDS.straddles[locale]} ${kinked.map((id) => `'${id}'`).join(', ')}: ${KINK_NOTE[locale]}`,
        },
      ]
    : earlier;
  return {
    pass: report.pass,
    maxAbsError: wireNumber(report.maxAbsError),
    maxRelError: wireNumber(report.maxRelError),
    ...settings,
    results: report.results.map((r) => ({
      ...r,
      analytic: wireNumber(r.analytic),
      numeric: wireNumber(r.numeric),
      lossPlus: wireNumber(r.lossPlus),
      lossMinus: wireNumber(r.lossMinus),
      absError: wireNumber(r.absError),
      relError: wireNumber(r.relError),
      note: r.kinks.length
        ? `${(r.pass ? KINK_WORDS.passes : KINK_WORDS.fails)[locale]} ${KINK_NOTE[locale]}`
        : undefined,
    })),
    warnings,
  };
}

export const gradcheckOperation = operation({
  path: '/v1/gradcheck',
  body: GradcheckBody,
  response: GradcheckResponse,
  errors: problemResponses,
  largeBodies: true,
  askForLess: ASK_FOR_FEWER_CHECKS,
  docs: {
    tags: ['compute'],
    summary: 'Gradient check: central finite differences against backprop, per element',
    description:
      'For each element of each checked leaf: numeric = (lossPlus - lossMinus) / (2 epsilon), compared with the analytic gradient; pass when absError <= atol + rtol * |numeric|. An element whose perturbation moves the input of a relu, abs or leaky_relu across 0 lists those nodes in `kinks`, with a note in pt-BR or en (Accept-Language).',
    responseDocs: {
      200: {
        description:
          'Whether every checked element passes, the largest errors, and per element the analytic gradient, the numeric one, the two losses it comes from and any kinks crossed.',
      },
    },
  },
  prepare(body, { limits, locale }): GradcheckJob {
    const {
      epsilon = GRADCHECK_DEFAULTS.epsilon,
      rtol = GRADCHECK_DEFAULTS.rtol,
      atol = GRADCHECK_DEFAULTS.atol,
      wrt,
    } = body;
    const tape = compileSpec(body, limits);
    assertScalarOutput(tape);
    const slots = checkedSlots(tape, wrt);
    const elements = checkedElements(tape, slots);
    checkWork(tape, passes(elements), limits, ASK_FOR_FEWER_CHECKS);
    checkResponseSize(tape, NUMBERS_PER_RESULT * elements, limits, ASK_FOR_FEWER_CHECKS);
    checkResponseBytes(
      tape,
      ENVELOPE_BYTES + resultBytes(tape, slots) + warningBytes(tape, [], 0),
      limits,
      ASK_FOR_FEWER_CHECKS,
    );
    return { tape, passes: passes(elements), settings: { epsilon, rtol, atol }, wrt, locale };
  },
  work: ({ tape, passes }) => passes * tape.passWork,
  run: ({ tape, settings, wrt, locale }) =>
    gradcheckReport(settings, gradcheck(tape, { ...settings, wrt }), locale, targetBroadcastWarnings(tape, locale)),
});
