/**
 * The slot of each id: an open-addressing hash table in an Int32Array (linear probing, at most
 * half full), next to the tape's `ids`. For a million ids it is filled and read about 2.5 times as
 * fast as a Map (compile does one insert per id and one lookup per arg), and it is plain data: it
 * goes to a worker thread with the rest of the tape.
 *
 * Ids come from clients, so the hash is keyed, with a key drawn once per process: without it
 * nobody can choose ids that share a probe sequence (against the old unseeded FNV-1a, 20,000 such
 * ids took a fraction of a second to find offline). A table starts with FNV-1a from the key and a
 * final mix (so that the entry depends on every bit of the key, not on its low bits alone), which
 * is fast. FNV-1a is not made against chosen inputs, so the table watches its inserts: should
 * one probe more than LONG_PROBE entries (about 1 in 10^10 inserts for ids that nobody chose), or
 * all of them together more than PROBE_BUDGET per entry (about 3 times what ids that nobody chose
 * take), it rehashes itself with HalfSipHash-1-3 under the key, a keyed hash made against such
 * ids. Either way, what chosen ids cost does not rest on FNV-1a.
 *
 * Layout: the key, the hash in use and the probes of the inserts so far come first (so that a
 * worker thread, which draws its own key, still reads a table built on the main thread); entry h
 * is two numbers: at HEADER + 2h, slot + 1 (so that a new table's zeros are empty entries), and
 * next to it the id's hash. A probe that meets another id's entry tells them apart by the hash,
 * in the cache line it has already read, rather than by reading that id (a random read of the ids
 * and of the string: at a million ids, most of what compile spent on its inserts and lookups).
 */
import { randomBytes } from 'node:crypto';

const KEY0 = 0,
  KEY1 = 1,
  HASH = 2,
  PROBES = 3,
  HEADER = 4;
const FNV = 0,
  SIP = 1;
/** Linear probing at most half full probes this far with probability about e^(-0.19 · 128). */
const LONG_PROBE = 128;
/** Filling a table half full takes about 0.7 probes per entry (1.4 per insert) with a good hash. */
const PROBE_BUDGET = 2;
const random = randomBytes(8);
const processKey = [random.readInt32LE(0), random.readInt32LE(4)];

/** A table with room for `count` ids, empty: a power of two of entries at least twice as many, after the header. */
export function newIdTable(count: number): Int32Array {
  let size = 8;
  while (size < 2 * count) size *= 2;
  const table = new Int32Array(HEADER + 2 * size);
  table[KEY0] = processKey[0];
  table[KEY1] = processKey[1];
  table[HASH] = FNV;
  return table;
}

const rotl = (x: number, b: number): number => (x << b) | (x >>> (32 - b));

/** The table's hash of `id` as an int32 (as its entries hold it): FNV-1a from the key, or HalfSipHash once it has rehashed. */
const hashOf = (table: Int32Array, id: string): number =>
  table[HASH] === FNV ? fnv1a(table[KEY0], id) : halfSipHash(table[KEY0], table[KEY1], id) | 0;

/** The entries' mask: their count (a power of two) less one. */
const maskOf = (table: Int32Array): number => ((table.length - HEADER) >> 1) - 1;

