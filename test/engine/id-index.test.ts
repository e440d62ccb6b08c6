import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findId, homeOf, insertId, newIdTable, probeCounts } from '../../src/engine/id-index.js';
import { collidingIds, oldHash, ordinaryIds } from '../support/attacks.js';

describe('the id index', () => {
  it('finds the slot of every id it holds, reports a repeated id with its first slot, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/), { maxLength: 300 }),
        fc.string(),
        (ids, other) => {
          const table = newIdTable(ids.length);
          const first = new Map<string, number>();
          ids.forEach((id, slot) => {
            expect(insertId(table, ids, slot)).toBe(first.get(id) ?? -1);
            if (!first.has(id)) first.set(id, slot);
          });
          for (const [id, slot] of first) expect(findId(table, ids, id)).toBe(slot);
          if (!first.has(other)) expect(findId(table, ids, other)).toBe(-1);
        },
      ),
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

describe('the id index against chosen ids (issue 13)', () => {
  const count = 20_000;
  const filled = (ids: readonly string[]) => {
    const table = newIdTable(ids.length);
    ids.forEach((_, slot) => insertId(table, ids, slot));
    return { table, ...probeCounts(table, ids) };
  };

  it('spreads 20,000 ids chosen against the old unseeded hash as well as 20,000 ordinary ids', () => {
    const chosen = collidingIds(count, count);
    const ordinary = ordinaryIds(count);
    expect(new Set(chosen).size).toBeGreaterThan(0.99 * count);

    // Under the old hash every chosen id starts in the first 1,024 of the 65,536 entries, so they
    // pile into one run: placed in order of their home entry, the k-th sits about k entries on.
    const mask = 65_536 - 1; // the old table for 20,000 ids: a power of two at least twice as large
    const homes = chosen.map((id) => oldHash(id) & mask).sort((a, b) => a - b);
    expect(homes.at(-1)).toBeLessThan(1024);
    let end = -1,
      oldTotal = 0;
    for (const home of homes) {
      end = Math.max(home, end + 1);
      oldTotal += end - home + 1;
    }
    expect(oldTotal / chosen.length).toBeGreaterThan(9000);

    // A lookup of an ordinary id at this load (under a third) reads about 1.2 entries.
    const mine = filled(chosen),
      theirs = filled(ordinary);
    expect(theirs.total / ordinary.length).toBeLessThan(1.5);
    expect(mine.total / chosen.length).toBeLessThan(1.5 * (theirs.total / ordinary.length));
    expect(mine.longest).toBeLessThan(64);
    for (let s = 0; s < chosen.length; s += 997)
      expect(findId(mine.table, chosen, chosen[s])).toBe(chosen.indexOf(chosen[s]));
  });

  it('rehashes itself with another keyed hash when ids pile up under the fast one', () => {
    // Ids that share the first 4 entries of a table of 1,024 under the table's fast hash: what an
    // attacker who knew the key, or a weakness of FNV-1a, would send.
    const probe = newIdTable(300);
    const piled: string[] = [];
    for (let i = 0; piled.length < 300; i++) if (homeOf(probe, `p${i}`) < 4) piled.push(`p${i}`);
    const { table, total, longest } = filled(piled);
    expect(longest).toBeLessThan(64);
    expect(total / piled.length).toBeLessThan(3);
    piled.forEach((id, slot) => expect(findId(table, piled, id)).toBe(slot));
    expect(findId(table, piled, 'q')).toBe(-1);
  });

  it('rehashes itself too when ids gather in many short runs under the fast one', () => {
    // 30 ids on each of 10 entries far apart: no insert probes far, but all of them together do.
    const probe = newIdTable(300);
    const homes = new Map<number, string[]>(Array.from({ length: 10 }, (_, k) => [k * 100, []]));
    for (let i = 0, found = 0; found < 300; i++) {
      const group = homes.get(homeOf(probe, `r${i}`));
      if (group && group.length < 30) {
        group.push(`r${i}`);
        found++;
      }
    }
    const gathered = [...homes.values()].flat();
    const { table, total, longest } = filled(gathered);
    expect(longest).toBeLessThan(25);
    expect(total / gathered.length).toBeLessThan(3);
    gathered.forEach((id, slot) => expect(findId(table, gathered, id)).toBe(slot));
  });

  it('carries its key, so that a worker thread with a key of its own reads a table built here', async () => {
    const ids = ordinaryIds(1000);
    const { table } = filled(ids);
    // The worker is TypeScript: tsx's API loads it in a thread with no loader of its own.
    const script = JSON.stringify(new URL('../support/id-table-worker.ts', import.meta.url).href);
    const boot = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${script}, ${script}))`;
    const worker = new Worker(boot, { eval: true, workerData: { table, ids } });
    const answer = await new Promise<{ slots: number[]; ownKey: number[] }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(answer.ownKey).not.toEqual(Array.from(table.subarray(0, 2)));
    expect(answer.slots).toEqual(ids.map((_, slot) => slot));
  });
});
