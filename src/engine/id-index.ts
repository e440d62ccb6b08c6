/**
 * The slot of each id: an open-addressing hash table in an Int32Array (FNV-1a over the id's
 * characters, linear probing, at most half full), next to the tape's `ids`. For a million ids it
 * is filled and read about 2.5 times as fast as a Map (compile does one insert per id and one
 * lookup per arg), and it is plain data: it goes to a worker thread with the rest of the tape.
 * An entry holds slot + 1, so that a new table's zeros are empty entries.
 */

/** A table with room for `count` ids, empty: a power of two at least twice as large. */
export function newIdTable(count: number): Int32Array {
  let size = 8;
  while (size < 2 * count) size *= 2;
  return new Int32Array(size);
}

function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Records `slot` for `ids[slot]`; returns the slot already recorded for that id, or -1 when it is new. */
export function insertId(table: Int32Array, ids: readonly (string | null)[], slot: number): number {
  const id = ids[slot]!;
  const mask = table.length - 1;
  for (let h = hashOf(id) & mask; ; h = (h + 1) & mask) {
    const there = table[h] - 1;
    if (there < 0) {
      table[h] = slot + 1;
      return -1;
    }
    if (ids[there] === id) return there;
  }
}

/** The slot of `id`, or -1. */
export function findId(table: Int32Array, ids: readonly (string | null)[], id: string): number {
  const mask = table.length - 1;
  for (let h = hashOf(id) & mask; ; h = (h + 1) & mask) {
    const there = table[h] - 1;
    if (there < 0 || ids[there] === id) return there;
  }
}
