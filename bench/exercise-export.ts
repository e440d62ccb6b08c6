/**
 * exercise-export: what a question bank costs. For MAX_EXPORT_VARIANTS (200) variants of the
 * 2-2-1 network (24 numbers a variant) and of the sigmoid neuron (11), the library's
 * exportExercises call in each format: time, and the file's bytes (a zip's, and what it holds
 * unzipped). The baseline, in the same run: drawing the same variants alone (exercise() per seed),
 * which every format does first, so each format's own cost is the difference.
 *
 *   npx tsx bench/exercise-export.ts [variants]
 */
import { unzipSync } from 'fflate';
import { exportFormatNames } from '../src/core/exercises/export/index.js';
import { exercise, exportExercises } from '../src/index.js';

const count = Number(process.argv[2] ?? 200);
const REPEATS = 3;

/** The best of REPEATS runs, in ms. */
function best(run: () => unknown): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    run();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

const size = (body: string | Uint8Array): { bytes: number; unzipped?: number } => {
  if (typeof body === 'string') return { bytes: Buffer.byteLength(body) };
  const files = Object.values(unzipSync(body));
  return { bytes: body.length, unzipped: files.reduce((n, f) => n + f.length, 0) };
};

console.log(`exercise-export: ${count} variants, best of ${REPEATS} runs, Node ${process.version}`);
for (const template of ['network-2-2-1', 'neuron-sigmoid']) {
  const seeds = Array.from({ length: count }, (_, i) => i + 1);
  const draw = best(() => seeds.map((seed) => exercise({ template, seed })));
  console.log(`\n${template}: drawing the variants alone (exercise() per seed) ${draw.toFixed(0)} ms`);
  console.log('format         ms     × drawing   file bytes   unzipped');
  for (const format of exportFormatNames) {
    let body: string | Uint8Array = '';
    const ms = best(() => {
      body = exportExercises({ template, count, locale: 'en', format }).body;
    });
    const { bytes, unzipped } = size(body);
    console.log(
      `${format.padEnd(14)} ${ms.toFixed(0).padStart(5)}  ${(ms / draw).toFixed(2).padStart(9)}  ${String(bytes).padStart(11)}  ${unzipped === undefined ? '' : String(unzipped).padStart(9)}`,
    );
  }
}
