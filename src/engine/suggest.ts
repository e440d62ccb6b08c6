/** Suggestions for a mistyped op name: the catalogue's nearest names by edit distance. */
import { opNames } from './ops.js';

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The most edits a suggestion may be away from the name written. */
const REACH = 3;
const LONGEST_OP_NAME = Math.max(...opNames.map((op) => op.length));

/**
 * Catalogue names within edit distance 3 of `name` (less for short names, where 3 edits reach
 * almost anything), closest first, at most 3; ties in catalogue order. The distance is at least
 * the difference in length, so a name longer than every op by more than 3 gets no suggestion and
 * no distance is computed (an op name of a megabyte costs nothing), nor for an op whose length
 * is out of reach.
 */
export function nearestOpNames(name: string): string[] {
  if (name.length > LONGEST_OP_NAME + REACH) return [];
  const lower = name.toLowerCase(); // `Sigmoid` should still suggest sigmoid
  const reach = Math.min(REACH, Math.ceil(lower.length / 2));
  return opNames
    .filter((op) => Math.abs(op.length - lower.length) <= reach)
    .map((op) => ({ op, d: levenshtein(lower, op) }))
    .filter(({ d }) => d <= reach)
    .sort((a, b) => a.d - b.d) // stable: equal distances keep catalogue order
    .slice(0, 3)
    .map(({ op }) => op);
}
