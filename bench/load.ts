/**
 * load: a deadline's traffic against one replica as operators run it: `node dist/server.js` in a
 * child process with the default settings (WORKERS = cores, LOG_LEVEL info, the default limits)
 * except RATE_LIMIT_MAX, raised so that the load is not throttled, on 127.0.0.1.
 * For `seconds` (20 by default), with a fixed number of connections per kind of request, all at once:
 *   - grade:     32 connections, POST /v1/grade: the tutorial's exercise with three answers, in 64
 *                variants (other numbers, right and wrong answers, `,` decimals, en and pt-BR);
 *   - gradients:  6 connections, POST /v1/gradients: the neuron, the same graph in the tutorial's
 *                notation, and a 2-2-1 network;
 *   - explain:    4 connections, POST /v1/explain: the neuron with an update, en and pt-BR;
 *   - large:      2 connections at 2 requests/s in all, POST /v1/gradients of a 20,000-node chain
 *                written in expr (a 400 kB body, computed on a worker thread; a 2.5 MB answer);
 * and GET /healthz every 50 ms on a connection of its own, from a process of its own
 * (bench/healthz-probe.ts), each probe sent whether or not the previous one has answered. Every
 * kind is checked before the load (status and a hand-computed value). Bounded: the duration, at
 * most 1,000,000 requests per kind, 10 s per request.
 * Reports throughput, p50/p99/max latency per kind, errors and non-2xx answers by status, the
 * worst and p99 /healthz latency, and what the server process used: memory at idle and at its
 * peak, and CPU (cores, averaged over the run). Not part of `npm test`; the figures are in
 * BENCHMARKS.md ("Load").
 *
 *   npm run load [-- seconds]        (builds dist/ first; then npx tsx bench/load.ts [seconds])
 *   SERVER_NODE=/path/to/node npm run load     (the server under another Node.js, e.g. the image's)
 *   LOAD_URL=http://127.0.0.1:3000 [LOAD_PID=pid] npx tsx bench/load.ts    (a server already running,
 *       e.g. the image under deploy/'s limits; LOAD_PID, its process as the host sees it, for the
 *       memory and CPU figures: `podman inspect --format '{{.State.Pid}}' NAME`)
 */
import autocannon from 'autocannon';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exampleSpecs } from '../src/schemas/examples.js';
import { fmtInt, fmtMs, header, httpRequest, now, percentile, prng } from './helpers.js';

const seconds = Number(process.argv[2] ?? 20);
const serverNode = process.env.SERVER_NODE || process.execPath;
const version = spawnSync(serverNode, ['--version'], { encoding: 'utf8' }).stdout.trim();
const PROBE_EVERY_MS = 50;
const PROBE_TIMEOUT_MS = 2000;
const REQUEST_TIMEOUT_S = 10;
const MAX_REQUESTS_PER_KIND = 1_000_000;
const JSON_HEADERS = { 'content-type': 'application/json' };

// ---------------------------------------------------------------------------------------------
// The requests

interface Request {
  path: string;
  body: string;
  headers: Record<string, string>;
}

interface Kind {
  name: string;
  connections: number;
  overallRate?: number;
  requests: Request[];
  /** Checks one answer before the load: a hand-computed value; returns what it checked. */
  check(status: number, text: string): string;
}

const post = (path: string, body: unknown, language = 'en'): Request => ({
  path,
  body: JSON.stringify(body),
  headers: { ...JSON_HEADERS, 'accept-language': language },
});

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * The tutorial's exercise (u = w·x, z = u + b, y_hat = σ(z), L = ½(y_hat − y)²) with other
 * numbers, and a student's answers for y_hat, dL/dw and step(w): right, with the sign flipped,
 * or rounded to 2 places, written with `,` decimals in pt-BR.
 */
