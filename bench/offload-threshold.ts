/**
 * offload-threshold: where running a job on a worker thread pays. For jobs of estimated work
 * (the estimate the service uses: tape.passWork × passes, here /v1/gradients, 2 passes) from
 * 1e3 to 1e7 element operations, in three families of graph:
 * - scalar: the random DAG (helpers.ts), all-scalar, so the engine's scalar loops;
 * - tiny tensors: the same DAG with [1]-shaped leaves (same estimate, tensor kernels per node);
 * - matmul: A [k,k] @ B [k,k], tanh, sum: few nodes, big tensors;
 * the same request is sent, one at a time, to the service with the pool off (buildApp
 * `pool: false`: computed on the event loop) and with every job offloaded (`offloadWork: 0`),
 * both in one server process (servers.ts), alternating. Each request asks `include` for the
 * output only, so responses stay small and the comparison is about the compute.
 * Reported per size: the latency of each; the event-loop time each request takes in the server
 * (event-loop utilisation: active ms per request) and the longest event-loop delay; and what
 * offloading saves the event loop against what it adds to the request's latency. The service
 * offloads above DEFAULT_OFFLOAD_WORK (src/http/compute.ts); the summary says what these
 * measurements suggest for it. No goal.
 *
 *   npx tsx bench/offload-threshold.ts        (npm run bench:offload-threshold)
 */
import { DEFAULT_LIMITS } from '../src/engine/limits.js';
import { DEFAULT_OFFLOAD_WORK } from '../src/http/compute.js';
import { compileSpec } from '../src/specs/index.js';
import {
  type ResultRow,
  dagBody,
  emitResults,
  fmtInt,
  fmtMs,
  header,
  httpRequest,
  keepAlive,
  median,
  randomDag,
  startServers,
} from './helpers.js';

const TARGETS = [1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6, 3e6, 1e7];
/** The DAG families stop at 3e5 (60,000 nodes, a 3 MB body): beyond, they only take longer the same way. */
const DAG_MAX_WORK = 3e5;
const limits = { ...DEFAULT_LIMITS, maxNodes: 1_000_000 };
const bodyLimit = 64 * 1024 * 1024;

interface Job {
  family: string;
  text: string;
  work: number;
}

function dagJob(family: 'scalar' | 'tiny tensors', target: number): Job {
  // About 2.5 element operations per node and pass, 2 passes.
  const dag = randomDag(Math.max(16, Math.round(target / 5)));
  const body = dagBody(dag, { vectors: family === 'tiny tensors' });
  const nodes = body.graph.nodes;
  const request = { ...body, include: [nodes[nodes.length - 1].id] };
  return { family, text: JSON.stringify(request), work: 2 * compileSpec(body, limits).passWork };
}

function matmulJob(target: number): Job {
  // One pass: k^3 + 3k^2 (matmul) + 2k^2 (tanh) + k^2 + 1 (sum); 2 passes.
  let k = 1;
  while (2 * ((k + 1) ** 3 + 6 * (k + 1) ** 2) <= target) k++;
  const m = (seed: number) =>
    Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => Math.sin(seed + i * k + j) / k));
  const body = {
    graph: {
      inputs: { A: m(1) },
      params: { B: m(2) },
      nodes: [
        { id: 'C', op: 'matmul', args: ['A', 'B'] },
        { id: 'T', op: 'tanh', args: ['C'] },
        { id: 'L', op: 'sum', args: ['T'] },
      ],
    },
  };
  return {
    family: 'matmul',
    text: JSON.stringify({ ...body, include: ['L'] }),
    work: 2 * compileSpec(body, limits).passWork,
  };
}

interface Row {
  job: Job;
  inlineMs: number;
  poolMs: number;
  /** Event-loop active time per request (ELU), ms. */
  inlineLoopMs: number;
  poolLoopMs: number;
  inlineMaxDelayMs: number;
  poolMaxDelayMs: number;
}

