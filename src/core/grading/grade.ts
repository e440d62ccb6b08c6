/**
 * Grades a student's hand-computed answers: each answer against the expected value at its
 * tolerance; a wrong one gets follow-through credit when it is right given the student's own
 * earlier (wrong) answers, and otherwise a diagnosis when it equals the value some typical
 * mistake produces.
 */
import { SpecError, type FieldProblem } from '../../engine/errors.js';
import { NODE, type Tape, argsOf, opNameOf, opOf, positionOf } from '../../engine/tape.js';
import { type Tensor, type WireNumber, type WireValue, shapeText, sizeOf, toJson } from '../../engine/tensor.js';
import type { Optimizer } from '../train.js';
import type { Locale } from '../locale.js';
import { feedback, summary } from './feedback.js';
import { type Target, parseKey } from './keys.js';
import { type DiagnosisCode, MAX_NODES_FOR_NODE_MISTAKES, type Variant, mistakeVariants } from './mistakes.js';
import { type RawAnswer, parseAnswer } from './numbers.js';
import { type Scenario, ScenarioEvaluator } from './scenario.js';
import { DEFAULT_TOLERANCE, type Tolerance, coarser, within } from './tolerance.js';

export interface AnswerWithTolerance {
  value: RawAnswer;
  tolerance?: Tolerance;
}

/** How answers are compared and the problem's settings that some keys need. */
export interface GradeOptions {
  /** Credit a step that is right given the student's own earlier answers (on by default). */
  followThrough?: boolean;
  learningRate?: number;
  epsilon?: number;
  optimizer?: Optimizer;
  locale: Locale;
}

export interface AnswerResult {
  key: string;
  /** The number read from the answer, or the answer as sent when it could not be read. */
  submitted: WireValue | RawAnswer;
  expected: WireValue;
  correct: boolean;
  /** 1 when correct; for a tensor answer, the fraction of its elements that are right. */
  credit: number;
  /** max |submitted - expected| over the elements; null when the answer could not be read or compared. */
  absError: WireNumber | null;
  diagnosis: DiagnosisCode | null;
  feedback: string;
  /** Right only given the student's own earlier answers (error carried forward). */
  followThrough: boolean;
  /** The earlier answer keys whose values the follow-through used. */
  followedFrom: string[];
  /** The expected value given those earlier answers, when follow-through applies. */
  followThroughExpected?: WireValue;
  tolerance: Tolerance;
}

export interface GradeReport {
  score: number;
  correct: number;
  total: number;
  results: AnswerResult[];
  feedback: string;
  locale: Locale;
}

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

const isWithTolerance = (a: unknown): a is AnswerWithTolerance => typeof a === 'object' && a !== null && !Array.isArray(a) && 'value' in a;

const matches = (value: Tensor, expected: Tensor, tol: Tolerance): boolean =>
  value.data.length === expected.data.length && value.data.every((s, i) => within(tol, s, expected.data[i]));

/** Reads every answer against the problem's ids; every key that names no id is reported at once (422). */
export function readAnswers(tape: Tape, answers: Record<string, RawAnswer | AnswerWithTolerance>, tolerance?: Tolerance): ReadAnswer[] {
  const problems: FieldProblem[] = [];
  const read = Object.keys(answers).flatMap((key) => {
    const given = answers[key];
    try {
      const target = parseKey(tape, key);
      const raw = isWithTolerance(given) ? given.value : given;
      const own = isWithTolerance(given) ? given.tolerance : undefined;
      return [{ key, raw, target, tolerance: own ?? tolerance ?? DEFAULT_TOLERANCE, value: parseAnswer(raw) }];
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      problems.push(...e.errors);
      return [];
    }
  });
  if (problems.length) throw new SpecError('UNKNOWN_ANSWER_KEY', problems);
  return read;
}

