/**
 * What every benchmark shares: timing (warm-up, alternating repeats, median and percentiles),
 * the seeded random DAG, servers on 127.0.0.1 with a port the system chooses (in this process or
 * in a child process that is always killed), load tests, HTTP requests, the service's steps timed
 * in process, the machine's description, and the result line that run-all.ts collects into one
 * table.
 */
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Limits } from '../src/engine/limits.js';
import { type OperationName, operations } from '../src/operations/index.js';
import type { Operation } from '../src/operations/operation.js';
import type { NodeSpec } from '../src/specs/spec.js';
import { validate } from '../src/schemas/validate.js';

// ---------------------------------------------------------------------------------------------
// Timing

export const now = (): number => performance.now();

/** A full garbage collection (exposed at run time, so `npx tsx bench/x.ts` needs no flag). */
export const gc: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

export function median(xs: readonly number[]): number {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: readonly number[], p: number): number {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export interface RunOptions {
  warmup: number;
  reps: number;
  /** A full GC before each run (not timed), so one variant's garbage is not collected in another's time. */
  gcBefore?: boolean;
}

/**
 * Times each variant: `warmup` untimed runs each, then `reps` rounds in which every variant runs
 * once in turn (A B C A B C ...), so a drift in the machine's speed hits them alike.
 * Returns the milliseconds of each timed run, by variant.
 */
export function interleave(
  variants: Record<string, () => unknown>,
  { warmup, reps, gcBefore = true }: RunOptions,
): Record<string, number[]> {
  const names = Object.keys(variants);
  for (let i = 0; i < warmup; i++) for (const name of names) variants[name]();
  const ms: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < reps; r++) {
    for (const name of names) {
      if (gcBefore) gc();
      const t0 = now();
      variants[name]();
      ms[name].push(now() - t0);
    }
  }
  return ms;
}

/** The async form of `interleave`, for requests. */
export async function interleaveAsync(
  variants: Record<string, () => Promise<unknown>>,
  { warmup, reps, gcBefore = false }: RunOptions,
): Promise<Record<string, number[]>> {
  const names = Object.keys(variants);
  for (let i = 0; i < warmup; i++) for (const name of names) await variants[name]();
  const ms: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < reps; r++) {
    for (const name of names) {
      if (gcBefore) gc();
      const t0 = now();
      await variants[name]();
      ms[name].push(now() - t0);
    }
  }
  return ms;
}

export const fmtMs = (ms: number): string =>
  ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
