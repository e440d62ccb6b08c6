/**
 * The attacks of the abuse audit (issue 13), each a request as an attacker or a student gaming
 * the grader would send it, with the bound the service must hold. The abuse suite
 * (test/abuse/abuse.test.ts) replays them against a server process and asserts each bound;
 * `npm run abuse` (bench/abuse.ts) prints each one's time, response size and worst /healthz
 * latency, against this checkout or another one (the figures before a change).
 *
 * Nothing here knows the service's code: requests are built from the wire contract alone, and
 * the ids chosen to collide are chosen against the id table's old, unseeded hash.
 */

/** What one attack got back, with /healthz probed while it ran. */
export interface Outcome {
  status: number;
  contentType: string;
  /** Bytes of the response body. */
  bytes: number;
  ms: number;
  /** The longest a /healthz probe waited while the attack ran (0 when none was sent). */
  worstHealthzMs: number;
  headers: Record<string, string>;
  /** The body, when it is JSON and under a megabyte. */
  json?: any;
}

export interface Attack {
  name: string;
  /** What the audit saw before. */
  audit: string;
  method: 'GET' | 'POST';
  path: string;
  body?: () => string;
  headers?: Record<string, string>;
  /** What must hold of the answer: a list of the bounds broken (empty when all hold). */
  check(outcome: Outcome): string[];
}

/** No request within the limits delays /healthz by more than this. */
export const HEALTHZ_BOUND_MS = 250;

/** The default MAX_RESPONSE_BYTES. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

const json = { 'content-type': 'application/json' };

/** `L = w*x + w*x + …` with n terms: a few hundred bytes whose explanation was cubic. */
export function wxSum(n: number): string {
  return `L = ${Array.from({ length: n }, () => 'w*x').join(' + ')}`;
}

const explainSum = (n: number) => () =>
  JSON.stringify({
    graph: { inputs: { x: 1.2345 }, params: { w: 0.7 }, expr: wxSum(n) },
    learningRate: 0.1,
    gradcheck: true,
  });

/** The id table's hash before issue 13: FNV-1a over the id's UTF-16 units, unseeded. */
export function oldHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The old table's size for `count` ids: a power of two at least twice as large. */
const oldTableSize = (count: number): number => {
  let size = 8;
  while (size < 2 * count) size *= 2;
  return size;
};

/** A small deterministic generator, so that every run chooses the same ids. */
function* lcg(seed: number): Generator<number> {
  let s = seed >>> 0;
  for (;;) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    yield s;
  }
}

/**
 * `n` ids (letters, digits, `_`) whose old hash falls in the first 1,024 slots of the table that
 * a graph of `slots` ids gets: every insert and lookup probes a run as long as the ids so far.
 */
export function collidingIds(n: number, slots: number): string[] {
  const mask = oldTableSize(slots) - 1;
  const out: string[] = [];
  const random = lcg(13);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  while (out.length < n) {
    let r = random.next().value as number;
    let id = 'v';
    for (let i = 0; i < 6; i++) {
      id += alphabet[r % 36];
      r = Math.floor(r / 36);
    }
    id += alphabet[(random.next().value as number) % 36];
    if ((oldHash(id) & mask) < 1024) out.push(id);
  }
  return Array.from(new Set(out));
}

/** `n` ordinary ids of the same length. */
export const ordinaryIds = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `v${String(i).padStart(7, '0')}`);

/** A sum over inputs with these ids: inputs plus n - 1 nodes in the table. */
export function sumOfInputs(ids: readonly string[]): { inputs: Record<string, number>; expr: string } {
  return { inputs: Object.fromEntries(ids.map((id) => [id, 1])), expr: `L = ${ids.join(' + ')}` };
}

let chosen: string[] | undefined;
/** 20,000 ids against the old hash, in a sum: 20,000 inputs and 20,000 nodes (`L` and the parts). */
export const chosenIds = (): string[] => (chosen ??= collidingIds(20_000, 40_000));

/** The tutorial's neuron with the update, and the answers a student gaming the grader sends. */
const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };
const correctForward = { u: -0.6, z: -0.2, y_hat: 0.4502 };

const isProblem = (o: Outcome): boolean =>
  o.contentType.startsWith('application/problem+json') && typeof o.json?.requestId === 'string';

/** The keys credited in a grade's results. */
export const credited = (o: Outcome): string[] =>
  (o.json?.results ?? []).filter((r: any) => r.credit > 0 && !(r.key in correctForward)).map((r: any) => r.key);

