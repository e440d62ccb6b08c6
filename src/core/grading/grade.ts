/**
 * Grades a student's hand-computed answers: each answer against the expected value at its
 * tolerance; a wrong one gets follow-through credit when it is right given the student's own
 * earlier (wrong) answers, and otherwise a diagnosis when it equals the value some typical
 * mistake produces, or is a rounding (rounding.ts) of a value it should have had.
 * Credit is given only against finite values: an answer that is not finite is unparseable
 * (numbers.ts), nothing is within the tolerance of an expected value that is not (tolerance.ts),
 * and a wrong answer whose expected or follow-through value is not finite is told so (`not_finite`).
 * A scenario that puts a student's own value outside an op's domain (a y_hat above 1 into bce)
 * gives no follow-through credit and no diagnosis, never a failed grade (expectedUnder).
 */
import { SpecError, type LocalizedFieldError } from '../../engine/errors.js';
import { NODE, type Tape, argsOf, opOf, positionOf, sizeOfSlot } from '../../engine/tape.js';
import {
  type Tensor,
  type WireNumber,
  isFiniteTensor,
  sameShape,
  sizeOf,
  tensor,
  toJson,
  wireNumber,
} from '../../engine/tensor.js';
import type { z } from 'zod';
import type { AnswerResult as AnswerResultSchema, NativeGrade } from '../../schemas/grade.js';
import type { Optimizer } from '../train.js';
import { DEFAULT_OPTIMIZER, DEFAULT_TOLERANCE, FD_EPSILON } from '../defaults.js';
import { type Locale, quote } from '../../text.js';
import { GraphWords } from './chain.js';
import { type FeedbackFacts, type RoundingFacts, feedback, summary } from './feedback.js';
import { type Target, parseKey } from './keys.js';
import { type DiagnosisCode, MAX_NODES_FOR_NODE_MISTAKES, mistakeVariants } from './mistakes.js';
import { MAX_ANSWER_TEXT_LENGTH, type RawAnswer, boundedAnswer, isOddPart, parseAnswer } from './numbers.js';
import { type Rounded, decimalsToKeep, roundingOf } from './rounding.js';
import { type Scenario, ScenarioEvaluator, expectedUnder } from './scenario.js';
import { type Tolerance, within } from './tolerance.js';

export interface AnswerWithTolerance {
  value: unknown;
  tolerance?: Tolerance;
}

/** How answers are compared and the spec's settings that some keys need. */
export interface GradeOptions {
  /** Credit a step that is right given the student's own earlier answers (on by default). */
  followThrough?: boolean;
  learningRate?: number;
  epsilon?: number;
  optimizer?: Optimizer;
  locale: Locale;
}

/** One answer graded, as the native format writes it. */
export type AnswerResult = z.output<typeof AnswerResultSchema>;

/** The grade in the service's own shape (the native format). */
export type GradeReport = z.output<typeof NativeGrade>;

/** An answer as read from the request: its key's target, the number(s) read and its tolerance. */
export interface ReadAnswer {
  key: string;
  raw: RawAnswer;
  target: Target;
  tolerance: Tolerance;
  /** Undefined when the answer is not a number we can read. */
  value?: Tensor;
}

interface Answer extends ReadAnswer {
  expected: Tensor;
  directlyCorrect: boolean;
}

const isWithTolerance = (a: unknown): a is AnswerWithTolerance =>
  typeof a === 'object' && a !== null && !Array.isArray(a) && Object.hasOwn(a, 'value');

/** Shapes count: an answer of another shape matches nothing, whatever its elements. */
const matches = (value: Tensor, expected: Tensor, tol: Tolerance): boolean =>
  sameShape(value.shape, expected.shape) && value.data.every((s, i) => within(tol, s, expected.data[i]));

/**
 * The answer in the expected value's shape when it has another way of writing the same thing:
 * a value of one element is one number, whether written 0.3, [0.3] or [[0.3]]. Otherwise as read:
 * a vector [n] written as a 1×n row or an n×1 column has another shape (docs/api.md §5).
 */