export const fmtRatio = (r: number): string => `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** "median 12.3 ms (min 11.9, p90 13.0, n = 15)" */
export function describeMs(xs: readonly number[]): string {
  return `median ${fmtMs(median(xs))} ms (min ${fmtMs(Math.min(...xs))}, p90 ${fmtMs(percentile(xs, 90))}, n = ${xs.length})`;
}

// ---------------------------------------------------------------------------------------------
// Results: each benchmark prints its own figures, then one line run-all.ts collects.

export interface ResultRow {
  benchmark: string;
  /** What was measured and its value, e.g. "forward+backward 41.2 ms". */
  figure: string;
  baseline: string;
  /** figure / baseline in the direction the goal is stated (time ratio or throughput ratio). */
  ratio: number | null;
  goal: string;
  /** null when the benchmark has no goal, only a ratio to report. */
  met: boolean | null;
}

export const RESULT_PREFIX = 'BENCH-RESULT ';

export function emitResults(rows: ResultRow[]): void {
  console.log('\nsummary:');
  for (const r of rows) {
    const ratio = r.ratio === null ? '' : ` ratio ${fmtRatio(r.ratio)}`;
    const met = r.met === null ? '' : r.met ? ' (goal met)' : ' (goal NOT met)';
    console.log(`  ${r.figure} | baseline ${r.baseline} |${ratio} | goal ${r.goal}${met}`);
  }
  console.log(RESULT_PREFIX + JSON.stringify(rows));
}

export function machine(): { node: string; nproc: number; cpu: string } {
  let cpu = 'unknown';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  return { node: process.version, nproc: availableParallelism(), cpu };
}

export function header(title: string): void {
  const m = machine();
  console.log(`== ${title} ==  (node ${m.node}, ${m.nproc} cores, ${m.cpu})`);
}

// ---------------------------------------------------------------------------------------------
// The seeded random scalar DAG (dag-tape, dag-library, scalar-dispatch, http-large-graph,
// offload-threshold)

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same numbers on any machine. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The DAG's op codes (its own, not the engine's), in the order of DAG_OPS. */
export const ADD = 0,
  MUL = 1,
  SUB = 2,
  TANH = 3,
  SIGMOID = 4;
export const DAG_OPS = ['add', 'mul', 'sub', 'tanh', 'sigmoid'] as const;

/**
 * A DAG in flat arrays, numbered as the engine numbers an all-scalar tape's slots: the leaves
 * (inputs, then params), then node k at slot `leafIds.length + k`. A unary node's `b` repeats its `a`.
 */
export interface Dag {
  leafIds: string[];
  leafValues: Float64Array;
  /** How many of the leaves are inputs (the rest are params). */
  inputCount: number;
  n: number;
  op: Uint8Array;
  a: Int32Array;
  b: Int32Array;
}

/** Magnitude above which a binary node is replaced by a squashing one, so every value stays bounded. */
const VALUE_CAP = 4;
/** Every ACCUMULATE-th node is the running sum (see randomDag). */
const ACCUMULATE = 16;

/**
 * A random scalar DAG of n nodes. Each node draws its op uniformly from add, mul, sub, tanh and
 * sigmoid, and each arg uniformly among the `window` slots before it (the last 64 nodes; the
 * leaves too at the start). Values stay bounded by the op mix: the generator tracks a bound on
 * every value, and a binary op whose result could exceed 4 in magnitude becomes tanh (or
 * sigmoid) of its first arg, so every value is in [-4, 4] however deep the graph.
 *
 * Every 16th node is instead `add(the previous 16th node, a random node of the window)`: a
 * running sum that the other nodes never read, and the last node (the output when n is a
 * multiple of 16). Without it the gradient of the last node would decay through the squashing
 * ops and underflow to 0 within ~60,000 nodes of the end, and the backward pass would multiply
 * zeros (and subnormals) over 93% of the graph; with it, gradients are of order 1 all along.
 * Seeded: every run builds the same graph.
 */
export function randomDag(n: number, seed = 2024, window = 64): Dag {
  const rand = prng(seed);
  const leafIds = ['x', 'w'];
  const leafValues = Float64Array.of(0.5, -0.7);
  const L = leafIds.length;
  const bound = new Float64Array(L + n);
  bound.set([0.5, 0.7]);
  const op = new Uint8Array(n);
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const isSum = (slot: number): boolean => slot >= L && (slot - L) % ACCUMULATE === ACCUMULATE - 1;
  /** A random slot of the window before `s` that is not a running sum (the one before a sum is not). */
  const pick = (s: number): number => {
    const slot = s - 1 - Math.floor(rand() * Math.min(window, s));
    return isSum(slot) ? slot - 1 : slot;
  };
  for (let k = 0; k < n; k++) {
    const s = L + k;
    let o: number, i: number, j: number;
    if (isSum(s)) {
      o = ADD;
      i = k >= ACCUMULATE ? s - ACCUMULATE : pick(s);
      j = pick(s);
      bound[s] = bound[i] + bound[j];
    } else {
      i = pick(s);
      j = pick(s);
      o = Math.floor(rand() * DAG_OPS.length);
      if (o === ADD || o === SUB || o === MUL) {
        const out = o === MUL ? bound[i] * bound[j] : bound[i] + bound[j];
        if (out > VALUE_CAP) o = rand() < 0.5 ? TANH : SIGMOID;
        else bound[s] = out;
      }
      if (o === TANH || o === SIGMOID) {
        bound[s] = 1;
        j = i;
      }
    }
    op[k] = o;
    a[k] = i;
    b[k] = j;
  }
  return { leafIds, leafValues, inputCount: 1, n, op, a, b };
}

const idOf = (dag: Dag, slot: number): string =>
  slot < dag.leafIds.length ? dag.leafIds[slot] : `n${slot - dag.leafIds.length}`;

/** The DAG as the JSON nodes of a graph spec (ids n0, n1, ...; output: the last node). */
export function dagNodes(dag: Dag): NodeSpec[] {
  const nodes: NodeSpec[] = new Array(dag.n);
  for (let k = 0; k < dag.n; k++) {
    const o = dag.op[k];
    const args = o === TANH || o === SIGMOID ? [idOf(dag, dag.a[k])] : [idOf(dag, dag.a[k]), idOf(dag, dag.b[k])];
    nodes[k] = { id: `n${k}`, op: DAG_OPS[o], args };
  }
  return nodes;
}

/**
 * The DAG as a request body: `{graph: {inputs, params, nodes}}`. With `vectors`, the leaves are
 * one-element vectors (so every value is a [1]-shaped tensor and the engine runs its tensor
 * kernels, not the all-scalar loop) and a last node `out` sums the last one into a scalar.
 */
export function dagBody(dag: Dag, { vectors = false } = {}) {
  const leaf = (s: number): number | number[] => (vectors ? [dag.leafValues[s]] : dag.leafValues[s]);
  const entries = dag.leafIds.map((id, s) => [id, leaf(s)] as const);
  const nodes = dagNodes(dag);
  if (vectors) nodes.push({ id: 'out', op: 'sum', args: [nodes[nodes.length - 1].id] });
  return {
    graph: {
      inputs: Object.fromEntries(entries.slice(0, dag.inputCount)),
      params: Object.fromEntries(entries.slice(dag.inputCount)),
      nodes,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Checks

/** Throws unless `ok`; prints what was checked. */
export function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`check failed: ${message}`);
  console.log(`  check: ${message}`);
}

// ---------------------------------------------------------------------------------------------
// Servers and child processes

/** Listens on 127.0.0.1 with a port the system chooses; returns the base URL. */
export async function listenLocal(app: {
  listen(options: { host: string; port: number }): Promise<string>;
}): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

const children = new Set<ChildProcess>();

function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

// Whatever way this process ends (normal exit, an uncaught error, Ctrl-C), its children end too.
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killChildren();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

export interface Child {
  process: ChildProcess;
  /** Resolves with the first stdout line that matches, or rejects after `timeoutMs` or when the child exits. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** stdout lines read so far. */
  lines: string[];
  /** Ends the child (SIGTERM, then SIGKILL after `graceMs`) and resolves with its exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts `node --import tsx script args` with this process's environment plus `env`; the child
 * is killed when this process exits, however it exits (short of SIGKILL).
 */
export function spawnNode(script: string, args: string[] = [], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => children.delete(child));
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let buffered = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const l of listeners) l(line);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
  });
  return {
    process: child,
    lines,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        for (const line of lines) {
          const m = pattern.exec(line);
          if (m) return resolve(m);
        }
        const timer = setTimeout(
          () => done(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr}`)),
          timeoutMs,
        );
        const onLine = (line: string): void => {
          const m = pattern.exec(line);
          if (m) done(undefined, m);
        };
        const onExit = (code: number | null): void =>
          done(new Error(`${script} exited (${code}) before a line matching ${pattern}; stderr: ${stderr}`));
        const done = (error?: Error, m?: RegExpMatchArray): void => {
          clearTimeout(timer);
          listeners.delete(onLine);
          child.off('exit', onExit);
          if (error) reject(error);
          else resolve(m!);
        };
        listeners.add(onLine);
        child.once('exit', onExit);
      });
    },
    async stop(graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Load tests (autocannon), bounded in time and in count

export interface LoadResult {
  /** 2xx responses per second of the run. */
  reqPerSec: number;
  /** Latencies of the 2xx responses, ms (exact, from each response; autocannon's own histogram rounds to 1 ms). */
  p50: number;
  p99: number;
  responses: number;
  failures: number;
}

export interface LoadTarget {
  url: string;
  body: string;
}

export async function loadTest(
  target: LoadTarget,
  { connections = 20, seconds = 3, maxRequests = 500_000 } = {},
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const instance = autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: target.body,
    connections,
    duration: seconds,
    maxOverallRequests: maxRequests,
    timeout: 5,
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
    else failures++;
  });
  const t0 = now();
  const result = await instance;
  const elapsed = (now() - t0) / 1000;
  return {
    reqPerSec: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    responses: latencies.length,
    failures: failures + result.errors + result.timeouts,
  };
}

