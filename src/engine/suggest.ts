/** "Did you mean": the nearest names of a list (ops, answer keys, fields) by edit distance. */
import { opNames } from './ops.js';

/** The most edits a suggestion may be away from the name written. */
const REACH = 3;

/** A character code in lower case (ASCII letters): candidates are folded as they are compared, never copied. */
const fold = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

/**
 * Edit distances within a band of `reach` around the diagonal: the two rows are allocated once per
 * list of candidates, only the band's cells are computed, and a row all beyond reach ends the
 * comparison, so that thousands of long names cost a few cells per character.
 */
class BandedDistance {
  private prev: Int32Array;
  private cur: Int32Array;

  constructor(longest: number) {
    this.prev = new Int32Array(longest + 2);
    this.cur = new Int32Array(longest + 2);
  }

  /** The distance of `a` (lower case) and `b` (folded) if it is at most `reach`, else reach + 1. */
  of(a: string, b: string, reach: number): number {
    const beyond = reach + 1,
      m = a.length,
      n = b.length;
    if (Math.abs(m - n) > reach) return beyond;
    let prev = this.prev,
      cur = this.cur;
    for (let j = 0; j <= Math.min(n, reach); j++) prev[j] = j;
    if (reach + 1 <= n) prev[reach + 1] = beyond;
    for (let i = 1; i <= m; i++) {
      const lo = Math.max(1, i - reach),
        hi = Math.min(n, i + reach);
      cur[lo - 1] = lo === 1 && i <= reach ? i : beyond;
      const ai = a.charCodeAt(i - 1);
      let best = cur[lo - 1];
      for (let j = lo; j <= hi; j++) {
        const d = Math.min(
          prev[j] + 1,
          cur[j - 1] + 1,
          prev[j - 1] + (ai === fold(b.charCodeAt(j - 1)) ? 0 : 1),
          beyond,
        );
        cur[j] = d;
        if (d < best) best = d;
      }
      if (hi + 1 <= n) cur[hi + 1] = beyond;
      if (best > reach) return beyond;
      [prev, cur] = [cur, prev];
    }
    return prev[n];
  }
}

/**
 * The names of `candidates` within edit distance 3 of `name` (less for short names, where 3 edits
 * reach almost anything), closest first, at most 3; ties in the candidates' order. The distance is
 * at least the difference in length, so a name longer than every candidate by more than 3 gets no
 * suggestion and no distance is computed (a name of a megabyte costs nothing), nor for a candidate
 * whose length is out of reach. Compared in lower case, so `Sigmoid` still suggests sigmoid.
 */
export function nearestNames(name: string, candidates: readonly string[]): string[] {
  let longest = 0;
  for (const c of candidates) if (c.length > longest) longest = c.length;
  if (name.length > longest + REACH) return [];
  const lower = name.toLowerCase();
  const reach = Math.min(REACH, Math.ceil(lower.length / 2));
  const distance = new BandedDistance(longest);
  const near: { c: string; d: number }[] = [];
  for (const c of candidates) {
    if (Math.abs(c.length - lower.length) > reach) continue;
    const d = distance.of(lower, c, reach);
    if (d <= reach) near.push({ c, d });
  }
  return near
    .sort((a, b) => a.d - b.d) // stable: equal distances keep the candidates' order
    .slice(0, 3)
    .map(({ c }) => c);
}

/** The op catalogue's names nearest to a mistyped op name. */
export const nearestOpNames = (name: string): string[] => nearestNames(name, opNames);