function gradeVariants(count: number): Request[] {
  const rand = prng(8);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  return Array.from({ length: count }, (_, i) => {
    const neuron = {
      x: pick([1, 2, 3, 4]),
      w: pick([-0.5, -0.2, 0.1, 0.3, 0.5]),
      b: pick([-1, -0.4, 0, 0.4, 1]),
      y: pick([0, 1]),
    };
    const yHat = sigmoid(neuron.w * neuron.x + neuron.b);
    // dL/dw = (y_hat - y) · y_hat (1 - y_hat) · x
    const dw = (yHat - neuron.y) * yHat * (1 - yHat) * neuron.x;
    const stepW = neuron.w - 0.1 * dw;
    const mistake = pick(['none', 'sign', 'rounded'] as const);
    const dwAnswer = mistake === 'sign' ? -dw : mistake === 'rounded' ? Number(dw.toFixed(2)) : dw;
    const ptBR = i % 2 === 1;
    const text = (v: number): string => (ptBR ? v.toFixed(4).replace('.', ',') : v.toFixed(4));
    return post(
      '/v1/grade',
      { neuron, learningRate: 0.1, answers: { y_hat: text(yHat), 'dL/dw': dwAnswer, 'step(w)': text(stepW) } },
      ptBR ? 'pt-BR' : 'en',
    );
  });
}

const tutorial = { x: 3, w: -0.2, b: 0.4, y: 0 };
/** dL/dw of the tutorial's exercise, from PyTorch (docs/course.md). */
const TUTORIAL_DW = 0.3342706384098403;
/** The 2-2-1 network of the Swagger UI examples. */
const { network } = exampleSpecs;

/** n1 = x·w + b, n_k = n_(k-1) + w: dn/dw = x + (n - 1), exactly. */
const CHAIN = 20_000;
const CHAIN_X = 0.5;
function chainBody(): Request {
  const statements = ['n1 = x*w + b'];
  for (let k = 2; k <= CHAIN; k++) statements.push(`n${k} = n${k - 1} + w`);
  return post('/v1/gradients', {
    graph: { inputs: { x: CHAIN_X }, params: { w: 0.001, b: 0.1 }, expr: statements.join('; ') },
  });
}

const chain = chainBody();
const kinds: Kind[] = [
  {
    name: 'grade',
    connections: 32,
    requests: gradeVariants(64),
    check: (status, text) => {
      const graded = JSON.parse(text) as { total: number; results: unknown[] };
      if (status !== 200 || graded.total !== 3) throw new Error(`grade: ${status} ${text.slice(0, 200)}`);
      return 'grade answers 200 with 3 results';
    },
  },
  {
    name: 'gradients',
    connections: 6,
    requests: [
      post('/v1/gradients', { neuron: tutorial }),
      post('/v1/gradients', {
        graph: {
          inputs: { x: 3, y: 0 },
          params: { w: -0.2, b: 0.4 },
          expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2',
        },
      }),
      post('/v1/gradients', { network }),
    ],
    check: (status, text) => {
      const w = (JSON.parse(text) as { gradients: { w: number } }).gradients.w;
      if (status !== 200 || w !== TUTORIAL_DW) throw new Error(`gradients: ${status} ${text.slice(0, 200)}`);
      return `gradients answers 200 with dL/dw = ${w}`;
    },
  },
  {
    name: 'explain',
    connections: 4,
    requests: [
      post('/v1/explain', { neuron: tutorial, learningRate: 0.1 }),
      post('/v1/explain', { neuron: tutorial, learningRate: 0.1 }, 'pt-BR'),
    ],
    check: (status, text) => {
      const steps = (JSON.parse(text) as { steps: unknown[] }).steps;
      if (status !== 200 || !steps.length) throw new Error(`explain: ${status} ${text.slice(0, 200)}`);
      return `explain answers 200 with ${steps.length} steps`;
    },
  },
  {
    name: 'large',
    connections: 2,
    overallRate: 2,
    requests: [chain],
    check: (status, text) => {
      const w = (JSON.parse(text) as { gradients: { w: number } }).gradients.w;
      if (status !== 200 || w !== CHAIN_X + CHAIN - 1) throw new Error(`large: ${status} ${text.slice(0, 200)}`);
      return `a ${fmtInt(CHAIN)}-node chain (${fmtInt(chain.body.length)} bytes) answers 200 with dn/dw = ${w} (${fmtInt(text.length)} bytes)`;
    },
  },
];

