/**
 * The grade in the shapes LMS tools read:
 * - Gradescope autograder `results.json`: `score`, `max_score`, `output`, `output_format`,
 *   `tests[]` with `name`, `score`, `max_score`, `status` ("passed" | "failed"), `output`,
 *   `output_format`. Feedback quotes the student's text, so every output is "text": Gradescope
 *   would otherwise be free to render it (its formats include "html" and "md").
 * - PrairieLearn external grader results: `gradable`, `score` (0..1), `message`, `tests[]` with
 *   `name`, `points`, `max_points`, `message`.
 * - CodeRunner combinator template grader: `fraction` (0..1) and `testresults`, a table whose
 *   first row holds the column names (`iscorrect` is the column CodeRunner reads as pass/fail).
 *   Its Expected column shows each value rounded to what the tolerance asks, so that it neither
 *   shows float noise (-0.6000000000000001) nor more digits than the answer needed; a
 *   follow-through answer's cell shows the value it was compared with and the answers it follows
 *   from. `showExpected: false` leaves the column out (an exam, or a question to retry).
 */
import type { z } from 'zod';
import { MAX_RANK, type WireValue } from '../../engine/tensor.js';
import { type Locale, say } from '../../text.js';
import { LIST_SEPARATOR } from '../notation/numbers.js';
import { lists } from './feedback.js';
import type { CodeRunnerResult, GradescopeResults, PrairieLearnResults } from '../../schemas/grade.js';
import type { Format } from './format-names.js';
import type { AnswerResult, GradeReport } from './grade.js';
import { type Tolerance, allowance } from './tolerance.js';

const show = (v: unknown): string => JSON.stringify(v);
/** Feedback can quote a student's raw answer: escape it before it becomes HTML in Moodle. */
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function toGradescope(report: GradeReport): z.output<typeof GradescopeResults> {
  return {
    score: report.results.reduce((s, r) => s + r.credit, 0),
    max_score: report.total,
    output: report.feedback,
    output_format: 'text' as const,
    tests: report.results.map((r) => ({
      name: r.key,
      score: r.credit,
      max_score: 1,
      status: r.correct ? ('passed' as const) : ('failed' as const),
      output: r.feedback,
      output_format: 'text' as const,
    })),
  };
}

export function toPrairieLearn(report: GradeReport): z.output<typeof PrairieLearnResults> {
  return {
    gradable: true,
    score: report.score,
    message: report.feedback,
    tests: report.results.map((r) => ({ name: r.key, points: r.credit, max_points: 1, message: r.feedback })),
  };
}

/**
 * The decimals a value is shown with: the fewest whose rounding error (half a unit of the last one)
 * is within the tolerance for every element, as the answer had to be: sigfigs 3 shows 0.450, the
 * default rtol 1e-3 shows 0.4502 and -0.600; all the elements of a tensor with as many. Undefined
 * (every digit) when the tolerance allows nothing.
 */
function decimalsFor(v: WireValue, tolerance: Tolerance): number | undefined {
  let places = 0;
  for (const x of [v].flat(MAX_RANK)) {
    if (typeof x !== 'number') continue;
    const allowed = allowance(tolerance, x);
    if (!(allowed > 0)) return undefined;
    places = Math.max(places, Math.ceil(Math.log10(0.5 / allowed)));
  }
  return Math.min(20, places);
}

/**
 * A value in a table cell, rounded: a number, a list [a, b] or rows [[a, b], [c, d]] ("; " between
 * elements in pt-BR, whose decimals have commas). The minus stays ASCII, as in the Got column beside it.
 */
function cell(v: WireValue, tolerance: Tolerance, locale: Locale): string {
  const decimals = decimalsFor(v, tolerance);
  const write = (x: WireValue): string => {
    if (Array.isArray(x)) return `[${(x as WireValue[]).map(write).join(LIST_SEPARATOR[locale])}]`;
    if (typeof x !== 'number') return x; // "Infinity", "NaN"
    let text = decimals === undefined ? String(x) : x.toFixed(decimals);
    if (/^-0(\.0*)?$/.test(text)) text = text.slice(1); // no "-0.000"
    return locale === 'pt-BR' ? text.replace('.', ',') : text;
  };
  return write(v);
}

/** The Expected cell: the value rounded, or for follow-through the value it was compared with and why. */
function expectedCell(r: AnswerResult, locale: Locale): string {
  if (!r.followThrough || r.followThroughExpected === undefined) return cell(r.expected, r.tolerance, locale);
  const value = cell(r.followThroughExpected, r.tolerance, locale),
    keys = lists(r.followedFrom);
  const why = say(
    `follows from your ${keys.en}`,
    `${r.followedFrom.length === 1 ? 'decorre da sua resposta' : 'decorre das suas respostas'} para ${keys['pt-BR']}`,
  );
  return `${value} (${why[locale]})`;
}

export interface CodeRunnerOptions {
  /** The Expected column (on by default). */
  showExpected?: boolean;
}

export function toCodeRunner(
  report: GradeReport,
  { showExpected = true }: CodeRunnerOptions = {},
): z.output<typeof CodeRunnerResult> {
  const row = (r: AnswerResult) =>
    showExpected
      ? [r.correct, r.key, expectedCell(r, report.locale), show(r.submitted), r.feedback]
      : [r.correct, r.key, show(r.submitted), r.feedback];
  return {
    fraction: report.score,
    testresults: [
      showExpected
        ? ['iscorrect', 'Answer', 'Expected', 'Got', 'Feedback']
        : ['iscorrect', 'Answer', 'Got', 'Feedback'],
      ...report.results.map(row),
    ],
    prologuehtml: `<p>${escapeHtml(report.feedback)}</p>`,
  };
}

export function inFormat(report: GradeReport, format: Format, options: CodeRunnerOptions = {}) {
  switch (format) {
    case 'gradescope':
      return toGradescope(report);
    case 'prairielearn':
      return toPrairieLearn(report);
    case 'coderunner':
      return toCodeRunner(report, options);
    default:
      return report;
  }
}
