import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findId, insertId, newIdTable } from '../../src/engine/id-index.js';

describe('the id index', () => {
  it('finds the slot of every id it holds, reports a repeated id with its first slot, and nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/), { maxLength: 300 }), fc.string(), (ids, other) => {
        const table = newIdTable(ids.length);
        const first = new Map<string, number>();
        ids.forEach((id, slot) => {
          expect(insertId(table, ids, slot)).toBe(first.get(id) ?? -1);
          if (!first.has(id)) first.set(id, slot);
        });
        for (const [id, slot] of first) expect(findId(table, ids, id)).toBe(slot);
        if (!first.has(other)) expect(findId(table, ids, other)).toBe(-1);
      }),
    );
  });

  it('keeps ids such as __proto__ and constructor as data', () => {
    const ids = ['__proto__', 'constructor', 'toString', 'x'];
    const table = newIdTable(ids.length);
    ids.forEach((_, slot) => insertId(table, ids, slot));
    expect(ids.map((id) => findId(table, ids, id))).toEqual([0, 1, 2, 3]);
    expect(findId(table, ids, 'hasOwnProperty')).toBe(-1);
  });
});