// ---------------------------------------------------------------------------------------------
// The server process

interface Server {
  child: ChildProcess;
  url: string;
  /** Lines it has logged (kept: the last 20). */
  tail: string[];
  exited: Promise<number | null>;
}

/** The children still running, killed however this process ends. */
const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(serverNode, ['dist/server.js'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => children.delete(child));
  const tail: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    let buffered = '';
    // Read every line (a full pipe would stall the server's logging), keep the last few.
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (m) resolve({ child, url: m[1], tail, exited });
      }
    });
    void exited.then((code) => reject(new Error(`dist/server.js exited (${code}) before listening: ${stderr}`)));
  });
}

/** The process's resident memory (MB) and CPU time (s) from /proc (Linux). */
function usage(pid: number): { rssMb: number; peakMb: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  // Fields 14 and 15 of /proc/pid/stat (after the command in parentheses): user and system time in clock ticks (100 per second).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    rssMb: kb('VmRSS') / 1024,
    peakMb: kb('VmHWM') / 1024,
    cpuS: (Number(fields[11]) + Number(fields[12])) / 100,
  };
}

// ---------------------------------------------------------------------------------------------
// Load and probes

interface KindResult {
  name: string;
  latencies: number[];
  statuses: Map<number, number>;
  errors: number;
  timeouts: number;
}

function load(url: string, kind: Kind): Promise<KindResult> {
  const out: KindResult = { name: kind.name, latencies: [], statuses: new Map(), errors: 0, timeouts: 0 };
  const instance = autocannon({
    url,
    connections: kind.connections,
    overallRate: kind.overallRate,
    duration: seconds,
    maxOverallRequests: MAX_REQUESTS_PER_KIND,
    timeout: REQUEST_TIMEOUT_S,
    requests: kind.requests.map((r) => ({ method: 'POST', path: r.path, headers: r.headers, body: r.body })),
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    out.statuses.set(status, (out.statuses.get(status) ?? 0) + 1);
    if (status >= 200 && status < 300) out.latencies.push(ms);
  });
  return Promise.resolve(instance).then((result) => {
    out.errors = result.errors;
    out.timeouts = result.timeouts;
    return out;
  });
}

interface Probes {
  latencies: number[];
  failures: string[];
}

/** Starts bench/healthz-probe.ts against `url`; `stop()` ends it and resolves with its probes. */
async function startProbes(url: string): Promise<{ stop(): Promise<Probes> }> {
  const script = fileURLToPath(new URL('./healthz-probe.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, url, String(PROBE_EVERY_MS), String(PROBE_TIMEOUT_MS)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  children.add(child);
  const exited = once(child, 'exit').then(() => children.delete(child));
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    const onData = (): void => void (out.includes('PROBING\n') && (child.stdout!.off('data', onData), resolve()));
    child.stdout!.on('data', onData);
    void exited.then(() => reject(new Error('the prober exited before probing')));
  });
  return {
    async stop() {
      child.stdin!.end();
      await exited;
      const m = /^PROBES (.*)$/m.exec(out);
      if (!m) throw new Error(`the prober printed no probes: ${out.slice(-300)}`);
      return JSON.parse(m[1]) as Probes;
    },
  };
}

// ---------------------------------------------------------------------------------------------

