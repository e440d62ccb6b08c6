/**
 * Templates whose problem is a graph of nodes: the layer exercises (a convolution, a pool, batch
 * norm, recurrent steps, softmax cross-entropy). Each gives its draw, its readability rule and the
 * paragraph that states its numbers; the rest (the list of what it computes, the keys, how to
 * answer) is written here once. The worked solution is the explainer's (solution.ts).
 */
import type { GraphSpec, NodeSpec, ValueSpec } from '../../specs/spec.js';
import { type Localized, say } from '../../text.js';
import type { Prose } from './format.js';
import type { Rng } from './random.js';
import type { ExerciseSpec, Solved } from './solve.js';
import { LEARNING_RATES, type Template } from './template.js';
import { type KeyMeanings, askFor, computes, howToAnswer } from './words.js';

export interface GraphTemplateOptions {
  id: string;
  title: Localized;
  description: Localized;
  answerKeys: readonly string[];
  /** What each key means here, where the shared meanings (words.ts) do not say it. */
  meanings: KeyMeanings;
  draw(rng: Rng): GraphSpec;
  readable(s: Solved): boolean;
  fallback: GraphSpec;
  /** The paragraphs before "It computes:": the setting and the given numbers. */
  intro(s: Solved, p: Prose): string;
  /** Paragraphs after the list of what the graph computes: a convention to know (gate order, eps). */
  notes?(s: Solved, p: Prose): string;
  /** Some answer is of rank 3 or 4, and the statement says how such an answer is written. */
  nested?: boolean;
}

/** A learning rate is drawn for every exercise (the problem carries one), used by the `step(...)` keys that ask for it. */
const exercise = (graph: GraphSpec, learningRate: number): ExerciseSpec => ({ graph, learningRate });

/**
 * Below this, a nonzero value is the rounding of an exact 0 (0.1 + 0.2 − 0.3): a number the
 * solution would print as `−1.11022e−16`, where by hand it is 0.
 */
const NOISE = 1e-9;

/** Some id's value holds a rounding residue of 0. */
const noise = (s: Solved): boolean =>
  s.graph.ids.some((id) => id !== null && elements(s, id).some((v) => v !== 0 && Math.abs(v) < NOISE));

export function graphTemplate(o: GraphTemplateOptions): Template {
  return {
    id: o.id,
    title: o.title,
    description: o.description,
    answerKeys: o.answerKeys,
    draw: (rng) => {
      const graph = o.draw(rng);
      return exercise(graph, rng.pick(LEARNING_RATES));
    },
    readable: (s) => o.readable(s) && !noise(s),
    fallback: exercise(o.fallback, LEARNING_RATES[0]),
    statement: (s, p) =>
      [
        `### ${o.title[p.locale]}`,
        o.intro(s, p),
        // The subject varies (a layer, a cell, a classifier): in Portuguese, the graph says it.
        say('It computes:', 'O grafo calcula:')[p.locale],
        computes(s, p),
        ...(o.notes ? [o.notes(s, p)] : []),
        askFor(o.answerKeys, p, o.meanings),
        howToAnswer(p, o.nested ? 'nested' : true),
      ].join('\n\n'),
  };
}

// ---------------------------------------------------------------------------------------------
// Drawing the numbers, and writing them.

/** `n` numbers with `places` decimals in [lo, hi], none with |x| < minAbs. */
export const decimals = (rng: Rng, n: number, lo: number, hi: number, places: 1 | 2 = 1, minAbs = 0): number[] =>
  Array.from({ length: n }, () => rng.decimal(lo, hi, places, minAbs));

/** `n` different integers from [lo, hi] (a partial Fisher-Yates shuffle): no two equal, so no ties. */
export function distinctIntegers(rng: Rng, n: number, lo: number, hi: number, skipZero = false): number[] {
  const pool: number[] = [];
  for (let v = lo; v <= hi; v++) if (!(skipZero && v === 0)) pool.push(v);
  for (let i = 0; i < n; i++) {
    const j = rng.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}

/** Row-major numbers as the JSON value of a shape: `[1, 1, 2, 2]` gives `[[[[a, b], [c, d]]]]`. */
export function shaped(data: readonly number[], shape: readonly number[]): ValueSpec {
  const nest = (axis: number, at: number): number | unknown[] => {
    if (axis === shape.length) return data[at];
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[axis] }, (_, i) => nest(axis + 1, at + i * stride));
  };
  return nest(0, 0) as ValueSpec;
}

/** A node of the graph. */
export const node = (id: string, op: string, args: (string | number)[], attrs?: Record<string, number>): NodeSpec =>
  attrs ? { id, op, args, attrs } : { id, op, args };

/** `` `x = [[1, 2], [3, 4]]` `` for each id, joined as a list in the prose's language. */
export function given(s: Solved, p: Prose, ids: readonly string[]): string {
  const items = ids.map((id) => `\`${id} = ${p.tensor(s.value(id), p.given)}\``);
  const and = say(' and ', ' e ')[p.locale];
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')}${and}${items[items.length - 1]}`;
}

/** The elements of an id's value. */
export const elements = (s: Solved, id: string): number[] => Array.from(s.value(id).data);
