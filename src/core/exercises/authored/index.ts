/**
 * Authored exercises: an instructor's spec with value sources, drawn from a seed with
 * seededRng('authored', seed) (mulberry32, random.ts), redrawn while a constraint fails, at most
 * MAX_DRAWS times; then solved, stated and worked as a template's exercise is.
 */
import { SpecError, specError } from '../../../engine/errors.js';
import { argsOf } from '../../../engine/tape.js';
import { quote, say } from '../../../text.js';
import type { AuthoredExerciseInput } from '../../../schemas/authored.js';
import { parseKey } from '../../grading/keys.js';
import { type Answering, type Locale, prose } from '../format.js';
import { seededRng } from '../random.js';
import { checkedSeed } from '../seed.js';
import { workedSolution } from '../solution.js';
import { type AnswerValue, type ExerciseSpec, type Solved, answersOf, solve } from '../solve.js';
import { MAX_DRAWS } from '../template.js';
import { MAX_EXERCISE_ELEMENTS } from './sources.js';
import { type ConstraintName, brokenConstraint, checkBoundIds, checkConstraints } from './constraints.js';
import { checkDrawnSpec, specKindOf, variantDraw } from './spec.js';
import { authoredStatement, checkPlaceholders } from './statement.js';

/** The salt of the generator of every authored exercise: the same sources and seed give the same numbers. */
export const AUTHORED_SALT = 'authored';

export interface AuthoredDraw {
  solved: Solved;
  answers: Record<string, AnswerValue>;
  /** How many draws it took (1 is the first). */
  draws: number;
}

/** The most nodes of an exercise's graph: a student works each one by hand. */
export const MAX_EXERCISE_NODES = 500;

/** Why a draw was refused: a constraint, or an answer that is not finite. */
type Refusal = ConstraintName | 'finite';

/** A SpecError of the drawn spec, its paths under `exercise.` where the author wrote the field. */
const underExercise = (error: SpecError): SpecError =>
  new SpecError(
    error.code,
    error.localized.map((f) => ({ ...f, path: f.path.startsWith('answers') ? f.path : `exercise.${f.path}` })),
    error.extra,
  );

/** The checks a first draw makes possible: the spec, the answer keys, the placeholders. */
function checkFirst(exercise: AuthoredExerciseInput, problem: ExerciseSpec): Solved {
  let solved: Solved;
  try {
    solved = solve(problem);
  } catch (error) {
    throw error instanceof SpecError ? underExercise(error) : error;
  }
  if (solved.graph.initial.length > MAX_EXERCISE_ELEMENTS || solved.graph.nodeCount > MAX_EXERCISE_NODES) {
    throw specError(
      'INVALID_SPEC',
      'exercise',
      say(
        `an exercise holds at most ${MAX_EXERCISE_ELEMENTS} numbers and ${MAX_EXERCISE_NODES} nodes`,
        `um exercício tem no máximo ${MAX_EXERCISE_ELEMENTS} números e ${MAX_EXERCISE_NODES} nós`,
      ),
    );
  }
  if (exercise.graph) checkLeavesUsed(solved, exercise.graph);
  exercise.ask.forEach((key, i) => {
    try {
      parseKey(solved.graph, key);
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      throw specError(
        error.code === 'UNKNOWN_ANSWER_KEY' ? 'INVALID_SPEC' : error.code,
        `exercise.ask[${i}]`,
        error.localized[0].message,
      );
    }
  });
  checkBoundIds(solved, exercise.constraints ?? {});
  checkPlaceholders(solved, 'title', exercise.title, prose('en'));
  checkPlaceholders(solved, 'statement', exercise.statement, prose('en'));
  return solved;
}

