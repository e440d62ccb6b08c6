/**
 * healthz-under-load: the real server (src/server.ts, `node --import tsx`, default settings:
 * WORKERS = cores, the default limits and body limit, LOG_LEVEL info) with every worker kept
 * busy by the heaviest requests the defaults allow, while GET /healthz is probed every 20 ms
 * for 10 s; the same probes against the idle server first, in the same run.
 * The heavy request: a gradcheck of a 16,000-node scalar chain with 2,000 params (each node adds
 * a param to the previous one), estimated at 192 million element operations (MAX_WORK is 200
 * million), an 850 kB body (the limit is 1 MB): about a second of compute each. One more than
 * there are workers is kept in flight, so a worker never waits for the next.
 * Goals: p99 under load < 50 ms, and no failed probe (non-200, or no answer within 1 s).
 * Also what a heavy request costs the event loop before it goes to a worker (parse, validation,
 * compile), timed in this process.
 *
 *   npx tsx bench/healthz-under-load.ts [probeSeconds] [WORKERS]        (npm run bench:healthz-under-load)
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_LIMITS } from '../src/engine/limits.js';
import { compileSpec } from '../src/specs/index.js';
import {
  check,
  describeSteps,
  emitResults,
  fmtInt,
  fmtMs,
  header,
  httpRequest,
  keepAlive,
  median,
  now,
  percentile,
  serviceSteps,
  spawnNode,
} from './helpers.js';

const probeSeconds = Number(process.argv[2] ?? 10);
/** The server's WORKERS; its default (the cores) unless given. */
const workersEnv = process.argv[3];
const IDLE_SECONDS = 4;
const PROBE_EVERY_MS = 20;
const PROBE_TIMEOUT_MS = 1000;
const GOAL_P99_MS = 50;

/** n_k = n_(k-1) + w_(k mod params): gradcheck makes 2 * params + 2 passes over the chain. */
function gradcheckChain(nodes: number, params: number) {
  const p = Object.fromEntries(Array.from({ length: params }, (_, i) => [`w${i}`, 0.001 * i]));
  const chain = Array.from({ length: nodes }, (_, k) => ({
    id: `n${k}`,
    op: 'add',
    args: [k === 0 ? 'x' : `n${k - 1}`, `w${k % params}`],
  }));
  return { graph: { inputs: { x: 1 }, params: p, nodes: chain } };
}

interface Probes {
  latencies: number[];
  failures: string[];
}

/** GET /healthz every PROBE_EVERY_MS for `seconds` (each probe on its own, whether or not the previous one has answered). */
async function probe(url: string, seconds: number): Promise<Probes> {
  const agent = keepAlive();
  const out: Probes = { latencies: [], failures: [] };
  const pending: Promise<void>[] = [];
  const end = now() + seconds * 1000;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (now() >= end) {
        clearInterval(timer);
        resolve();
        return;
      }
      pending.push(
        httpRequest(`${url}/healthz`, { agent, timeoutMs: PROBE_TIMEOUT_MS }).then(
          (res) => {
            if (res.status === 200) out.latencies.push(res.ms);
            else out.failures.push(`status ${res.status}`);
          },
          (e: Error) => void out.failures.push(e.message),
        ),
      );
    }, PROBE_EVERY_MS);
  });
  await Promise.all(pending);
  agent.destroy();
  return out;
}

const describe = (p: Probes): string =>
  `${p.latencies.length} probes: p50 ${fmtMs(percentile(p.latencies, 50))} ms, p90 ${fmtMs(percentile(p.latencies, 90))} ms, ` +
  `p99 ${fmtMs(percentile(p.latencies, 99))} ms, max ${fmtMs(Math.max(...p.latencies))} ms, ${p.failures.length} failed`;

header('healthz-under-load: GET /healthz every 20 ms, idle, then with every worker busy');
const heavy = gradcheckChain(16_000, 2_000);
const heavyText = JSON.stringify(heavy);
const work = compileSpec(heavy).passWork * (2 * 2_000 + 2);
check(
  work < DEFAULT_LIMITS.maxWork && heavyText.length < 1024 * 1024,
  `heavy request: ${fmtInt(work)} element operations (MAX_WORK ${fmtInt(DEFAULT_LIMITS.maxWork)}), ${fmtInt(heavyText.length)}-byte body (limit 1,048,576)`,
);