const aligned = (value: Tensor, expected: Tensor): Tensor =>
  value.data.length === 1 && expected.data.length === 1 && !sameShape(value.shape, expected.shape)
    ? tensor(expected.shape, value.data)
    : value;

/**
 * An answer as sent, for the report: a JSON number beyond float64 (1e999, read as Infinity) written
 * as "Infinity", a text too long to read cut as messages quote it, an object as its JSON text.
 */
type Sent = AnswerResult['submitted'];
export const asSent = (raw: RawAnswer): Sent => {
  if (Array.isArray(raw)) return (raw as RawAnswer[]).map(asSent) as Sent;
  if (typeof raw === 'number') return wireNumber(raw);
  if (typeof raw === 'string') return raw.length > MAX_ANSWER_TEXT_LENGTH ? quote(raw) : raw;
  return isOddPart(raw) ? raw.text : raw;
};

/** Unknown answer keys given suggestions, at most: each looks through every id of the spec. */
const MAX_SUGGESTED_KEYS = 5;

/** Grading's own error code, besides the engine's: answer keys that name nothing of the spec (src/core/grading/keys.ts). */
export type GradingErrorCode = 'UNKNOWN_ANSWER_KEY';

/** Reads every answer against the spec's ids; every key that names no id is reported at once (422). */
export function readAnswers(tape: Tape, answers: Record<string, unknown>, tolerance?: Tolerance): ReadAnswer[] {
  const problems: LocalizedFieldError[] = [];
  const suggestions: string[] = [];
  const read = Object.keys(answers).flatMap((key) => {
    const given = answers[key];
    try {
      // "Did you mean" for as many unknown keys as a problem document lists.
      const target = parseKey(tape, key, problems.length < MAX_SUGGESTED_KEYS);
      const raw = boundedAnswer(isWithTolerance(given) ? given.value : given);
      const own = isWithTolerance(given) ? given.tolerance : undefined;
      return [{ key, raw, target, tolerance: own ?? tolerance ?? DEFAULT_TOLERANCE, value: parseAnswer(raw) }];
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      problems.push(...e.localized);
      for (const s of (e.extra.suggestions as string[] | undefined) ?? [])
        if (!suggestions.includes(s)) suggestions.push(s);
      return [];
    }
  });
  if (problems.length) throw new SpecError<GradingErrorCode>('UNKNOWN_ANSWER_KEY', problems, { suggestions });
  return read;
}

/** Each answer as the pin it puts on a scenario computed from the student's own answers, by answer key. */
function pinsFrom(tape: Tape, answers: Answer[]): Map<string, Scenario> {
  const pins = new Map<string, Scenario>();
  for (const a of answers) {
    const t = a.target;
    if (!sameShape(a.value!.shape, a.expected.shape)) continue;
    const value = a.value!.data;
    if (t.kind === 'value' && tape.kind[t.slot] === NODE) pins.set(a.key, { valuePins: new Map([[t.slot, value]]) });
    else if (t.kind === 'derivative' && t.of === tape.output) pins.set(a.key, { gradPins: new Map([[t.wrt, value]]) });
    else if (t.kind === 'derivative' && tape.kind[t.of] === NODE) {
      const j = argsOf(tape, positionOf(tape, t.of)).indexOf(t.wrt);
      if (j >= 0) pins.set(a.key, { localPins: new Map([[t.of, new Map([[j, value]])]]) });
    }
  }
  return pins;
}

/** One scenario holding the pins (and any mistake) of all the given ones. */
function merge(scenarios: Scenario[]): Scenario {
  const valuePins = new Map<number, Float64Array>();
  const gradPins = new Map<number, Float64Array>();
  const localPins = new Map<number, Map<number, Float64Array>>();
  const merged: Scenario = { valuePins, gradPins, localPins };
  for (const s of scenarios) {
    s.valuePins?.forEach((v, slot) => valuePins.set(slot, v));
    s.gradPins?.forEach((v, slot) => gradPins.set(slot, v));
    s.localPins?.forEach((args, node) => {
      if (!localPins.has(node)) localPins.set(node, new Map());
      args.forEach((v, j) => localPins.get(node)!.set(j, v));
    });
    merged.override = s.override ?? merged.override;
    merged.updateSign = s.updateSign ?? merged.updateSign;
  }
  return merged;
}

