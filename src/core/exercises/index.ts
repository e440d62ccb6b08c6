/**
 * Seeded exercises: a template and a seed give fresh, readable numbers, the statement and the
 * worked solution in the student's language, and the expected answers computed by the core.
 * The same (template, seed) gives the same exercise, byte for byte, on every machine. The neuron,
 * network and gradient-check templates are authored exercises kept as data (catalog/), drawn by
 * the authored generator; the layer templates (templates.ts) draw their own graphs.
 */
import type { z } from 'zod';
import { quote, say } from '../../text.js';
import { specError } from '../../engine/errors.js';
import type { ExerciseResponse, ExerciseTemplate } from '../../schemas/exercises.js';
import { type Answering, type Locale, prose } from './format.js';
import { seededRng } from './random.js';
import { checkedSeed } from './seed.js';
import { workedSolution } from './solution.js';
import { type AnswerValue, type ExerciseSpec, type Solved, answersOf, solve } from './solve.js';
import type { AuthoredExerciseInput } from '../../schemas/authored.js';
import { drawAuthored, generateAuthoredExercise } from './authored/index.js';
import { type CatalogueEntry, catalogue } from './catalog/index.js';
import { MAX_DRAWS, type Template } from './template.js';
import { layerTemplates } from './templates.js';

export type { AnswerValue, ExerciseSpec } from './solve.js';

/** A template as GET /v1/exercises/templates lists it. */
export type TemplateSummary = z.output<typeof ExerciseTemplate>;

type ExerciseOutput = z.output<typeof ExerciseResponse>;

/**
 * An exercise as POST /v1/exercises answers it, its `problem` typed as the core builds it: exactly
 * one of neuron and network, which the schema's two optional members cannot say. It is both, so
 * that a spec the schema would not describe does not compile.
 */
export type Exercise = Omit<ExerciseOutput, 'problem' | 'template'> & {
  /** A template's exercise names it; an authored one (authored/index.ts) has none. */
  template: string;
  problem: ExerciseSpec & ExerciseOutput['problem'];
};

/** A template: an authored exercise of the catalogue, or a layer template with its own draw. */
export type TemplateSource = CatalogueEntry | Template;

const all: readonly TemplateSource[] = [...catalogue, ...layerTemplates];
const byId = new Map(all.map((t) => [t.id, t]));

const isCatalogued = (t: TemplateSource): t is CatalogueEntry => 'exercise' in t;
const keysOf = (t: TemplateSource): readonly string[] => (isCatalogued(t) ? t.exercise.ask : t.answerKeys);
/** The catalogue's data as the generator reads it: the schema's input and output types are the same shape. */
const authoredOf = (entry: CatalogueEntry) => entry.exercise as AuthoredExerciseInput;

export const templateIds: readonly string[] = all.map((t) => t.id);

export function listTemplates(): TemplateSummary[] {
  return all.map((t) => ({
    id: t.id,
    title: { ...t.title },
    description: { ...t.description },
    answerKeys: [...keysOf(t)],
  }));
}

export function findTemplate(id: string): TemplateSource {
  const template = byId.get(id);
  if (!template) {
    const ids = templateIds.join(', ');
    throw specError(
      'INVALID_SPEC',
      'template',
      say(
        `unknown template '${quote(id)}'; the templates are ${ids}`,
        `modelo desconhecido '${quote(id)}'; os modelos são ${ids}`,
      ),
    );
  }
  return template;
}

export interface Draw {
  solved: Solved;
  answers: Record<string, AnswerValue>;
  /** How many draws it took (1 is the first); 0 when every draw was refused and the fallback was used. */
  draws: number;
}

/**
 * A layer template's draw: until the template finds the numbers readable and every answer finite,
 * at most MAX_DRAWS times (the generator's stream continues from one draw to the next, so this is
 * deterministic), then the template's known-good numbers.
 */
export function drawReadable(template: Template, seed: number): Draw {
  const rng = seededRng(template.id, seed);
  for (let draws = 1; draws <= MAX_DRAWS; draws++) {
    const solved = solve(template.draw(rng));
    const answers = answersOf(solved, template.answerKeys);
    if (answers && template.readable(solved)) return { solved, answers, draws };
  }
  const solved = solve(structuredClone(template.fallback));
  return { solved, answers: answersOf(solved, template.answerKeys)!, draws: 0 };
}

/**
 * The draw of any template and a checked seed: the catalogue's by the authored generator with
 * seededRng(id, seed) (so that its variants are those the template always drew), a layer
 * template's by its own.
 */
export function drawTemplate(template: TemplateSource, seed: number): Draw {
  return isCatalogued(template) ? drawAuthored(authoredOf(template), seed, template.id) : drawReadable(template, seed);
}

/** The problem of a template and a seed, as POST /v1/grade grades it by reference. */
export const templateProblem = (template: TemplateSource, seed: number | string): ExerciseSpec =>
  drawTemplate(template, checkedSeed(seed)).solved.problem;

/**
 * The exercise of one template and seed, in one locale. The seed is a safe integer >= 0, or a
 * string of 1 to MAX_SEED_LENGTH characters (a student id) that stands for seedNumber(seed).
 */
export function generateExercise(
  templateId: string,
  seed: number | string,
  locale: Locale = 'en',
  answering: Answering = 'keys',
): Exercise {
  const template = findTemplate(templateId);
  if (isCatalogued(template)) {
    const authored = authoredOf(template);
    return {
      template: template.id,
      ...generateAuthoredExercise(authored, seed, locale, { salt: template.id, answering }),
    };
  }
  const { solved, answers } = drawReadable(template, checkedSeed(seed));
  const p = prose(locale, answering);
  return {
    template: template.id,
    seed,
    locale,
    statement: template.statement(solved, p),
    problem: solved.problem,
    answerKeys: [...template.answerKeys],
    answers,
    solution: workedSolution(template, solved, p),
  };
}