header('offload-threshold: inline (pool off) vs on a worker (offloadWork 0), by estimated work');
const servers = await startServers({
  inline: { app: { logger: false, bodyLimit, limits, pool: false } },
  pool: { app: { logger: false, bodyLimit, limits, offloadWork: 0 } },
});
const agent = keepAlive();
const rows: Row[] = [];
try {
  const loop = async () =>
    JSON.parse((await httpRequest(`${servers.urls.control}/loop`, { agent })).text) as {
      activeMs: number;
      maxDelayMs: number;
    };
  const send = async (mode: 'inline' | 'pool', job: Job): Promise<number> => {
    const res = await httpRequest(`${servers.urls[mode]}/v1/gradients`, { body: job.text, agent });
    if (res.status !== 200)
      throw new Error(`${mode} ${job.family} ${job.work}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.ms;
  };
  /** `reps` requests of one mode in a row, with the server's event-loop use over them. */
  const batch = async (mode: 'inline' | 'pool', job: Job, reps: number) => {
    await loop(); // starts a new period
    const ms: number[] = [];
    for (let r = 0; r < reps; r++) ms.push(await send(mode, job));
    const used = await loop();
    return { ms, loopMs: used.activeMs / reps, maxDelayMs: used.maxDelayMs };
  };

  const jobs: Job[] = [];
  for (const target of TARGETS) {
    if (target <= DAG_MAX_WORK) jobs.push(dagJob('scalar', target), dagJob('tiny tensors', target));
    jobs.push(matmulJob(target));
  }
  // Starts the pool's threads and warms both routes.
  for (let i = 0; i < 3; i++) for (const mode of ['inline', 'pool'] as const) await send(mode, jobs[0]);

  for (const family of ['scalar', 'tiny tensors', 'matmul']) {
    console.log(
      `\n  ${family}: work | latency inline / pool (ms) | event-loop ms per request inline / pool | longest delay inline / pool (ms)`,
    );
    for (const job of jobs.filter((j) => j.family === family)) {
      const reps = job.work <= 1e4 ? 8 : job.work <= 1e5 ? 4 : 2;
      await send('inline', job);
      await send('pool', job);
      // Alternating batches of the two modes, three each.
      const inline = { ms: [] as number[], loopMs: [] as number[], delay: [] as number[] };
      const pool = { ms: [] as number[], loopMs: [] as number[], delay: [] as number[] };
      for (let round = 0; round < 3; round++) {
        for (const [mode, acc] of [
          ['inline', inline],
          ['pool', pool],
        ] as const) {
          const b = await batch(mode, job, reps);
          acc.ms.push(...b.ms);
          acc.loopMs.push(b.loopMs);
          acc.delay.push(b.maxDelayMs);
        }
      }
      const row: Row = {
        job,
        inlineMs: median(inline.ms),
        poolMs: median(pool.ms),
        inlineLoopMs: median(inline.loopMs),
        poolLoopMs: median(pool.loopMs),
        inlineMaxDelayMs: Math.max(...inline.delay),
        poolMaxDelayMs: Math.max(...pool.delay),
      };
      rows.push(row);
      console.log(
        `    ${fmtInt(job.work).padStart(11)} | ${fmtMs(row.inlineMs).padStart(6)} / ${fmtMs(row.poolMs).padEnd(6)} | ` +
          `${fmtMs(row.inlineLoopMs).padStart(6)} / ${fmtMs(row.poolLoopMs).padEnd(6)} | ${fmtMs(row.inlineMaxDelayMs).padStart(6)} / ${fmtMs(row.poolMaxDelayMs)}`,
      );
    }
  }
} finally {
  agent.destroy();
  await servers.stop();
}

// What the measurements suggest. Offloading a job frees the event loop of its compute (event-loop
// time inline - offloaded) and adds the round trip to a worker to its latency (latency offloaded -
// inline). Where the first exceeds the second, offloading costs the request less than it frees
// for everyone else. What stays on the event loop either way (parse, validation, compile) is the
// offloaded event-loop time.
console.log('\n  per family (at the largest size measured; ns per unit of estimated work):');
const rowsOut: ResultRow[] = [];
for (const family of ['scalar', 'tiny tensors', 'matmul']) {
  const fam = rows.filter((r) => r.job.family === family);
  const saved = (r: Row) => r.inlineLoopMs - r.poolLoopMs;
  const added = (r: Row) => r.poolMs - r.inlineMs;
  const pays = fam.find((_r, i) => fam.slice(i).every((s) => saved(s) > added(s)));
  const top = fam[fam.length - 1];
  const near = fam.reduce((a, b) =>
    Math.abs(Math.log(b.job.work / DEFAULT_OFFLOAD_WORK)) < Math.abs(Math.log(a.job.work / DEFAULT_OFFLOAD_WORK))
      ? b
      : a,
  );
  const ns = (ms: number, r: Row) => (ms <= 0 ? '0 (below the noise)' : ((ms * 1e6) / r.job.work).toFixed(1));
  console.log(
    `    ${family}: compute (moved by offloading) ≈ ${ns(saved(top), top)} ns/work, event loop left when offloaded (parse, validation, compile) ≈ ${ns(top.poolLoopMs, top)} ns/work; ` +
      `round trip to a worker ≈ ${fmtMs(median(fam.map(added)))} ms; offloading pays from ${pays ? fmtInt(pays.job.work) : 'none of the sizes measured'}`,
  );
  rowsOut.push({
    benchmark: 'offload-threshold',
    figure:
      `${family}, work ${fmtInt(near.job.work)}: event loop ${fmtMs(near.inlineLoopMs)} ms inline vs ${fmtMs(near.poolLoopMs)} ms offloaded, ` +
      `latency ${fmtMs(near.inlineMs)} vs ${fmtMs(near.poolMs)} ms; offloading pays from ${pays ? fmtInt(pays.job.work) : 'none measured'}`,
    baseline: 'inline (pool: false) vs offloadWork: 0, same process',
    ratio: null,
    goal: 'report',
    met: null,
  });
}
console.log(`  the service offloads above ${fmtInt(DEFAULT_OFFLOAD_WORK)} (DEFAULT_OFFLOAD_WORK)`);
emitResults(rowsOut);