/** Exactly equal, element by element: a scenario that changes nothing explains nothing. */
const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** How many rounded earlier answers are tried one by one to name those a rounding carried from. */
const MAX_CARRIED_NAMED = 8;

/** What grading an answer needs from the whole submission. */
interface Grading {
  tape: Tape;
  /** The target's value under a scenario; undefined when the student's values put an op outside its domain. */
  evaluate(scenario: Scenario, target: Target): Tensor | undefined;
  /** The pins of the wrong answers, for follow-through (empty when it is off). */
  pins: Map<string, Scenario>;
  /** The pins of the answers the student rounded, whose rounding may carry into later steps. */
  rounded: Map<string, Scenario>;
  /** Each answer key's target, so that one written twice (`dL/dw`, `dL / dw`) never carries itself forward. */
  targets: Map<string, string>;
}

/** An answer graded: its result, and the facts its feedback sentence is written from. */
interface Judged {
  result: Omit<AnswerResult, 'feedback'>;
  facts: FeedbackFacts;
}

export function grade(tape: Tape, read: readonly ReadAnswer[], options: GradeOptions): GradeReport {
  const settings = {
    learningRate: options.learningRate,
    epsilon: options.epsilon ?? FD_EPSILON,
    optimizer: options.optimizer ?? DEFAULT_OPTIMIZER,
  };
  const base = new ScenarioEvaluator(tape, settings);
  const answers: Answer[] = read.map((a) => {
    const expected = base.expected(a.target);
    const value = a.value && aligned(a.value, expected);
    return { ...a, value, expected, directlyCorrect: value !== undefined && matches(value, expected, a.tolerance) };
  });
  const comparable = answers.filter((a) => a.value !== undefined && sameShape(a.value.shape, a.expected.shape));
  const wrong = comparable.filter((a) => !a.directlyCorrect);
  // Rounded: accepted at their tolerance though not exact, or wrong and a rounding of the expected value.
  const rounded = comparable.filter((a) =>
    a.directlyCorrect
      ? !matches(a.value!, a.expected, EXACT)
      : roundingOf(a.raw, a.value!, a.expected, a.tolerance) !== undefined,
  );
  const grading: Grading = {
    tape,
    evaluate: (scenario, target) => expectedUnder(tape, settings, scenario, target),
    pins: options.followThrough === false ? new Map() : pinsFrom(tape, wrong),
    rounded: pinsFrom(tape, rounded),
    targets: new Map(answers.map((a) => [a.key, JSON.stringify(a.target)])),
  };

  const judged = answers.map((a) => judge(grading, a));
  const diagnosisOf = new Map(judged.map(({ result }) => [result.key, result.diagnosis]));
  const words = new GraphWords(tape, options.locale, settings.optimizer);
  const results = judged.map(({ result, facts }) => {
    // Follow-through from an answer that was itself a rounding: the feedback says where the error began.
    if (result.followThrough)
      facts.roundedEarlier = result.followedFrom.filter((key) => diagnosisOf.get(key) === 'rounding');
    return inContractOrder({ ...result, feedback: feedback(words, facts) });
  });

  const credit = results.reduce((s, r) => s + r.credit, 0);
  const correct = results.filter((r) => r.correct).length;
  return {
    score: results.length ? credit / results.length : 0,
    correct,
    total: results.length,
    results,
    feedback: summary(options.locale, correct, results.length),
    locale: options.locale,
  };
}