/** A source for an id no node reads is a mistake (a typo of the id the graph uses): a 422 at its path. */
function checkLeavesUsed(s: Solved, graph: NonNullable<AuthoredExerciseInput['graph']>): void {
  const used = new Set<number>([s.graph.output]);
  for (let k = 0; k < s.graph.nodeCount; k++) for (const slot of argsOf(s.graph, k)) used.add(slot);
  for (const group of ['inputs', 'params'] as const) {
    for (const id of Object.keys(graph[group] ?? {})) {
      if (used.has(s.graph.ids.indexOf(id))) continue;
      throw specError(
        'INVALID_SPEC',
        `exercise.graph.${group}.${id}`,
        say(`no node of the graph reads the id '${quote(id)}'`, `nenhum nó do grafo lê o id '${quote(id)}'`),
      );
    }
  }
}

/**
 * The variant of a seed: draws until every answer is finite and no constraint fails. When all
 * MAX_DRAWS fail, a 422 names the constraint that failed most (its count in `failures`). The
 * generator's salt is AUTHORED_SALT; a template of the catalogue (../catalog) draws with its id.
 */
export function drawAuthored(exercise: AuthoredExerciseInput, seed: number, salt = AUTHORED_SALT): AuthoredDraw {
  const kind = specKindOf(exercise);
  const constraints = exercise.constraints ?? {};
  checkConstraints(constraints);
  const draw = variantDraw(exercise, kind);
  const rng = seededRng(salt, seed);
  const failures: Partial<Record<Refusal, number>> = {};
  for (let draws = 1; draws <= MAX_DRAWS; draws++) {
    const problem = draw(rng);
    let solved: Solved;
    if (draws === 1) {
      checkDrawnSpec(problem, kind);
      solved = checkFirst(exercise, problem);
    } else {
      solved = solve(problem);
    }
    const answers = answersOf(solved, exercise.ask);
    const refusal: Refusal | undefined = answers ? brokenConstraint(solved, constraints, exercise.ask) : 'finite';
    if (answers && !refusal) return { solved, answers, draws };
    failures[refusal!] = (failures[refusal!] ?? 0) + 1;
  }
  const [most, count] = Object.entries(failures).sort((a, b) => b[1] - a[1])[0] as [Refusal, number];
  const what =
    most === 'finite'
      ? say('finite answers', 'respostas finitas')
      : say(`the constraint ${most}`, `a restrição ${most}`);
  throw specError(
    'INVALID_SPEC',
    most === 'finite' ? 'exercise.ask' : `exercise.constraints.${most}`,
    say(
      `no variant in ${MAX_DRAWS} draws satisfies ${what.en}: it failed ${count} times; widen the ranges or loosen the constraint`,
      `nenhuma variante em ${MAX_DRAWS} sorteios satisfaz ${what['pt-BR']}: ela falhou ${count} vezes; amplie os intervalos ou afrouxe a restrição`,
    ),
    { constraint: most, failures },
  );
}

/** The problem of an authored exercise and a seed, as POST /v1/grade grades it by reference. */
export const authoredProblem = (exercise: AuthoredExerciseInput, seed: number | string, salt = AUTHORED_SALT) =>
  drawAuthored(exercise, checkedSeed(seed), salt).solved.problem;

export interface GenerateOptions {
  /** The generator's name: `authored`, or a catalogued template's id. */
  salt?: string;
  /** How the statement says to answer: under each key (the API), or a number per field (a question bank). */
  answering?: Answering;
}

export function generateAuthoredExercise(
  exercise: AuthoredExerciseInput,
  seed: number | string,
  locale: Locale = 'en',
  { salt = AUTHORED_SALT, answering = 'keys' }: GenerateOptions = {},
) {
  const kind = specKindOf(exercise);
  const { solved, answers } = drawAuthored(exercise, checkedSeed(seed), salt);
  const p = prose(locale, answering);
  return {
    seed,
    locale,
    statement: authoredStatement(exercise, kind, solved, p),
    problem: solved.problem,
    answerKeys: [...exercise.ask],
    answers,
    solution: workedSolution({ answerKeys: exercise.ask }, solved, p),
  };
}
