/**
 * Requests for the property tests: valid problem specs built from the op catalogue (GET /v1/ops)
 * as graph nodes or expr text, neurons and networks; a body for each POST route around a spec;
 * and mutations of a valid body into what hostile or careless clients send (unknown ids, cycles,
 * wrong shapes, non-finite numbers, huge or negative sizes, deep nesting, `__proto__` and
 * `constructor` ids, unicode, very long strings). A body is sent as text, so that a mutation can
 * write what JSON.stringify cannot (1e999, nesting a hundred thousand deep).
 *
 * Generators draw small plans (numbers, choices) and build the spec from them in `.map`, so that
 * fast-check shrinks a failure to a small graph.
 */
import fc from 'fast-check';

type Json = Record<string, any>;

export interface CatalogueOp {
  name: string;
  kind: string;
  args: string[];
  attrs: { name: string; default: number }[];
}

export interface Catalogue {
  ops: CatalogueOp[];
  activations: string[];
  losses: string[];
}

/** Ids as people and attackers write them; `_t…` left out, since expr generates those. */
const IDS = [
  'x',
  'y',
  'w',
  'b',
  'u',
  'z',
  'h',
  'a1',
  'W2',
  'y_hat',
  'out',
  'L',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  'valueOf',
  '_',
];

/** Small finite numbers, as a course uses; the ops' domains are the service's business. */
const number = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.double({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
);

type Shape = readonly number[];

const valueOf = (shape: Shape, numbers: () => number): unknown =>
  shape.length === 0
    ? numbers()
    : shape.length === 1
      ? Array.from({ length: shape[0] }, numbers)
      : Array.from({ length: shape[0] }, () => Array.from({ length: shape[1] }, numbers));

export interface Spec {
  /** `{graph}`, `{neuron}` or `{network}`. */
  spec: Json;
  /** Every id of the spec (leaves and nodes; for neuron and network, the ones the service names). */
  ids: string[];
  params: string[];
  output: string;
  /** True when every value is a scalar. */
  scalar: boolean;
}

interface NodeDraft {
  id: string;
  op: string;
  args: (string | number)[];
  attrs?: Record<string, number>;
}

/** A node as the tutorial's notation writes it: a call of the op by its name (attrs after the args). */
const exprOf = (nodes: NodeDraft[]): string =>
  nodes
    .map(
      (n) =>
        `${n.id} = ${n.op}(${[...n.args.map((a) => (typeof a === 'number' && a < 0 ? `(${a})` : a)), ...Object.values(n.attrs ?? {})].join(', ')})`,
    )
    .join('; ');

/**
 * A valid graph: leaves of one shape (scalar, vector or square matrix), nodes of ops that keep
 * that shape (elementwise, binary with a leaf, a node or a literal, softmax along the last axis,
 * matmul and transpose of square matrices), then a scalar output (a reduction or a loss) when
 * the values are tensors. As graph nodes or as expr text.
 */
export function graphSpec(catalogue: Catalogue): fc.Arbitrary<Spec> {
  const byKind = (...kinds: string[]) => catalogue.ops.filter((op) => kinds.includes(op.kind));
  return fc
    .record({
      shape: fc.oneof(
        { weight: 3, arbitrary: fc.constant<Shape>([]) },
        fc.integer({ min: 1, max: 3 }).map((n): Shape => [n]),
        fc.integer({ min: 1, max: 3 }).map((n): Shape => [n, n]),
      ),
      names: fc.shuffledSubarray(IDS, { minLength: IDS.length, maxLength: IDS.length }),
      leaves: fc.integer({ min: 1, max: 4 }),
      inputs: fc.integer({ min: 0, max: 3 }),
      steps: fc.array(
        fc.record({
          op: fc.nat(),
          a: fc.nat(),
          b: fc.nat(),
          literal: fc.boolean(),
          value: number,
          alpha: fc.option(number, { nil: undefined }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      end: fc.nat(),
      values: fc.array(number, { minLength: 64, maxLength: 64 }),
      expr: fc.boolean(),
      output: fc.boolean(),
    })
    .map(({ shape, names, leaves, inputs, steps, end, values, expr, output }) => {
      let next = 0;
      const numbers = () => values[next++ % values.length];
      const leafIds = names.slice(0, leaves);
      const inputIds = leafIds.slice(0, Math.min(inputs, leaves - 1));
      const paramIds = leafIds.slice(inputIds.length);
      const square = shape.length === 2;
      const unary = [
        ...byKind('elementwise'),
        ...(shape.length > 0 ? byKind('last_axis') : []),
        ...(square ? catalogue.ops.filter((op) => op.name === 'transpose') : []),
      ];
      const binary = [...byKind('binary'), ...(square ? catalogue.ops.filter((op) => op.name === 'matmul') : [])];
      const available = [...leafIds];
      const nodes: NodeDraft[] = [];
      steps.forEach((step, i) => {
        const id = names[leaves + i];
        const pool = [...unary, ...binary];
        const op = pool[step.op % pool.length];
        const first = available[step.a % available.length];
        const second = step.literal && op.kind === 'binary' ? step.value : available[step.b % available.length];
        const attrs = op.attrs.length && step.alpha !== undefined ? { [op.attrs[0].name]: step.alpha } : undefined;
        nodes.push({
          id,
          op: op.name,
          args: op.args.length === 2 ? [first, second] : [first],
          ...(attrs && { attrs }),
        });
        available.push(id);
      });
      const last = nodes[nodes.length - 1].id;
      if (shape.length > 0) {
        const closers = [
          ...byKind('reduction'),
          ...byKind('loss').filter((op) => op.name !== 'softmax_cross_entropy' || shape.length > 0),
        ];
        const op = closers[end % closers.length];
        const id = names[leaves + steps.length];
        nodes.push({ id, op: op.name, args: op.args.length === 2 ? [last, leafIds[end % leafIds.length]] : [last] });
      }
      const out = nodes[nodes.length - 1].id;
      const graph: Json = {
        ...(inputIds.length && { inputs: Object.fromEntries(inputIds.map((id) => [id, valueOf(shape, numbers)])) }),
        params: Object.fromEntries(paramIds.map((id) => [id, valueOf(shape, numbers)])),
        ...(expr ? { expr: exprOf(nodes) } : { nodes }),
        ...(output && { output: out }),
      };
      return {
        spec: { graph },
        ids: [...leafIds, ...nodes.map((n) => n.id)],
        params: paramIds,
        output: out,
        scalar: shape.length === 0,
      };
    });
}

/** The tutorial's neuron: x and w scalars or vectors of one length, any activation and loss of the catalogue. */
export function neuronSpec(catalogue: Catalogue): fc.Arbitrary<Spec> {
  return fc
    .record({
      n: fc.integer({ min: 0, max: 3 }),
      x: fc.array(number, { minLength: 3, maxLength: 3 }),
      w: fc.array(number, { minLength: 3, maxLength: 3 }),
      b: number,
      y: number,
      activation: fc.option(fc.constantFrom(...catalogue.activations), { nil: undefined }),
      loss: fc.option(fc.constantFrom(...catalogue.losses), { nil: undefined }),
    })
    .map(({ n, x, w, b, y, activation, loss }) => {
      const neuron = {
        x: n === 0 ? x[0] : x.slice(0, n),
        w: n === 0 ? w[0] : w.slice(0, n),
        b,
        y,
        ...(activation && { activation }),
        ...(loss && { loss }),
      };
      return {
        spec: { neuron },
        ids: ['x', 'y', 'w', 'b', 'u', 'z', 'y_hat', 'L'],
        params: ['w', 'b'],
        output: 'L',
        scalar: n === 0,
      };
    });
}

/** A small perceptron: W_k of shape [n_out, n_in], one example or a batch, y shaped like the last layer's output. */
export function networkSpec(catalogue: Catalogue): fc.Arbitrary<Spec> {
  return fc
    .record({
      widths: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }),
      batch: fc.integer({ min: 0, max: 3 }),
      activations: fc.array(fc.option(fc.constantFrom(...catalogue.activations), { nil: undefined }), {
        minLength: 3,
        maxLength: 3,
      }),
      loss: fc.option(fc.constantFrom(...catalogue.losses), { nil: undefined }),
      values: fc.array(number, { minLength: 64, maxLength: 64 }),
    })
    .map(({ widths, batch, activations, loss, values }) => {
      let next = 0;
      const numbers = () => values[next++ % values.length];
      const rowsOf = (width: number) => (batch === 0 ? valueOf([width], numbers) : valueOf([batch, width], numbers));
      const layers = widths.slice(1).map((out, k) => ({
        W: valueOf([out, widths[k]], numbers),
        b: valueOf([out], numbers),
        ...(activations[k] && { activation: activations[k] }),
      }));
      const network = { x: rowsOf(widths[0]), y: rowsOf(widths[widths.length - 1]), ...(loss && { loss }), layers };
      const params = layers.flatMap((_, k) => [`W${k + 1}`, `b${k + 1}`]);
      return { spec: { network }, ids: ['x', 'y', ...params, 'L'], params, output: 'L', scalar: false };
    });
}

export const anySpec = (catalogue: Catalogue): fc.Arbitrary<Spec> =>
  fc.oneof({ weight: 3, arbitrary: graphSpec(catalogue) }, neuronSpec(catalogue), networkSpec(catalogue));

export type Route =
  | '/v1/forward'
  | '/v1/gradients'
  | '/v1/step'
  | '/v1/gradcheck'
  | '/v1/grade'
  | '/v1/explain'
  | '/v1/render'
  | '/v1/exercises';

export const SPEC_ROUTES: Route[] = [
  '/v1/forward',
  '/v1/gradients',
  '/v1/step',
  '/v1/gradcheck',
  '/v1/grade',
  '/v1/explain',
  '/v1/render',
];

export interface Request {
  route: Route;
  url: string;
  body: Json;
}

/** A valid body of a route around a spec, with the route's own fields drawn too. */
export function requestFor(route: Route, spec: Spec): fc.Arbitrary<Request> {
  const plain = (body: Json) => fc.constant<Request>({ route, url: route, body });
  switch (route) {
    case '/v1/forward':
    case '/v1/gradients':
      return fc
        .option(fc.subarray(spec.ids, { minLength: 1 }), { nil: undefined })
        .map((include) => ({ route, url: route, body: { ...spec.spec, ...(include && { include }) } }));
    case '/v1/step':
      return fc
        .record({
          learningRate: fc.double({ min: 1e-3, max: 1, noNaN: true }),
          steps: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
          optimizer: fc.option(
            fc.oneof(
              fc.constant({ name: 'sgd' }),
              fc.record({ name: fc.constant('sgd'), momentum: fc.double({ min: 0, max: 0.99, noNaN: true }) }),
              fc.constant({ name: 'adam' }),
            ),
            { nil: undefined },
          ),
        })
        .map(({ learningRate, steps, optimizer }) => ({
          route,
          url: route,
          body: { ...spec.spec, learningRate, ...(steps && { steps }), ...(optimizer && { optimizer }) },
        }));
    case '/v1/gradcheck':
      return fc
        .option(fc.constantFrom(1e-4, 1e-3, 1e-6), { nil: undefined })
        .map((epsilon) => ({ route, url: route, body: { ...spec.spec, ...(epsilon && { epsilon }) } }));
    case '/v1/grade':
      return fc
        .record({
          answer: fc.oneof(number, fc.constantFrom('0,5', '1/8', '2.5e-3', 'abc', '')),
          key: fc.nat(),
          format: fc.option(fc.constantFrom('native', 'gradescope', 'prairielearn', 'coderunner'), { nil: undefined }),
          sigfigs: fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined }),
        })
        .map(({ answer, key, format, sigfigs }) => {
          const keys = [spec.output, ...spec.params.map((p) => `d${spec.output}/d${p}`)];
          return {
            route,
            url: route,
            body: {
              ...spec.spec,
              answers: { [keys[key % keys.length]]: answer },
              ...(format && { format }),
              ...(sigfigs && { tolerance: { sigfigs } }),
            },
          };
        });
    case '/v1/explain':
      return fc
        .record({
          learningRate: fc.option(fc.constantFrom(0.1, 0.5), { nil: undefined }),
          gradcheck: fc.option(fc.boolean(), { nil: undefined }),
        })
        .map(({ learningRate, gradcheck }) => ({
          route,
          url: route,
          body: { ...spec.spec, ...(learningRate && { learningRate }), ...(gradcheck !== undefined && { gradcheck }) },
        }));
    case '/v1/render':
      // Mostly the text formats: drawing SVG runs Graphviz, tens of milliseconds a picture.
      return fc
        .constantFrom('dot', 'mermaid', 'mermaid', 'svg', undefined)
        .map((format) => ({ route, url: format ? `${route}?format=${format}` : route, body: spec.spec }));
    case '/v1/exercises':
      return plain({});
  }
}

export const exerciseRequest = (templates: string[]): fc.Arbitrary<Request> =>
  fc
    .record({
      template: fc.constantFrom(...templates),
      seed: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)),
      locale: fc.option(fc.constantFrom('en', 'pt-BR'), { nil: undefined }),
    })
    .map(({ template, seed, locale }) => ({
      route: '/v1/exercises',
      url: '/v1/exercises',
      body: { template, seed, ...(locale && { locale }) },
    }));