const server = spawnNode('src/server.ts', [], {
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  ...(workersEnv ? { WORKERS: workersEnv } : {}),
});
try {
  const url = (await server.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/, 60_000))[1];
  const workers = workersEnv ? Number(workersEnv) : availableParallelism(); // the server's default WORKERS: the cores
  console.log(`  server ${url}, ${workers} worker${workers === 1 ? '' : 's'}${workersEnv ? '' : ' (default)'}`);
  // A first heavy request starts a worker and warms the route (untimed).
  const warm = await httpRequest(`${url}/v1/gradcheck`, { body: heavyText, timeoutMs: 30_000 });
  check(warm.status === 200, `a heavy request answers 200 in ${fmtMs(warm.ms)} ms when alone`);

  const idle = await probe(url, IDLE_SECONDS);
  console.log(`  idle:   ${describe(idle)}`);

  // Load: workers + 1 requests always in flight.
  let loading = true;
  const heavyMs: number[] = [];
  const heavyStatus = new Map<number, number>();
  const loops = Array.from({ length: workers + 1 }, async () => {
    const agent = keepAlive();
    while (loading) {
      const res = await httpRequest(`${url}/v1/gradcheck`, { body: heavyText, agent, timeoutMs: 30_000 });
      heavyMs.push(res.ms);
      heavyStatus.set(res.status, (heavyStatus.get(res.status) ?? 0) + 1);
    }
    agent.destroy();
  });
  const offloadedBefore = server.lines.filter((l) => l.includes('computing on a worker')).length;
  await new Promise((r) => setTimeout(r, 500)); // every worker has started a job
  const loaded = await probe(url, probeSeconds);
  loading = false;
  await Promise.all(loops);
  const offloaded = server.lines.filter((l) => l.includes('computing on a worker')).length - offloadedBefore;
  console.log(`  loaded: ${describe(loaded)}`);
  console.log(
    `  heavy requests: ${heavyMs.length} answered (${[...heavyStatus].map(([s, c]) => `${c} × ${s}`).join(', ')}), median ${fmtMs(median(heavyMs))} ms each; ` +
      `${offloaded} logged 'computing on a worker'`,
  );
  if (loaded.failures.length) console.log(`  failed probes: ${[...new Set(loaded.failures)].join('; ')}`);
  check(heavyStatus.get(200) === heavyMs.length, 'every heavy request answered 200');
  // What parsing, validating and compiling a heavy request costs, on an idle core. The server does
  // it on a worker thread: a body over OFFLOAD_BODY_BYTES goes there as text.
  const steps = serviceSteps('gradcheck', { text: heavyText }, DEFAULT_LIMITS, {
    reps: 5,
    warmup: 2,
    run: false,
    gcBefore: true,
  });
  console.log(
    `  parse, validate and compile a heavy request (in this process, idle core; the server does it on a worker): ${describeSteps(steps)}`,
  );

  const p99 = percentile(loaded.latencies, 99);
  const ok = p99 < GOAL_P99_MS && loaded.failures.length === 0 && idle.failures.length === 0;
  emitResults([
    {
      benchmark: 'healthz-under-load',
      figure: `/healthz under load (${workers} worker${workers === 1 ? '' : 's'} busy): p99 ${fmtMs(p99)} ms, max ${fmtMs(Math.max(...loaded.latencies))} ms, ${loaded.failures.length} failed of ${loaded.latencies.length + loaded.failures.length}`,
      baseline: `idle: p99 ${fmtMs(percentile(idle.latencies, 99))} ms, max ${fmtMs(Math.max(...idle.latencies))} ms`,
      ratio: p99 / percentile(idle.latencies, 99),
      goal: `p99 < ${GOAL_P99_MS} ms, 0 failed`,
      met: ok,
    },
  ]);
} finally {
  await server.stop();
}
