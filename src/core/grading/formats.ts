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
 */
import type { GradeReport } from './grade.js';

export const formats = ['native', 'gradescope', 'prairielearn', 'coderunner'] as const;
export type Format = (typeof formats)[number];

const show = (v: unknown): string => JSON.stringify(v);
/** Feedback can quote a student's raw answer: escape it before it becomes HTML in Moodle. */
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function toGradescope(report: GradeReport) {
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

export function toPrairieLearn(report: GradeReport) {
  return {
    gradable: true,
    score: report.score,
    message: report.feedback,
    tests: report.results.map((r) => ({ name: r.key, points: r.credit, max_points: 1, message: r.feedback })),
  };
}

export function toCodeRunner(report: GradeReport) {
  return {
    fraction: report.score,
    testresults: [
      ['iscorrect', 'Answer', 'Expected', 'Got', 'Feedback'],
      ...report.results.map((r) => [r.correct, r.key, show(r.expected), show(r.submitted), r.feedback]),
    ],
    prologuehtml: `<p>${escapeHtml(report.feedback)}</p>`,
  };
}

export function inFormat(report: GradeReport, format: Format) {
  switch (format) {
    case 'gradescope':
      return toGradescope(report);
    case 'prairielearn':
      return toPrairieLearn(report);
    case 'coderunner':
      return toCodeRunner(report);
    default:
      return report;
  }
}