// ---------------------------------------------------------------------------------------------
// Mutations.

type Path = (string | number)[];

/** Every path in a JSON value, with the value there. */
function entries(value: unknown, path: Path = []): [Path, unknown][] {
  const out: [Path, unknown][] = [[path, value]];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...entries(item, [...path, i])));
  else if (value !== null && typeof value === 'object')
    for (const key of Object.keys(value)) out.push(...entries((value as Json)[key], [...path, key]));
  return out;
}

/** A copy of `body` with the value at `path` replaced (or deleted when `value` is `DELETE`). */
function withValue(body: Json, path: Path, value: unknown): Json {
  if (path.length === 0) return value as Json;
  const copy = structuredClone(body);
  let parent: any = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  const last = path[path.length - 1];
  if (value === DELETE) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (last === '__proto__')
    Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
  else parent[last] = value;
  return copy;
}

const DELETE = Symbol('delete');

/** Ids renamed everywhere in a body's text: keys, args, expr and answer keys alike. */
function renameId(text: string, from: string, to: string): string {
  return text.replace(new RegExp(`(?<![A-Za-z0-9_])${from.replace(/[$]/g, '\\$&')}(?![A-Za-z0-9_])`, 'g'), to);
}

/** What a mutation does to one body; the text is what is sent. */
export type Mutation = (body: Json, spec: Spec | undefined) => string;