const bounds = (...failures: (string | false)[]): string[] =>
  failures.filter((f): f is string => typeof f === 'string');

const stalls = (o: Outcome): string | false =>
  o.worstHealthzMs > HEALTHZ_BOUND_MS &&
  `/healthz waited ${o.worstHealthzMs.toFixed(0)} ms (bound ${HEALTHZ_BOUND_MS} ms)`;
const fiveHundred = (o: Outcome): string | false => o.status >= 500 && `answered ${o.status}`;
const overBytes = (o: Outcome, max = MAX_RESPONSE_BYTES): string | false =>
  o.bytes > max && `answered ${o.bytes} bytes (bound ${max})`;
const notStatus = (o: Outcome, ...statuses: number[]): string | false =>
  !statuses.includes(o.status) && `answered ${o.status}, not ${statuses.join(' or ')}`;

export const attacks: Attack[] = [
  {
    name: 'explain 50 terms',
    audit: '3.0 s; /healthz waited 2.85 s',
    method: 'POST',
    path: '/v1/explain',
    body: explainSum(50),
    headers: json,
    check: (o) =>
      bounds(
        stalls(o),
        notStatus(o, 200),
        o.status === 200 &&
          Math.abs(o.json.steps.find((s: any) => s.key === 'dL/dw')?.value - 50 * 1.2345) > 1e-9 &&
          'dL/dw is not 50·x',
      ),
  },
  {
    name: 'explain 150 terms',
    audit: '73 s on the event loop',
    method: 'POST',
    path: '/v1/explain',
    body: explainSum(150),
    headers: json,
    check: (o) =>
      bounds(
        stalls(o),
        notStatus(o, 200),
        o.status === 200 &&
          Math.abs(o.json.steps.find((s: any) => s.key === 'dL/dw')?.value - 150 * 1.2345) > 1e-9 &&
          'dL/dw is not 150·x',
      ),
  },
  {
    name: 'explain, long ids',
    audit: '0.88 MB answered 26.8 MB',
    method: 'POST',
    path: '/v1/explain',
    body: () => {
      // 290 statements chained through ids of 1,500 characters (0.88 MB): each id is written in many steps.
      const id = (i: number) => `n${i}_${'q'.repeat(1500)}`;
      const lines = [`${id(0)} = w*x`];
      for (let i = 1; i < 290; i++) lines.push(`${id(i)} = ${id(i - 1)} * w`);
      lines.push(`L = ${id(289)}`);
      return JSON.stringify({ graph: { inputs: { x: 0.5 }, params: { w: 1.001 }, expr: lines.join('; ') } });
    },
    headers: json,
    check: (o) =>
      bounds(
        stalls(o),
        fiveHundred(o),
        overBytes(o),
        o.status === 200 || isProblem(o) ? false : 'a refusal that is not a problem document',
      ),
  },
  {
    name: 'ordinary ids, /v1/gradients',
    audit: 'the baseline of the one below',
    method: 'POST',
    path: '/v1/gradients',
    body: () => JSON.stringify({ graph: sumOfInputs(ordinaryIds(chosenIds().length)), include: ['L'] }),
    headers: json,
    check: (o) => bounds(stalls(o), notStatus(o, 200)),
  },
  {
    name: 'chosen ids, /v1/gradients',
    audit: '3.7x the time of ordinary ids',
    method: 'POST',
    path: '/v1/gradients?include=L',
    body: () => JSON.stringify({ graph: sumOfInputs(chosenIds()), include: ['L'] }),
    headers: json,
    check: (o) => bounds(stalls(o), notStatus(o, 200)),
  },
  {
    name: 'chosen ids, /v1/render dot',
    audit: '1.9 s, /healthz stalled 1.7 s, then 413',
    method: 'POST',
    path: '/v1/render?format=dot',
    body: () => JSON.stringify({ graph: sumOfInputs(chosenIds()) }),
    headers: json,
    check: (o) => bounds(stalls(o), notStatus(o, 413), !isProblem(o) && 'not a problem document'),
  },
  {
    name: 'unknown op of 1,000,000 characters',
    audit: '1.7 s of edit distances; echoed twice in a 2 MB problem',
    method: 'POST',
    path: '/v1/forward',
    body: () =>
      JSON.stringify({ graph: { inputs: { x: 1 }, nodes: [{ id: 'L', op: 'q'.repeat(1_000_000), args: ['x'] }] } }),
    headers: json,
    check: (o) =>
      bounds(
        stalls(o),
        notStatus(o, 400, 422),
        !isProblem(o) && 'not a problem document',
        o.bytes > 4096 && `a problem of ${o.bytes} bytes`,
      ),
  },
  {
    name: 'step with 999,990 steps',
    audit: '85 bytes answered 22.7 MB of history',
    method: 'POST',
    path: '/v1/step',
    body: () => JSON.stringify({ neuron, learningRate: 0.1, steps: 999_990 }),
    headers: json,
    check: (o) => bounds(stalls(o), notStatus(o, 400, 413), o.bytes > 4096 && `answered ${o.bytes} bytes`),
  },
  {
    name: 'broadcast on /v1/forward',
    audit: '2,357x the body in the answer',
    method: 'POST',
    path: '/v1/forward',
    body: () => {
      // 999 · 999 + 2 · 999 numbers: just under the default MAX_RESPONSE_VALUES.
      const n = 999;
      // 0.1 · 0.7 is written 0.06999999999999999: three characters in, twenty out, a million times.
      return JSON.stringify({
        graph: {
          inputs: { a: Array.from({ length: n }, () => [0.1]), b: [Array.from({ length: n }, () => 0.7)] },
          expr: 'L = a*b',
        },
      });
    },
    headers: json,
    check: (o) => bounds(stalls(o), notStatus(o, 413), overBytes(o)),
  },
  {
    name: 'grade: "1e999" and follow-through',
    audit: 'dL/dw, dL/db, step(w), step(b) credited',
    method: 'POST',
    path: '/v1/grade',
    body: () =>
      JSON.stringify({
        neuron,
        learningRate: 0.1,
        answers: {
          ...correctForward,
          'dL/dz': '1e999',
          'dL/dw': '-1e999',
          'dL/db': '-1e999',
          'step(w)': 123,
          'step(b)': -456,
        },
      }),
    headers: json,
    check: (o) => bounds(stalls(o), notStatus(o, 200), credited(o).length > 0 && `credited ${credited(o).join(', ')}`),
  },
  {
    name: 'grade: 1e308 overflows the chain',
    audit: 'dL/dw = 777 credited (2e308 overflows)',
    method: 'POST',
    path: '/v1/grade',
    body: () =>
      JSON.stringify({ neuron, learningRate: 0.1, answers: { ...correctForward, 'dL/dz': 1e308, 'dL/dw': 777 } }),
    headers: json,
    check: (o) => bounds(stalls(o), notStatus(o, 200), credited(o).length > 0 && `credited ${credited(o).join(', ')}`),
  },
  {
    name: 'grade: a 30,000-term sum',
    audit: '500 (RangeError in Notation.write)',
    method: 'POST',
    path: '/v1/grade',
    body: () =>
      JSON.stringify({
        graph: { inputs: { x: 1 }, expr: `L = ${Array(30_000).fill('x').join('+')}` },
        answers: { L: 5 },
      }),
    headers: json,
    check: (o) => bounds(stalls(o), fiveHundred(o)),
  },
  {
    name: 'GET /v1/forward%',
    audit: "fastify's own JSON error, no request id, unlogged, uncounted",
    method: 'GET',
    path: '/v1/forward%',
    check: (o) => bounds(notStatus(o, 400), !isProblem(o) && 'not a problem document with a request id'),
  },
  {
    name: 'missing static file',
    audit: '405 instead of 404',
    method: 'GET',
    path: '/docs/static/nope.js',
    check: (o) => bounds(notStatus(o, 404), !isProblem(o) && 'not a problem document'),
  },
  {
    name: 'SVG headers',
    audit: 'no nosniff, no Content-Security-Policy',
    method: 'POST',
    path: '/v1/render?format=svg',
    body: () => JSON.stringify({ neuron }),
    headers: json,
    check: (o) =>
      bounds(
        notStatus(o, 200),
        o.headers['x-content-type-options'] !== 'nosniff' && 'no nosniff',
        !o.headers['content-security-policy'] && 'no Content-Security-Policy',
      ),
  },
  {
    name: 'docs headers',
    audit: 'no nosniff, no Content-Security-Policy',
    method: 'GET',
    path: '/docs/',
    check: (o) =>
      bounds(
        notStatus(o, 200),
        o.headers['x-content-type-options'] !== 'nosniff' && 'no nosniff',
        !o.headers['content-security-policy'] && 'no Content-Security-Policy',
      ),
  },
  {
    name: 'Gradescope output_format',
    audit: 'student text raw in output, no output_format',
    method: 'POST',
    path: '/v1/grade',
    body: () => JSON.stringify({ neuron, format: 'gradescope', answers: { y_hat: '<script>alert(1)</script>' } }),
    headers: json,
    check: (o) => bounds(notStatus(o, 200), o.json?.output_format !== 'text' && 'no output_format "text"'),
  },
  {
    name: 'a LeNet-like CNN on 64 images of 28x28',
    audit: 'new with the layer ops (issue 17): about 40 million element operations, within MAX_WORK',
    method: 'POST',
    path: '/v1/gradients',
    body: () => JSON.stringify({ graph: lenet(64), include: ['W1', 'W2', 'L'] }),
    headers: json,
    check: (o) => bounds(stalls(o), notStatus(o, 200), typeof o.json?.values?.L !== 'number' && 'no loss'),
  },
  {
    name: 'a convolution of a billion multiply-adds in a 700 kB body',
    audit: 'new with the layer ops (issue 17): its cost is N·F·H′·W′·C·KH·KW, not its elements',
    method: 'POST',
    path: '/v1/forward',
    body: () => {
      const x = [tensorOf([16, 128, 128], (i) => (i * 7) % 3)];
      const W = tensorOf([64, 16, 9, 9], (i) => (i * 5) % 2);
      return JSON.stringify({ graph: { inputs: { x }, params: { W }, expr: 'y = conv2d(x, W); L = sum(y)' } });
    },
    headers: json,
    check: (o) => bounds(stalls(o), notStatus(o, 413), o.ms > 2000 && `took ${o.ms.toFixed(0)} ms to refuse`),
  },
];

