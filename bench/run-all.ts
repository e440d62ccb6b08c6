/**
 * `npm run bench`: every benchmark in turn, each in its own process (a fresh heap and JIT, and
 * any server it starts ends with it), then the table of their figures, ready for BENCHMARKS.md.
 * A benchmark that fails or overruns its time is killed and reported, and the others still run.
 *
 *   npx tsx bench/run-all.ts [name ...]        (npm run bench [-- name ...])
 */
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX, type ResultRow, fmtRatio, machine, now, spawnNode } from './helpers.js';

/** In the order of the issue, each with the most it may take on this machine. */
const BENCHMARKS: [name: string, timeoutS: number][] = [
  ['dag-tape', 60],
  ['dag-library', 120],
  ['http-neuron', 60],
  ['http-grade', 60],
  ['mlp', 90],
  ['lenet', 120],
  ['http-large-graph', 90],
  ['healthz-under-load', 90],
  ['offload-threshold', 90],
  ['scalar-dispatch', 60],
  ['openapi-flood', 150],
  ['id-collisions', 180],
  ['explain-cost', 120],
];

const only = process.argv.slice(2);
const selected = only.length ? BENCHMARKS.filter(([name]) => only.includes(name)) : BENCHMARKS;
const m = machine();
console.log(`node ${m.node}, ${m.nproc} cores, ${m.cpu}\n`);

const rows: ResultRow[] = [];
const failed: string[] = [];
const t0 = now();
for (const [name, timeoutS] of selected) {
  const started = now();
  const child = spawnNode(fileURLToPath(new URL(`./${name}.ts`, import.meta.url)));
  child.process.stdout!.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  child.process.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const timer = setTimeout(() => {
    console.error(`\n${name}: over ${timeoutS} s, killed`);
    void child.stop(1000);
  }, timeoutS * 1000);
  const code = await new Promise<number | null>((resolve) => child.process.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const line = child.lines.find((l) => l.startsWith(RESULT_PREFIX));
  if (code !== 0 || !line) failed.push(`${name} (exit ${code})`);
  if (line) rows.push(...(JSON.parse(line.slice(RESULT_PREFIX.length)) as ResultRow[]));
  console.log(`-- ${name}: ${((now() - started) / 1000).toFixed(1)} s\n`);
}

const cell = (s: string): string => s.replaceAll('|', '\\|');
console.log(
  `\n## Figures (node ${m.node}, ${m.nproc} cores, ${m.cpu}; ${((now() - t0) / 1000).toFixed(0)} s in all)\n`,
);
console.log('| benchmark | figure | baseline | ratio | goal | met |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  const met = r.met === null ? '—' : r.met ? 'yes' : '**no**';
  console.log(
    `| ${r.benchmark} | ${cell(r.figure)} | ${cell(r.baseline)} | ${r.ratio === null ? '—' : fmtRatio(r.ratio)} | ${cell(r.goal)} | ${met} |`,
  );
}
if (failed.length) {
  console.log(`\nfailed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