/** One answer: right, right given the student's earlier answers (follow-through), or wrong with a diagnosis. */
function judge(g: Grading, a: Answer): Judged {
  const common = {
    key: a.key,
    expected: toJson(a.expected),
    tolerance: a.tolerance,
    followThrough: false,
    followedFrom: [] as string[],
  };
  const facts: FeedbackFacts = { key: a.key, target: a.target, correct: false, diagnosis: null };
  if (a.value === undefined) {
    return {
      result: {
        ...common,
        submitted: asSent(a.raw),
        correct: false,
        credit: 0,
        absError: null,
        diagnosis: 'unparseable',
      },
      facts: { ...facts, diagnosis: 'unparseable', raw: a.raw },
    };
  }
  const value = a.value;
  const submitted = toJson(value);
  if (!sameShape(value.shape, a.expected.shape)) {
    // No element credit; the feedback names both shapes.
    const diagnosis = shapeDiagnosis(g, a, value);
    return {
      result: { ...common, submitted, correct: false, credit: 0, absError: null, diagnosis },
      facts: { ...facts, diagnosis, shapeExpected: a.expected.shape, shapeGot: value.shape },
    };
  }
  const absError = toJson({
    shape: [],
    data: Float64Array.of(value.data.reduce((m, s, i) => Math.max(m, Math.abs(s - a.expected.data[i])), 0)),
  }) as WireNumber;
  if (a.directlyCorrect)
    return {
      result: { ...common, submitted, correct: true, credit: 1, absError, diagnosis: null },
      facts: { ...facts, correct: true },
    };

  // Follow-through: right given the student's own other (wrong) answers?
  const { others, ft, ftExpected, followable } = followThrough(g, a);
  if (followable && matches(value, ftExpected!, a.tolerance)) {
    const followedFrom = used(g, a, others, (t) => matches(value, t, a.tolerance));
    return {
      result: {
        ...common,
        submitted,
        correct: true,
        credit: 1,
        absError,
        diagnosis: null,
        followThrough: true,
        followedFrom,
        followThroughExpected: toJson(ftExpected!),
      },
      facts: { ...facts, correct: true, followedFrom },
    };
  }

  const elementsRight = value.data.filter((s, i) => within(a.tolerance, s, a.expected.data[i])).length;
  // A mistake or a rounding explains the answer best; else a value it was compared with that is not finite.
  const found =
    diagnose(g, a, value, others, followable ? { scenario: ft!, expected: ftExpected! } : undefined) ??
    notFinite(g, a, others, followable ? ftExpected : undefined);
  return {
    result: {
      ...common,
      submitted,
      correct: false,
      credit: sizeOf(a.expected.shape) > 1 ? elementsRight / value.data.length : 0,
      absError,
      diagnosis: found?.code ?? null,
    },
    facts: {
      ...facts,
      diagnosis: found?.code ?? null,
      node: found?.node,
      arg: found?.arg,
      rounding: found?.rounding,
      overflowFrom: found?.overflowFrom,
    },
  };
}

/** The student's other wrong answers, and the value this answer has given them (follow-through). */
function followThrough(g: Grading, a: Answer) {
  const own = g.targets.get(a.key);
  const others = [...g.pins].filter(([key]) => g.targets.get(key) !== own);
  const ft = others.length ? merge(others.map(([, s]) => s)) : undefined;
  const ftExpected = ft ? g.evaluate(ft, a.target) : undefined;
  const followable = ftExpected !== undefined && !matches(ftExpected, a.expected, EXACT);
  return { others, ft, ftExpected, followable };
}

/** The diagnosis of an answer of another shape than the expected value: a change of layout (`transposed`) may explain it. */
function shapeDiagnosis(g: Grading, a: Answer, value: Tensor): DiagnosisCode | null {
  const { others, ft, ftExpected, followable } = followThrough(g, a);
  return (
    diagnose(g, a, value, others, followable ? { scenario: ft!, expected: ftExpected! } : undefined, true)?.code ?? null
  );
}

/** not_finite: the expected value is not finite, or the follow-through value is not, from the earlier answers it names. */
function notFinite(
  g: Grading,
  a: Answer,
  others: [string, Scenario][],
  ftExpected: Tensor | undefined,
): Diagnosis | undefined {
  if (!isFiniteTensor(a.expected)) return { code: 'not_finite' };
  if (ftExpected && !isFiniteTensor(ftExpected))
    return { code: 'not_finite', overflowFrom: used(g, a, others, (t) => !isFiniteTensor(t)) };
  return undefined;
}

/**
 * The earlier answers whose follow-through value `holds` (the answer matches it, or it is not
 * finite): those for which it holds alone, or else the fewest that it needs together.
 */