type Nested = number | Nested[];

/** A row-major tensor of `shape` whose element i (in row-major order) is f(i). */
function tensorOf(shape: readonly number[], f: (i: number) => number, at = { i: 0 }): Nested[] {
  return Array.from({ length: shape[0] }, () => (shape.length === 1 ? f(at.i++) : tensorOf(shape.slice(1), f, at)));
}

interface GraphNode {
  id: string;
  op: string;
  args: string[];
  attrs?: Record<string, number>;
}

const node = (id: string, op: string, args: string[], attrs?: Record<string, number>): GraphNode => ({
  id,
  op,
  args,
  ...(attrs && { attrs }),
});

/**
 * A LeNet-like CNN's nodes, over inputs x [N,1,28,28] and y [N,10] and params W1 [6,1,5,5], b1,
 * W2 [16,6,5,5], b2, W3 [120,256], b3, W4 [84,120], b4, W5 [10,84], b5; L is the loss
 * (bench/lenet.ts times the same graph).
 */
export const LENET_NODES: GraphNode[] = [
  node('c1', 'conv2d', ['x', 'W1', 'b1']),
  node('r1', 'relu', ['c1']),
  node('p1', 'max_pool2d', ['r1'], { kernel: 2 }),
  node('c2', 'conv2d', ['p1', 'W2', 'b2']),
  node('r2', 'relu', ['c2']),
  node('p2', 'max_pool2d', ['r2'], { kernel: 2 }),
  node('f', 'flatten', ['p2']),
  node('h3', 'linear', ['f', 'W3', 'b3']),
  node('a3', 'relu', ['h3']),
  node('h4', 'linear', ['a3', 'W4', 'b4']),
  node('a4', 'relu', ['h4']),
  node('z', 'linear', ['a4', 'W5', 'b5']),
  node('L', 'softmax_cross_entropy', ['z', 'y']),
];

/** conv 1->6 5x5, relu, max pool; conv 6->16 5x5, relu, max pool; flatten; dense 256-120-84-10; softmax cross-entropy. */
function lenet(batch: number) {
  // Pixels and weights with three decimals, as a course would send them: the body is about 600 kB.
  const small = (i: number) => ((i * 7919) % 1000) / 5000 - 0.1;
  return {
    inputs: {
      x: tensorOf([batch, 1, 28, 28], (i) => ((i * 31) % 1000) / 1000),
      y: tensorOf([batch, 10], (i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0)),
    },
    params: {
      W1: tensorOf([6, 1, 5, 5], small),
      b1: tensorOf([6], small),
      W2: tensorOf([16, 6, 5, 5], small),
      b2: tensorOf([16], small),
      W3: tensorOf([120, 256], small),
      b3: tensorOf([120], small),
      W4: tensorOf([84, 120], small),
      b4: tensorOf([84], small),
      W5: tensorOf([10, 84], small),
      b5: tensorOf([10], small),
    },
    nodes: LENET_NODES,
  };
}
