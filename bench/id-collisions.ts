/**
 * id-collisions: 20,000 ids chosen against the id table's old hash (unseeded FNV-1a: every one
 * starts in the first 1,024 entries of its table; test/support/attacks.ts chooses them) against
 * 20,000 ordinary ids of the same form (random, unchosen: `v` and 7 letters or digits), as the
 * inputs of a sum in `expr` (20,000 inputs and
 * 20,000 nodes). Three measures, chosen / ordinary each:
 *   - the table alone (insert every id, then find every id), with the old hash kept here as the
 *     "before", and with the service's keyed table (src/engine/id-index.ts);
 *   - compile of the whole problem (compileSpec: expr parse, table, checks, tape);
 *   - POST /v1/gradients through the app (inject: no sockets).
 * Goal (issue 13): chosen ids take at most 1.5× as long as ordinary ids.
 *
 *   npx tsx bench/id-collisions.ts        (npm run bench:id-collisions)
 */
import { buildApp } from '../src/app.js';
import { findId, insertId, newIdTable } from '../src/engine/id-index.js';
import { compileSpec } from '../src/specs/index.js';
import { chosenIds, oldHash, sumOfInputs } from '../test/support/attacks.js';
import {
  check,
  describeMs,
  emitResults,
  fmtMs,
  fmtRatio,
  header,
  interleave,
  interleaveAsync,
  median,
  prng,
} from './helpers.js';

const GOAL = 1.5;

/** The table as it was before issue 13: unseeded FNV-1a, linear probing, no key in the table. */
function oldTable(ids: readonly string[]): number {
  let size = 8;
  while (size < 2 * ids.length) size *= 2;
  const table = new Int32Array(size);
  const mask = size - 1;
  for (let slot = 0; slot < ids.length; slot++) {
    let h = oldHash(ids[slot]) & mask;
    while (table[h] !== 0) h = (h + 1) & mask;
    table[h] = slot + 1;
  }
  let found = 0;
  for (const id of ids) {
    for (let h = oldHash(id) & mask; ; h = (h + 1) & mask) {
      const there = table[h] - 1;
      if (there < 0) break;
      if (ids[there] === id) {
        found++;
        break;
      }
    }
  }
  return found;
}

function keyedTable(ids: readonly string[]): number {
  const table = newIdTable(ids.length);
  for (let slot = 0; slot < ids.length; slot++) insertId(table, ids, slot);
  let found = 0;
  for (const id of ids) if (findId(table, ids, id) >= 0) found++;
  return found;
}

header('id-collisions: 20,000 ids chosen against the old id hash vs 20,000 ordinary ids');
const chosen = chosenIds();
const ordinary = (() => {
  const random = prng(7),
    alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const ids = new Set<string>();
  while (ids.size < chosen.length)
    ids.add(`v${Array.from({ length: 7 }, () => alphabet[Math.floor(random() * 36)]).join('')}`);
  return [...ids];
})();
console.log(
  `  ${chosen.length} chosen ids (e.g. ${chosen.slice(0, 3).join(', ')}), ${ordinary.length} ordinary ids (${ordinary[0]}, ${ordinary[1]}, …)`,
);
// The table in a compile holds the inputs and the nodes (the sum's parts): twice as many ids.
const tableIds = (ids: readonly string[]): string[] => [...ids, ...ids.map((id) => `${id}_`)];
const [chosenTable, ordinaryTable] = [tableIds(chosen), tableIds(ordinary)];

console.log('\ntable alone (insert and find 40,000 ids):');
// Apart, so that the old table's seconds on chosen ids do not sit between the keyed runs.
const oldMs = interleave(
  { 'old hash, chosen': () => oldTable(chosenTable), 'old hash, ordinary': () => oldTable(ordinaryTable) },
  { warmup: 0, reps: 3 },
);
const keyedMs = interleave(
  { 'keyed, chosen': () => keyedTable(chosenTable), 'keyed, ordinary': () => keyedTable(ordinaryTable) },
  { warmup: 5, reps: 41 },
);
const tableMs = { ...oldMs, ...keyedMs };
for (const [name, xs] of Object.entries(tableMs)) console.log(`  ${name.padEnd(20)} ${describeMs(xs)}`);
const oldRatio = median(tableMs['old hash, chosen']) / median(tableMs['old hash, ordinary']);
const tableRatio = median(tableMs['keyed, chosen']) / median(tableMs['keyed, ordinary']);
console.log(`  chosen / ordinary: old hash ${fmtRatio(oldRatio)}, keyed ${fmtRatio(tableRatio)}`);

const bodies = { chosen: { graph: sumOfInputs(chosen) }, ordinary: { graph: sumOfInputs(ordinary) } };
console.log('\ncompile (expr parse, table, checks, tape):');
const compileMs = interleave(
  { chosen: () => compileSpec(bodies.chosen), ordinary: () => compileSpec(bodies.ordinary) },
  { warmup: 2, reps: 15 },
);
for (const [name, xs] of Object.entries(compileMs)) console.log(`  ${name.padEnd(20)} ${describeMs(xs)}`);
const compileRatio = median(compileMs.chosen) / median(compileMs.ordinary);
console.log(`  chosen / ordinary: ${fmtRatio(compileRatio)}`);

console.log('\nPOST /v1/gradients (inject, default configuration):');
const app = await buildApp({ logger: false });
try {
  const texts = { chosen: JSON.stringify(bodies.chosen), ordinary: JSON.stringify(bodies.ordinary) };
  const post = (payload: string) => async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/gradients',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.body.length;
  };
  const first = await post(texts.chosen)();
  check(first > 0, `chosen ids: 200, ${first} bytes (request ${texts.chosen.length} bytes)`);
  const httpMs = await interleaveAsync(
    { chosen: post(texts.chosen), ordinary: post(texts.ordinary) },
    { warmup: 1, reps: 9, gcBefore: true },
  );
  for (const [name, xs] of Object.entries(httpMs)) console.log(`  ${name.padEnd(20)} ${describeMs(xs)}`);
  const httpRatio = median(httpMs.chosen) / median(httpMs.ordinary);
  console.log(`  chosen / ordinary: ${fmtRatio(httpRatio)} (the audit measured 3.7× before)`);

  emitResults([
    {
      benchmark: 'id-collisions',
      figure: `table alone, chosen ids, keyed: ${fmtMs(median(tableMs['keyed, chosen']))} ms`,
      baseline: `ordinary ids: ${fmtMs(median(tableMs['keyed, ordinary']))} ms (old hash: ${fmtRatio(oldRatio)})`,
      ratio: tableRatio,
      goal: `≤ ${GOAL}×`,
      met: tableRatio <= GOAL,
    },
    {
      benchmark: 'id-collisions',
      figure: `compile, chosen ids: ${fmtMs(median(compileMs.chosen))} ms`,
      baseline: `ordinary ids: ${fmtMs(median(compileMs.ordinary))} ms`,
      ratio: compileRatio,
      goal: `≤ ${GOAL}×`,
      met: compileRatio <= GOAL,
    },
    {
      benchmark: 'id-collisions',
      figure: `POST /v1/gradients, chosen ids: ${fmtMs(median(httpMs.chosen))} ms`,
      baseline: `ordinary ids: ${fmtMs(median(httpMs.ordinary))} ms`,
      ratio: httpRatio,
      goal: `≤ ${GOAL}×`,
      met: httpRatio <= GOAL,
    },
  ]);
} finally {
  await app.close();
}