function used(g: Grading, a: Answer, others: [string, Scenario][], holds: (t: Tensor) => boolean): string[] {
  const alone = others.filter(([, s]) => holdsUnder(g, a, s, holds)).map(([key]) => key);
  return alone.length ? alone : enough(g, a, others, holds);
}

/** Whether `holds` of the answer's target under a scenario; never of one the engine refuses (expectedUnder). */
function holdsUnder(g: Grading, a: Answer, scenario: Scenario, holds: (t: Tensor) => boolean): boolean {
  const t = g.evaluate(scenario, a.target);
  return t !== undefined && holds(t);
}

/**
 * The earlier answers a follow-through used when no one alone gives it: each dropped in turn while
 * the answer stays right without it (or, for not_finite, the value stays not finite). What is left
 * gives the answer and none of it can go:
 * dL/dw = your dL/dz · your du/dw names both, although your y_hat and dy_hat/dz could stand in for
 * your dL/dz (asking of each whether it is needed with all the others there names du/dw alone).
 */
function enough(g: Grading, a: Answer, others: [string, Scenario][], holds: (t: Tensor) => boolean): string[] {
  let kept = others;
  for (const [key] of others) {
    const without = kept.filter(([k]) => k !== key);
    if (without.length && holdsUnder(g, a, merge(without.map(([, s]) => s)), holds)) kept = without;
  }
  return kept.map(([key]) => key);
}

interface Diagnosis {
  code: DiagnosisCode;
  node?: number;
  arg?: number;
  rounding?: RoundingFacts;
  /** not_finite: the earlier answers that make the follow-through value overflow. */
  overflowFrom?: string[];
}

/**
 * A value the answer may be a rounding of: the expected one, one recomputed from the student's
 * earlier answers (`sources`), or a mistake's (`mistake`).
 */
interface Candidate {
  value: Tensor;
  /** The student's answers (pinned) it was recomputed with. */
  sources?: [string, Scenario][];
  mistake?: Diagnosis;
}

/**
 * Why a wrong answer is wrong. In order: a mistake whose recomputation (on the true computation,
 * then on follow-through) gives the answer at its tolerance; the value recomputed from the
 * student's rounded earlier answers (rounding carried into this step); then, of the values the
 * answer is a rounding of (rounding.ts), the closest: the expected value, the follow-through
 * value, or a mistake's value (a mistake made and then rounded).
 */