const pick = <T>(items: T[], n: number): T | undefined => (items.length ? items[n % items.length] : undefined);

const numbersIn = (body: Json) => entries(body).filter(([path, v]) => typeof v === 'number' && path.length > 0);
const stringsIn = (body: Json) => entries(body).filter(([path, v]) => typeof v === 'string' && path.length > 0);
const valuesIn = (body: Json) => entries(body).filter(([path]) => path.length > 0);

/** A value nested `depth` levels: arrays, objects, or both. */
const nested = (depth: number, kind: 'array' | 'object'): string =>
  kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** A marker put in the body, then replaced in its text by what JSON.stringify cannot write. */
const RAW = '\u0000raw\u0000';
const withRaw = (body: Json, path: Path, raw: string): string =>
  JSON.stringify(withValue(body, path, RAW)).replace(JSON.stringify(RAW), raw);

export const mutation: fc.Arbitrary<{ name: string; apply: Mutation }> = fc.oneof(
  fc.record({ n: fc.nat(), id: fc.constantFrom('q', 'nope', 'L2', 'Q_unknown') }).map(({ n, id }) => ({
    name: `unknown id ${id}`,
    apply: (body: Json) => {
      // An arg, the output, an include or a wrt: any string that names an id.
      const at = pick(
        stringsIn(body).filter(([path]) =>
          path.slice(-2).some((key) => ['args', 'output', 'include', 'wrt'].includes(String(key))),
        ),
        n,
      );
      return JSON.stringify(at ? withValue(body, at[0], id) : { ...body, include: [id] });
    },
  })),
  fc.record({ n: fc.nat(), self: fc.boolean() }).map(({ n, self }) => ({
    name: self ? 'a node that is its own arg' : 'a cycle through two nodes',
    apply: (body: Json) => {
      const graph = body.graph;
      if (graph?.nodes?.length) {
        const nodes = graph.nodes as NodeDraft[];
        const i = n % nodes.length;
        const target = self ? nodes[i].id : nodes[nodes.length - 1].id;
        return JSON.stringify(withValue(body, ['graph', 'nodes', i, 'args', 0], target));
      }
      if (typeof graph?.expr === 'string')
        return JSON.stringify(withValue(body, ['graph', 'expr'], `c1 = c2 + 1; c2 = c1 * 2; ${graph.expr}`));
      return JSON.stringify({
        graph: {
          inputs: { x: 1 },
          nodes: [
            { id: 'a', op: 'neg', args: ['b'] },
            { id: 'b', op: 'neg', args: ['a'] },
          ],
        },
        ...body,
        neuron: undefined,
        network: undefined,
      });
    },
  })),
  fc
    .record({ n: fc.nat(), shape: fc.constantFrom([2], [4], [2, 3], [3, 1], [1, 1], [0], [2, 0], [1, 2, 3]) })
    .map(({ n, shape }) => ({
      name: `a value of shape [${shape}]`,
      apply: (body: Json) => {
        const value =
          shape.length === 3
            ? [
                [
                  [1, 2, 3],
                  [4, 5, 6],
                ],
              ]
            : valueOf(shape, () => 0.5);
        const at = pick(
          valuesIn(body).filter(([, v]) => typeof v === 'number' || (Array.isArray(v) && typeof v[0] !== 'string')),
          n,
        );
        return JSON.stringify(at ? withValue(body, at[0], value) : body);
      },
    })),
  fc
    .record({
      n: fc.nat(),
      text: fc.constantFrom(
        '"NaN"',
        '"Infinity"',
        '"-Infinity"',
        '1e999',
        '-1e999',
        '1e-999',
        '1e308',
        '-0',
        '1E+400',
        'null',
        'true',
      ),
    })
    .map(({ n, text }) => ({
      name: `a number written ${text}`,
      apply: (body: Json) => {
        const at = pick(numbersIn(body), n);
        return at ? withRaw(body, at[0], text) : JSON.stringify(body);
      },
    })),
  fc
    .record({
      field: fc.constantFrom('steps', 'learningRate', 'epsilon', 'seed', 'rtol', 'atol', 'momentum'),
      value: fc.constantFrom(-1, 0, 0.5, 1e9, 2 ** 53, 2 ** 53 + 2, -(2 ** 31), 1e308, Number.MIN_VALUE),
    })
    .map(({ field, value }) => ({
      name: `${field} = ${value}`,
      apply: (body: Json) =>
        JSON.stringify(
          field === 'momentum' ? { ...body, optimizer: { name: 'sgd', momentum: value } } : { ...body, [field]: value },
        ),
    })),
  fc.record({ n: fc.nat(), length: fc.constantFrom(1000, 30_000, 100_000) }).map(({ n, length }) => ({
    name: `a vector of ${length} numbers`,
    apply: (body: Json) => {
      const at = pick(
        valuesIn(body).filter(([, v]) => typeof v === 'number' || Array.isArray(v)),
        n,
      );
      return withRaw(body, at ? at[0] : ['graph'], `[${Array(length).fill('0.25').join(',')}]`);
    },
  })),
  fc
    .record({
      n: fc.nat(),
      depth: fc.constantFrom(50, 201, 5_000, 100_000),
      kind: fc.constantFrom<'array' | 'object'>('array', 'object'),
    })
    .map(({ n, depth, kind }) => ({
      name: `${kind}s nested ${depth} deep`,
      apply: (body: Json) => {
        const at = pick(valuesIn(body), n);
        return withRaw(body, at ? at[0] : ['deep'], nested(depth, kind));
      },
    })),
  fc.record({ n: fc.nat(), depth: fc.constantFrom(150, 250, 3_000) }).map(({ n, depth }) => ({
    name: `expr parentheses ${depth} deep`,
    apply: (body: Json) =>
      JSON.stringify(
        body.graph
          ? withValue(body, ['graph', 'expr'], `L = ${'('.repeat(depth)}x${')'.repeat(depth)}`)
          : { ...body, graph: { inputs: { x: n }, expr: `L = ${'('.repeat(depth)}x${')'.repeat(depth)}` } },
      ),
  })),
  fc
    .record({
      n: fc.nat(),
      to: fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        '__defineGetter__',
        'isPrototypeOf',
      ),
    })
    .map(({ n, to }) => ({
      name: `an id renamed ${to}`,
      apply: (body: Json, spec: Spec | undefined) => {
        const text = JSON.stringify(body);
        const from = spec?.spec.graph
          ? pick(
              spec.ids.filter((id) => !text.includes(`"${to}"`) && id.length > 1),
              n,
            )
          : undefined;
        return from ? renameId(text, from, to) : text;
      },
    })),
  fc
    .record({
      n: fc.nat(),
      text: fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
        fc.constantFrom('σ', 'ŷ', 'x\u0301', '😀', '\u202e', 'ｘ', 'L\u0000', '\ud800'),
      ),
    })
    .map(({ n, text }) => ({
      name: `a string replaced by unicode ${JSON.stringify(text)}`,
      apply: (body: Json) => {
        const at = pick(stringsIn(body), n);
        return JSON.stringify(at ? withValue(body, at[0], text) : { ...body, [text]: 1 });
      },
    })),
  fc
    .record({ n: fc.nat(), length: fc.constantFrom(300, 10_000, 200_000), key: fc.boolean() })
    .map(({ n, length, key }) => ({
      name: `a ${key ? 'key' : 'string'} of ${length} characters`,
      apply: (body: Json) => {
        const long = `a${'b_'.repeat(length / 2)}`;
        if (key && body.graph?.params) return JSON.stringify(withValue(body, ['graph', 'params', long], 1));
        const at = pick(stringsIn(body), n);
        return JSON.stringify(at ? withValue(body, at[0], long) : { ...body, template: long });
      },
    })),
  fc.record({ n: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }).map(({ n, value }) => ({
    name: `a value replaced by ${JSON.stringify(value)?.slice(0, 40)}`,
    apply: (body: Json) => {
      const at = pick(valuesIn(body), n);
      return JSON.stringify(at ? withValue(body, at[0], value) : body) ?? 'null';
    },
  })),
  fc.nat().map((n) => ({
    name: 'a field dropped',
    apply: (body: Json) => {
      const at = pick(valuesIn(body), n);
      return JSON.stringify(at ? withValue(body, at[0], DELETE) : {});
    },
  })),
  fc.constantFrom('graph', 'neuron', 'network', '__proto__', 'constructor', 'extra').map((key) => ({
    name: `a field ${key} added`,
    apply: (body: Json) =>
      JSON.stringify(withValue(body, [key], key === 'graph' ? { expr: 'L = 1' } : { x: 1, w: 1, b: 0, y: 1 })),
  })),
);
