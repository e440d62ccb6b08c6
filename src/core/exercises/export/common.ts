/**
 * What every question-bank format writes the same way: a variant as POST /v1/exercises answers it,
 * its statement as HTML, each answer key's elements with their labels and the absolute width
 * grading allows around them, numbers as POST /v1/gradients writes them, and text escaped for XML.
 */
import { strToU8, zipSync } from 'fflate';
import { Marked } from 'marked';
import { type Localized, say } from '../../../text.js';
import { DEFAULT_TOLERANCE } from '../../defaults.js';
import { type Tolerance, allowance } from '../../grading/tolerance.js';
import type { ExerciseReferenceInput } from '../../../schemas/authored.js';
import type { Locale } from '../format.js';
import type { AnswerValue } from '../solve.js';

/** One variant as POST /v1/exercises answers it: what the question is written from. */
export interface ExportedVariant {
  seed: number | string;
  statement: string;
  answerKeys: readonly string[];
  answers: Record<string, AnswerValue>;
  solution: string;
  problem: { tolerance?: Tolerance };
}

/** A question bank: the file's bytes (or text, UTF-8), its content type and its name. */
export interface ExportFile {
  body: string | Uint8Array;
  type: string;
  filename: string;
}

/** What the variants were drawn from, and for whom. */
export interface Bank {
  /** The exercise as POST /v1/grade takes it by reference: {"template": id} or an authored exercise. */
  exercise: ExerciseReferenceInput;
  locale: Locale;
  /** The file name's stem: the template id, or the title's slug. */
  stem: string;
}

/** Text in an XML element or attribute: `&`, `<`, `>` and both quotes as entities. */
export const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);

/** HTML kept as it is in a CDATA section; a `]]>` inside it is split across two sections, as it cannot occur in one. */
export const cdata = (html: string): string => `<![CDATA[${html.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/**
 * Markdown to HTML, HTML written in the Markdown included: an author's `<tanh>` or `a<b` is text to
 * show, not markup for the LMS to run.
 */
const markdown = new Marked({
  renderer: {
    html: ({ text }) => escapeXml(text),
  },
});

/** A statement or a worked solution (Markdown) as HTML. */
export const htmlOf = (text: string): string => markdown.parse(text, { async: false }) as string;

/** A number as /v1/gradients writes it: JSON's shortest form that reads back as the same float64. */
export const numberText = (x: number): string => JSON.stringify(x);

/** One number a student enters: `dL/dw`, or `dL/dW[0, 1]` for an element of a tensor. */
export interface AnswerElement {
  /** The answer key. */
  key: string;
  /** The element's place in the key's tensor (row, column, …): [] for a number. */
  index: number[];
  label: string;
  value: number;
  /**
   * The absolute width around `value` that grading accepts: atol + rtol·|value| for {rtol, atol}
   * (sigfigs and decimals: their own width), worked out for this value, so that an LMS that only
   * knows an absolute tolerance accepts the same answers.
   */
  tolerance: number;
}

/** Each element of every answer key, in the order of the keys and then of the elements (row-major). */
export function answerElements(variant: ExportedVariant): AnswerElement[] {
  const tolerance: Tolerance = variant.problem.tolerance ?? DEFAULT_TOLERANCE;
  const out: AnswerElement[] = [];
  for (const key of variant.answerKeys) {
    const add = (index: number[], value: number): void => {
      const label = index.length ? `${key}[${index.join(', ')}]` : key;
      out.push({ key, index, label, value, tolerance: allowance(tolerance, value) });
    };
    const walk = (v: unknown, index: number[]): void => {
      if (typeof v === 'number') add(index, v);
      else (v as unknown[]).forEach((item, i) => walk(item, [...index, i]));
    };
    walk(variant.answers[key], []);
  }
  return out;
}

export const ANSWERS_HEADING: Localized = say('Your answers', 'Suas respostas');
const SEED: Localized = say('seed', 'semente');

/** The statement's `### title` line, the exercise's name in the bank. */
export const titleOf = (statement: string): string => /^#+\s*(.+)$/m.exec(statement)?.[1].trim() ?? 'exercise';

/** A variant's name in the bank: its title and its seed. */
export const variantName = (variant: ExportedVariant, locale: Locale): string =>
  `${titleOf(variant.statement)} (${SEED[locale]} ${variant.seed})`;

/** A file name's stem from a title: lower-case ASCII letters and digits between hyphens. */
export const slug = (title: string): string =>
  title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '') || 'exercise';

/**
 * Every entry's modification time, fixed so that the same request gives the same bytes. A ZIP
 * entry holds a local date and time, and fflate reads a Date's local fields: a Date made from local
 * fields is written as 2026-01-01 00:00 whatever the server's time zone.
 */
const ZIP_MTIME = new Date(2026, 0, 1);

/** A zip of text files (UTF-8), by path, in the order given, each with the same fixed date. */
export const zipOf = (files: Record<string, string>): Uint8Array =>
  zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [path, strToU8(text)])), { mtime: ZIP_MTIME });