/** Each wrong answer as the pin it puts on a follow-through scenario, by answer key. */
function pinsFrom(tape: Tape, wrong: Answer[]): Map<string, Scenario> {
  const pins = new Map<string, Scenario>();
  for (const a of wrong) {
    const t = a.target;
    const value = a.value!.data;
    if (value.length !== a.expected.data.length) continue;
    if (t.kind === 'value' && tape.kind[t.slot] === NODE) pins.set(a.key, { valuePins: new Map([[t.slot, value]]) });
    else if (t.kind === 'derivative' && t.of === tape.output) pins.set(a.key, { gradPins: new Map([[t.wrt, value]]) });
    else if (t.kind === 'derivative' && tape.kind[t.of] === NODE) {
      const j = argsOf(tape, positionOf(tape, t.of)).indexOf(t.wrt);
      if (j >= 0) pins.set(a.key, { localPins: new Map([[t.of, new Map([[j, value]])]]) });
    }
  }
  return pins;
}

/** The node in `slot` as feedback names it: its id and op. */
const nodeNamed = (tape: Tape, slot: number): { id: string; op: string } => ({ id: tape.ids[slot]!, op: opNameOf(tape, positionOf(tape, slot)) });

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

export function grade(tape: Tape, read: readonly ReadAnswer[], options: GradeOptions): GradeReport {
  const settings = { learningRate: options.learningRate, epsilon: options.epsilon ?? 1e-4, optimizer: options.optimizer ?? { name: 'sgd' as const } };
  const base = new ScenarioEvaluator(tape, settings);
  const answers: Answer[] = read.map((a) => {
    const expected = base.expected(a.target);
    return { ...a, expected, directlyCorrect: a.value !== undefined && matches(a.value, expected, a.tolerance) };
  });
  const wrong = answers.filter((a) => a.value !== undefined && !a.directlyCorrect);
  const pins = options.followThrough === false ? new Map<string, Scenario>() : pinsFrom(tape, wrong);
  const evaluate = (scenario: Scenario, target: Target) => new ScenarioEvaluator(tape, settings, scenario).expected(target);

  const results = answers.map((a): AnswerResult => {
    const common = { key: a.key, expected: toJson(a.expected), tolerance: a.tolerance, followThrough: false, followedFrom: [] as string[] };
    if (a.value === undefined) {
      return { ...common, submitted: a.raw, correct: false, credit: 0, absError: null, diagnosis: 'unparseable', feedback: feedback(options.locale, { key: a.key, correct: false, diagnosis: 'unparseable', raw: a.raw }) };
    }
    const value = a.value;
    const submitted = toJson(value);
    if (value.data.length !== a.expected.data.length) {
      const shapeExpected = a.expected.shape.length ? `a tensor of shape ${shapeText(a.expected.shape)}` : 'a single number';
      return { ...common, submitted, correct: false, credit: 0, absError: null, diagnosis: null, feedback: feedback(options.locale, { key: a.key, correct: false, diagnosis: null, shapeExpected }) };
    }
    const absError = toJson({ shape: [], data: Float64Array.of(value.data.reduce((m, s, i) => Math.max(m, Math.abs(s - a.expected.data[i])), 0)) }) as WireNumber;
    const elementsRight = value.data.filter((s, i) => within(a.tolerance, s, a.expected.data[i])).length;
    if (a.directlyCorrect) {
      return { ...common, submitted, correct: true, credit: 1, absError, diagnosis: null, feedback: feedback(options.locale, { key: a.key, correct: true, diagnosis: null }) };
    }

    // Follow-through: right given the student's own other (wrong) answers?
    const others = [...pins].filter(([key]) => key !== a.key);
    const ft = others.length ? merge(others.map(([, s]) => s)) : undefined;
    const ftExpected = ft ? evaluate(ft, a.target) : undefined;
    if (ft && ftExpected && !matches(ftExpected, a.expected, { rtol: 0, atol: 0 }) && matches(value, ftExpected, a.tolerance)) {
      const alone = others.filter(([, s]) => matches(value, evaluate(s, a.target), a.tolerance)).map(([key]) => key);
      const needed = others.filter(([key]) => !matches(value, evaluate(merge(others.filter(([k]) => k !== key).map(([, s]) => s)), a.target), a.tolerance)).map(([key]) => key);
      const followedFrom = alone.length ? alone : needed.length ? needed : others.map(([key]) => key);
      return {
        ...common,
        submitted,
        correct: true,
        credit: 1,
        absError,
        diagnosis: null,
        followThrough: true,
        followedFrom,
        followThroughExpected: toJson(ftExpected),
        feedback: feedback(options.locale, { key: a.key, correct: true, diagnosis: null, followedFrom }),
      };
    }

    // Diagnosis: the first mistake whose recomputation gives the student's answer.
    const variants = mistakeVariants(tape, a.target);
    const explains = (v: Variant, scenario: Scenario | undefined, expected: Tensor): boolean => {
      const alternative = v.transform ? v.transform(expected) : evaluate(merge([scenario ?? {}, v.scenario ?? {}]), a.target);
      return !matches(alternative, expected, { rtol: 0, atol: 0 }) && matches(value, alternative, a.tolerance);
    };
    const found =
      variants.find((v) => explains(v, undefined, a.expected)) ??
      (ft && ftExpected ? variants.find((v) => explains(v, ft, ftExpected)) : undefined);
    const rounding = !found && (matches(value, a.expected, coarser(a.tolerance)) || (ftExpected !== undefined && matches(value, ftExpected, coarser(a.tolerance))));
    const diagnosis: DiagnosisCode | null = found?.code ?? (rounding ? 'rounding' : null);
    return {
      ...common,
      submitted,
      correct: false,
      credit: sizeOf(a.expected.shape) > 1 ? elementsRight / value.data.length : 0,
      absError,
      diagnosis,
      feedback: feedback(options.locale, { key: a.key, correct: false, diagnosis, node: found?.node === undefined ? undefined : nodeNamed(tape, found.node) }),
    };
  });

  const credit = results.reduce((s, r) => s + r.credit, 0);
  const correct = results.filter((r) => r.correct).length;
  return {
    score: results.length ? credit / results.length : 0,
    correct,
    total: results.length,
    results: results.map(inContractOrder),
    feedback: summary(options.locale, correct, results.length),
    locale: options.locale,
  };
}