/** FNV-1a from `key`, then MurmurHash3's final mix (fmix32), so that the low bits depend on all the others. */
function fnv1a(key: number, id: string): number {
  let h = key ^ 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** HalfSipHash-1-3 (Aumasson and Bernstein) of `id`'s code units, two per 32-bit word, under the key (k0, k1). */
function halfSipHash(k0: number, k1: number, id: string): number {
  let v0 = k0,
    v1 = k1,
    v2 = 0x6c796765 ^ k0,
    v3 = 0x74656462 ^ k1;
  const n = id.length;
  const full = n & ~1;
  let i = 0;
  // One SipRound after each word (c = 1), three at the end (d = 3), written out for speed.
  for (; i < full; i += 2) {
    const m = id.charCodeAt(i) | (id.charCodeAt(i + 1) << 16);
    v3 ^= m;
    v0 = (v0 + v1) | 0;
    v1 = rotl(v1, 5) ^ v0;
    v0 = rotl(v0, 16);
    v2 = (v2 + v3) | 0;
    v3 = rotl(v3, 8) ^ v2;
    v0 = (v0 + v3) | 0;
    v3 = rotl(v3, 7) ^ v0;
    v2 = (v2 + v1) | 0;
    v1 = rotl(v1, 13) ^ v2;
    v2 = rotl(v2, 16);
    v0 ^= m;
  }
  // The last word: the odd code unit, if any, and the length (in bytes, mod 256) in the top byte.
  const b = (i < n ? id.charCodeAt(i) : 0) | ((2 * n) << 24);
  v3 ^= b;
  v0 = (v0 + v1) | 0;
  v1 = rotl(v1, 5) ^ v0;
  v0 = rotl(v0, 16);
  v2 = (v2 + v3) | 0;
  v3 = rotl(v3, 8) ^ v2;
  v0 = (v0 + v3) | 0;
  v3 = rotl(v3, 7) ^ v0;
  v2 = (v2 + v1) | 0;
  v1 = rotl(v1, 13) ^ v2;
  v2 = rotl(v2, 16);
  v0 ^= b;
  v2 ^= 0xff;
  for (let r = 0; r < 3; r++) {
    v0 = (v0 + v1) | 0;
    v1 = rotl(v1, 5) ^ v0;
    v0 = rotl(v0, 16);
    v2 = (v2 + v3) | 0;
    v3 = rotl(v3, 8) ^ v2;
    v0 = (v0 + v3) | 0;
    v3 = rotl(v3, 7) ^ v0;
    v2 = (v2 + v1) | 0;
    v1 = rotl(v1, 13) ^ v2;
    v2 = rotl(v2, 16);
  }
  return (v1 ^ v3) >>> 0;
}

/** Records `slot` for `ids[slot]`; returns the slot already recorded for that id, or -1 when it is new. */
export function insertId(table: Int32Array, ids: readonly (string | null)[], slot: number): number {
  const id = ids[slot]!;
  const mask = maskOf(table);
  const hash = hashOf(table, id);
  let probes = 0;
  for (let h = hash & mask; ; h = (h + 1) & mask) {
    const at = HEADER + 2 * h;
    const there = table[at] - 1;
    if (there < 0) {
      probes++;
      if (table[HASH] === FNV && (probes > LONG_PROBE || (table[PROBES] += probes) > PROBE_BUDGET * (mask + 1))) {
        rehash(table, ids);
        return insertId(table, ids, slot);
      }
      table[at] = slot + 1;
      table[at + 1] = hash;
      return -1;
    }
    if (table[at + 1] === hash && ids[there] === id) return there;
    probes++;
  }
}

/** Moves every id of the table to its entry under HalfSipHash. */
function rehash(table: Int32Array, ids: readonly (string | null)[]): void {
  const held: number[] = [];
  for (let at = HEADER; at < table.length; at += 2) if (table[at] > 0) held.push(table[at] - 1);
  table.fill(0, HEADER);
  table[HASH] = SIP;
  for (const slot of held) insertId(table, ids, slot);
}

/** The slot of `id`, or -1. */
export function findId(table: Int32Array, ids: readonly (string | null)[], id: string): number {
  const mask = maskOf(table);
  const hash = hashOf(table, id);
  for (let h = hash & mask; ; h = (h + 1) & mask) {
    const at = HEADER + 2 * h;
    const there = table[at] - 1;
    if (there < 0 || (table[at + 1] === hash && ids[there] === id)) return there;
  }
}

/**
 * How far the ids sit from their hash's entry: the entries a lookup of each held id reads, in
 * total and at most. A measure of how well the hash spreads these ids, for tests and benches.
 */
export function probeCounts(table: Int32Array, ids: readonly (string | null)[]): { total: number; longest: number } {
  const mask = maskOf(table);
  let total = 0,
    longest = 0;
  for (let e = 0; e <= mask; e++) {
    const slot = table[HEADER + 2 * e] - 1;
    if (slot < 0) continue;
    const probes = ((e - homeOf(table, ids[slot]!)) & mask) + 1;
    total += probes;
    if (probes > longest) longest = probes;
  }
  return { total, longest };
}

/** The entry where a lookup of `id` starts, under the hash the table uses now. */
export const homeOf = (table: Int32Array, id: string): number => hashOf(table, id) & maskOf(table);
