/**
 * A small seeded PRNG (mulberry32) and the draws exercises need. Only 32-bit integer arithmetic
 * (Math.imul, shifts) and exact divisions: the same seed gives the same numbers on every machine
 * and every Node version, which Math.random cannot promise.
 */
import { createHash } from 'node:crypto';

/** The longest string seed, in characters: a student id, a username, an LMS attempt id. */
export const MAX_SEED_LENGTH = 128;

/**
 * A string seed as the number that stands for it: the first 32 bits of the SHA-256 of its UTF-8
 * bytes, read big-endian (Python: `int.from_bytes(hashlib.sha256(s.encode()).digest()[:4], 'big')`),
 * so that an LMS can reproduce it. A numeric seed is itself, so its variants do not change.
 */
export const seedNumber = (seed: number | string): number =>
  typeof seed === 'number' ? seed : createHash('sha256').update(seed, 'utf8').digest().readUInt32BE(0);

/** FNV-1a over the UTF-16 code units: folds a template id into the seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's finalizer: spreads nearby seeds (0, 1, 2, ...) over the whole state space. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export interface Rng {
  /** Uniform in [0, 1), a multiple of 2^-32. */
  next(): number;
  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  /** A number with `places` decimals in [lo, hi], excluding those with |x| < minAbs. */
  decimal(lo: number, hi: number, places: 1 | 2, minAbs?: number): number;
  pick<T>(items: readonly T[]): T;
}

/**
 * A generator for one (salt, seed) pair. The seed is any safe integer >= 0: both of its 32-bit
 * halves enter the state, so seeds 2^32 apart do not repeat each other.
 */
export function seededRng(salt: string, seed: number): Rng {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  let state = fmix32(fmix32(fnv1a(salt) ^ lo) ^ hi);

  // mulberry32 (Tommy Ettinger): one 32-bit word of state, period 2^32.
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (a: number, b: number): number => a + Math.floor(next() * (b - a + 1));
  return {
    next,
    int,
    decimal(a, b, places, minAbs = 0) {
      const scale = places === 1 ? 10 : 100;
      // Draw an integer count of tenths or hundredths and divide once: n / 10 is the same double
      // as the literal written with that many decimals (division is correctly rounded).
      const lowest = Math.round(a * scale);
      const highest = Math.round(b * scale);
      const floor = Math.round(minAbs * scale);
      const allowed = (n: number) => Math.abs(n) >= floor;
      for (let tries = 0; tries < 64; tries++) {
        const n = int(lowest, highest);
        if (allowed(n)) return n / scale;
      }
      // Too many rejections (a range mostly inside minAbs): take the edge of the range.
      return highest / scale;
    },
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}