function diagnose(
  g: Grading,
  a: Answer,
  value: Tensor,
  others: [string, Scenario][],
  ft: { scenario: Scenario; expected: Tensor } | undefined,
  layoutOnly = false,
): Diagnosis | undefined {
  const candidates: Candidate[] = [{ value: a.expected }];
  if (ft) candidates.push({ value: ft.expected, sources: others });

  // A mistake at the answer's tolerance; for an answer of another shape, only a change of its layout.
  const variants = mistakeVariants(g.tape, a.target).filter((v) => !layoutOnly || v.transform);
  const mistakes: Candidate[] = [];
  for (const [scenario, expected] of ft
    ? ([
        [undefined, a.expected],
        [ft.scenario, ft.expected],
      ] as const)
    : ([[undefined, a.expected]] as const)) {
    for (const v of variants) {
      const alternative = v.transform
        ? v.transform(expected)
        : g.evaluate(merge([scenario ?? {}, v.scenario ?? {}]), a.target);
      if (!alternative || matches(alternative, expected, EXACT)) continue;
      const diagnosis: Diagnosis = { code: v.code, node: v.node, arg: v.arg };
      if (matches(value, alternative, a.tolerance)) return diagnosis;
      mistakes.push({ value: alternative, mistake: diagnosis });
    }
  }

  // Right from the student's own rounded earlier answers: the rounding carried into this step.
  const carriedKeys = [...g.rounded.keys()].filter(
    (key) => g.targets.get(key) !== g.targets.get(a.key) && !g.pins.has(key),
  );
  if (carriedKeys.length && !layoutOnly) {
    const carriedWith = (keys: string[]) =>
      merge([...others.map(([, s]) => s), ...keys.map((key) => g.rounded.get(key)!)]);
    const carried = g.evaluate(carriedWith(carriedKeys), a.target);
    const isNew =
      carried !== undefined && !matches(carried, a.expected, EXACT) && !(ft && matches(carried, ft.expected, EXACT));
    if (isNew && matches(value, carried, a.tolerance)) {
      const tried = carriedKeys.slice(0, MAX_CARRIED_NAMED);
      const needed = tried.filter(
        (key) =>
          !holdsUnder(g, a, carriedWith(carriedKeys.filter((k) => k !== key)), (t) => matches(value, t, a.tolerance)),
      );
      return { code: 'rounding', rounding: { carriedFrom: needed.length ? needed : tried } };
    }
    if (isNew)
      candidates.push({
        value: carried,
        sources: [
          ...others,
          ...carriedKeys.slice(0, MAX_CARRIED_NAMED).map((key): [string, Scenario] => [key, g.rounded.get(key)!]),
        ],
      });
  }

  // The closest value the answer is a rounding of; on a tie, rounding before a mistake.
  let best: { candidate: Candidate; rounded: Rounded } | undefined;
  for (const candidate of [...candidates, ...mistakes]) {
    const rounded = roundingOf(a.raw, value, candidate.value, a.tolerance);
    if (rounded && (!best || rounded.distance < best.rounded.distance)) best = { candidate, rounded };
  }
  if (!best) return undefined;
  const { candidate, rounded } = best;
  if (candidate.mistake) return candidate.mistake;
  // Enough decimals for the tolerance, and at least one more than the answer has.
  const keep = Math.max(decimalsToKeep(candidate.value, a.tolerance), 1 - Math.round(Math.log10(rounded.unit)));
  const scalar = value.data.length === 1 ? { submitted: value.data[0], reference: candidate.value.data[0] } : {};
  // Named as follow-through names them: only the earlier answers that the value follows from.
  const from = candidate.sources && used(g, a, candidate.sources, (t) => matches(t, candidate.value, EXACT));
  return { code: 'rounding', rounding: { unit: rounded.unit, keep, from, ...scalar } };
}

/** The contract's field order (key, submitted, expected, correct, ...), for readers of raw JSON. */
function inContractOrder(r: AnswerResult): AnswerResult {
  const {
    key,
    submitted,
    expected,
    correct,
    credit,
    absError,
    diagnosis,
    feedback,
    followThrough,
    followedFrom,
    followThroughExpected,
    tolerance,
  } = r;
  return {
    key,
    submitted,
    expected,
    correct,
    credit,
    absError,
    diagnosis,
    feedback,
    followThrough,
    followedFrom,
    ...(followThroughExpected === undefined ? {} : { followThroughExpected }),
    tolerance,
  };
}

/**
 * Forward or backward passes that grading these answers may make: per answer, its own
 * evaluation, follow-through, and for diagnosis one recomputation per mistake variant (a few per
 * node on graphs small enough to try them), each possibly on top of follow-through, and the
 * recomputation from the student's rounded earlier answers (with up to MAX_CARRIED_NAMED more to
 * name them). A finite difference makes two passes per element of the leaf it perturbs.
 */
export function gradingPasses(tape: Tape, answers: readonly ReadAnswer[]): number {
  let argCount = 0;
  for (let k = 0; k < tape.nodeCount; k++) argCount += opOf(tape, k).args.length;
  const variants = tape.nodeCount <= MAX_NODES_FOR_NODE_MISTAKES ? argCount + 4 * tape.nodeCount + 2 : 2;
  const perAnswer = 4 + 4 * variants + 2 * (1 + MAX_CARRIED_NAMED);
  return answers.reduce((n, a) => n + perAnswer * (a.target.kind === 'fd' ? 2 * sizeOfSlot(tape, a.target.wrt) : 1), 0);
}

/** The numbers a grade report carries: for each answer, the submitted, expected and follow-through values. */
export const gradeValueCount = (tape: Tape, answers: readonly ReadAnswer[]): number =>
  answers.reduce((n, a) => n + 3 * sizeOfSlot(tape, targetSlot(a.target)) + 4, 0);

/** The slot whose shape an answer has. */
const targetSlot = (t: Target): number => (t.kind === 'value' || t.kind === 'step' ? t.slot : t.wrt);