/** The contract's field order (key, submitted, expected, correct, ...), for readers of raw JSON. */
function inContractOrder(r: AnswerResult): AnswerResult {
  const { key, submitted, expected, correct, credit, absError, diagnosis, feedback, followThrough, followedFrom, followThroughExpected, tolerance } = r;
  return { key, submitted, expected, correct, credit, absError, diagnosis, feedback, followThrough, followedFrom, ...(followThroughExpected === undefined ? {} : { followThroughExpected }), tolerance };
}

/**
 * Forward or backward passes that grading these answers may make: per answer, its own
 * evaluation, follow-through, and for diagnosis one recomputation per mistake variant (a few per
 * node on graphs small enough to try them), each possibly on top of follow-through. A finite
 * difference makes two passes per element of the leaf it perturbs.
 */
export function gradingPasses(tape: Tape, answers: readonly ReadAnswer[]): number {
  let argCount = 0;
  for (let k = 0; k < tape.nodeCount; k++) argCount += opOf(tape, k).args.length;
  const variants = tape.nodeCount <= MAX_NODES_FOR_NODE_MISTAKES ? argCount + 4 * tape.nodeCount + 2 : 2;
  const perAnswer = 4 + 4 * variants;
  return answers.reduce((n, a) => n + perAnswer * (a.target.kind === 'fd' ? 2 * tape.size[a.target.wrt] : 1), 0);
}

/** The numbers a grade report carries: for each answer, the submitted, expected and follow-through values. */
export const gradeValueCount = (tape: Tape, answers: readonly ReadAnswer[]): number =>
  answers.reduce((n, a) => n + 3 * tape.size[targetSlot(a.target)] + 4, 0);

/** The slot whose shape an answer has. */
const targetSlot = (t: Target): number => (t.kind === 'value' || t.kind === 'step' ? t.slot : t.wrt);