const target = process.env.LOAD_URL;
header(
  `load: a deadline's mix against ${target ?? 'dist/server.js'} for ${seconds} s, /healthz every ${PROBE_EVERY_MS} ms`,
);
const server = target ? undefined : await startServer({ PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_MAX: '1000000000' });
const url = target ?? server!.url;
const pid = server?.child.pid ?? (process.env.LOAD_PID ? Number(process.env.LOAD_PID) : undefined);
try {
  for (const kind of kinds) {
    for (const r of kind.requests.slice(0, 2)) {
      const res = await httpRequest(url + r.path, { body: r.body, timeoutMs: 30_000 });
      console.log(`  check: ${kind.check(res.status, res.text)}`);
    }
  }
  await new Promise((r) => setTimeout(r, 1000));
  const idle = pid ? usage(pid) : undefined;
  console.log(
    `  server ${url}${server ? ` (node ${version})` : ''}${idle ? `: ${idle.rssMb.toFixed(0)} MB resident at idle, after one request of each kind` : ''}`,
  );

  let peakRss = idle?.rssMb ?? 0;
  const sampler = setInterval(() => pid && (peakRss = Math.max(peakRss, usage(pid).rssMb)), 100);
  const prober = await startProbes(url);
  const clientCpu0 = process.cpuUsage();
  const t0 = now();
  const byKind = await Promise.all(kinds.map((kind) => load(url, kind)));
  const elapsedS = (now() - t0) / 1000;
  const probes = await prober.stop();
  clearInterval(sampler);
  const busy = pid ? usage(pid) : undefined;
  const clientCpu = process.cpuUsage(clientCpu0);

  const statusText = (m: Map<number, number>): string =>
    [...m]
      .sort(([a], [b]) => a - b)
      .map(([s, c]) => `${fmtInt(c)} × ${s}`)
      .join(', ');
  const non2xx = (r: KindResult): number =>
    [...r.statuses].filter(([s]) => s < 200 || s >= 300).reduce((n, [, c]) => n + c, 0);
  const total = byKind.reduce((n, r) => n + r.latencies.length, 0);
  console.log(`\n## Load (${seconds} s${server ? `, server on node ${version}` : ''})\n`);
  console.log('| requests | connections | 2xx | req/s | p50 | p99 | max | non-2xx | errors, timeouts |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [i, r] of byKind.entries()) {
    const k = kinds[i];
    const lat = r.latencies;
    const conns = `${k.connections}${k.overallRate ? ` (${k.overallRate}/s)` : ''}`;
    const bad = non2xx(r)
      ? `${fmtInt(non2xx(r))} (${statusText(new Map([...r.statuses].filter(([s]) => s < 200 || s >= 300)))})`
      : '0';
    console.log(
      `| ${r.name} | ${conns} | ${fmtInt(lat.length)} | ${fmtInt(lat.length / elapsedS)} | ${lat.length ? fmtMs(percentile(lat, 50)) : '—'} ms | ` +
        `${lat.length ? fmtMs(percentile(lat, 99)) : '—'} ms | ${lat.length ? fmtMs(Math.max(...lat)) : '—'} ms | ${bad} | ${r.errors}, ${r.timeouts} |`,
    );
  }
  console.log(
    `| all | ${kinds.reduce((n, k) => n + k.connections, 0)} | ${fmtInt(total)} | ${fmtInt(total / elapsedS)} | | | | ${fmtInt(byKind.reduce((n, r) => n + non2xx(r), 0))} | ${byKind.reduce((n, r) => n + r.errors + r.timeouts, 0)} |`,
  );
  const lat = probes.latencies;
  console.log(
    `\n/healthz during the load: ${fmtInt(lat.length + probes.failures.length)} probes, p50 ${fmtMs(percentile(lat, 50))} ms, p99 ${fmtMs(percentile(lat, 99))} ms, ` +
      `worst ${fmtMs(Math.max(...lat))} ms, ${probes.failures.length} failed${probes.failures.length ? ` (${[...new Set(probes.failures)].join('; ')})` : ''}`,
  );
  if (idle && busy) {
    console.log(
      `server process: ${idle.rssMb.toFixed(0)} MB resident at idle, ${peakRss.toFixed(0)} MB at the peak of the load (VmHWM ${busy.peakMb.toFixed(0)} MB); ` +
        `CPU ${((busy.cpuS - idle.cpuS) / elapsedS).toFixed(2)} cores on average over ${elapsedS.toFixed(1)} s`,
    );
  }
  console.log(
    `load generator (this process): CPU ${((clientCpu.user + clientCpu.system) / 1e6 / elapsedS).toFixed(2)} cores on average`,
  );

  if (server) {
    server.child.kill('SIGTERM');
    const code = await server.exited;
    console.log(`server stopped on SIGTERM with exit code ${code}`);
    if (code !== 0) process.exitCode = 1;
  }
} catch (e) {
  if (server) console.error(server.tail.join('\n'));
  throw e;
} finally {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
}