/**
 * Alternates load runs against each target (A B A B ...) after a warm-up run each, and returns
 * every run's result by target: the medians over the rounds are what the benchmarks report.
 */
export async function interleavedLoad(
  targets: Record<string, LoadTarget>,
  { rounds = 3, seconds = 3, warmupSeconds = 1, connections = 20 } = {},
): Promise<Record<string, LoadResult[]>> {
  const names = Object.keys(targets);
  for (const name of names) await loadTest(targets[name], { connections, seconds: warmupSeconds });
  const out: Record<string, LoadResult[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const result = await loadTest(targets[name], { connections, seconds });
      out[name].push(result);
      console.log(
        `  round ${r + 1} ${name.padEnd(10)} ${fmtInt(result.reqPerSec).padStart(7)} req/s  p50 ${fmtMs(result.p50)} ms  p99 ${fmtMs(result.p99)} ms  (${result.responses} responses, ${result.failures} failed)`,
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface HttpResponse {
  status: number;
  text: string;
  /** From the request's start to the last byte of the response. */
  ms: number;
}

/** One request with node:http (a keep-alive agent reuses the connection); the whole response as text. */
export function httpRequest(
  url: string,
  options: { method?: string; body?: string; agent?: Agent; timeoutMs?: number } = {},
): Promise<HttpResponse> {
  const { method = options.body === undefined ? 'GET' : 'POST', body, agent, timeoutMs = 60_000 } = options;
  return new Promise((resolve, reject) => {
    const t0 = now();
    const req = request(
      url,
      { method, agent, headers: body === undefined ? {} : { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: now() - t0 }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no response within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export const keepAlive = (): Agent => new Agent({ keepAlive: true });

export interface Servers {
  urls: Record<string, string>;
  stop(): Promise<unknown>;
}

/** Starts bench/servers.ts in a child process with these servers (see there); resolves once they listen. */
export async function startServers(
  specs: Record<
    string,
    | { app: Record<string, unknown> }
    | { config: Record<string, string>; app?: Record<string, unknown> }
    | { bare: true | 'library' }
  >,
): Promise<Servers> {
  const child = spawnNode(fileURLToPath(new URL('./servers.ts', import.meta.url)), [JSON.stringify(specs)]);
  try {
    const m = await child.waitFor(/^LISTENING (.*)$/, 60_000);
    return { urls: JSON.parse(m[1]) as Record<string, string>, stop: () => child.stop() };
  } catch (e) {
    await child.stop();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// The service's steps for one request, in process

export type Step = 'parse' | 'validate' | 'prepare' | 'run' | 'stringify';

/**
 * Times the steps a compute route takes for one request, one after the other as it runs them:
 * JSON.parse of the request text (when given text), zod validation, `prepare` (compile and the
 * limits), `run` (evaluation and the result object) and JSON.stringify of the result; `reps`
 * times after `warmup` untimed. `run: false` stops after prepare (what the event loop does for a
 * job that goes to a worker). `gcBefore`: a full GC before each request (for big ones, so that
 * one request's garbage is not collected in the next one's steps). Returns the median ms of each
 * step.
 */
export function serviceSteps(
  name: OperationName,
  input: { text: string } | { body: unknown },
  limits: Limits,
  {
    reps,
    warmup = 0,
    run = true,
    gcBefore = false,
  }: { reps: number; warmup?: number; run?: boolean; gcBefore?: boolean },
): Partial<Record<Step, number>> {
  const op = operations[name] as unknown as Operation<unknown, unknown, unknown>;
  const ms: Record<Step, number[]> = { parse: [], validate: [], prepare: [], run: [], stringify: [] };
  for (let r = -warmup; r < reps; r++) {
    if (gcBefore) gc();
    const t: number[] = [now()];
    const body = 'text' in input ? JSON.parse(input.text) : input.body;
    t.push(now());
    const checked = validate(op.body, body);
    if ('error' in checked) throw checked.error;
    t.push(now());
    const job = op.prepare(body, { limits, locale: 'en' });
    t.push(now());
    if (run) {
      const result = op.run(job);
      t.push(now());
      JSON.stringify(result);
      t.push(now());
    }
    if (r < 0) continue;
    const steps: Step[] = ['parse', 'validate', 'prepare', 'run', 'stringify'];
    for (let i = 1; i < t.length; i++) ms[steps[i - 1]].push(t[i] - t[i - 1]);
  }
  const out: Partial<Record<Step, number>> = {};
  for (const step of Object.keys(ms) as Step[])
    if (ms[step].length && (step !== 'parse' || 'text' in input)) out[step] = median(ms[step]);
  return out;
}

/** "parse 0.6, validate 2.7, prepare 5.5, run 3.0, stringify 5.2 (sum 17) µs" */
export function describeSteps(steps: Partial<Record<Step, number>>, unit: 'ms' | 'µs' = 'ms'): string {
  const scale = unit === 'µs' ? 1000 : 1;
  const parts = Object.entries(steps).map(([k, v]) => `${k} ${fmtMs(v! * scale)}`);
  const sum = Object.values(steps).reduce((a, b) => a! + b!, 0)!;
  return `${parts.join(', ')} (sum ${fmtMs(sum * scale)}) ${unit}`;
}
