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

/**
 * Catalogue names within edit distance 3 of `name` (less for short names, where 3 edits reach
 * almost anything), closest first, at most 3; ties in catalogue order.
 */
export function nearestOpNames(name: string): string[] {
  const lower = name.toLowerCase(); // `Sigmoid` should still suggest sigmoid
  const reach = Math.min(3, Math.ceil(lower.length / 2));
  return opNames
    .map((op) => ({ op, d: levenshtein(lower, op) }))
    .filter(({ d }) => d <= reach)
    .sort((a, b) => a.d - b.d) // stable: equal distances keep catalogue order
    .slice(0, 3)
    .map(({ op }) => op);
}
