/**
 * Property-based tests through the HTTP app (fast-check): random JSON, random valid problems and
 * random mutations of them, sent to every POST route. Whatever the body, the answer comes within
 * a bound, is never a 5xx, and is what the served OpenAPI document says (a status documented for
 * the route, its content type, its headers, a body that Ajv finds valid for it). Each property
 * has a fixed number of runs; the seed is printed (test/property/support.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import {
  type Catalogue,
  type Route,
  SPEC_ROUTES,
  type Spec,
  anySpec,
  exerciseRequest,
  graphSpec,
  mutation,
  requestFor,
} from './arbitraries.js';
import { SchemaArbitraries } from './from-schema.js';
import { Contract, runs } from './support.js';

type Json = Record<string, any>;

const POST_ROUTES: Route[] = [...SPEC_ROUTES, '/v1/exercises'];

let app: Awaited<ReturnType<typeof buildTestApp>>;
let contract: Contract;
let catalogue: Catalogue;
let templates: string[];

beforeAll(async () => {
  // Every job on the event loop: fast, and the same answers (test/workers/placement.test.ts).
  app = await buildTestApp({ pool: false });
  contract = await Contract.of(app);
  catalogue = (await app.inject({ method: 'GET', url: '/v1/ops' })).json();
  templates = (await app.inject({ method: 'GET', url: '/v1/exercises/templates' }))
    .json()
    .templates.map((t: { id: string }) => t.id);
});
afterAll(() => app?.close());

const json = (res: { body: string }): Json => JSON.parse(res.body);

/** A spec and a valid request of `route` around it (exercises take a template and a seed instead). */
const validRequest = (route: Route) =>
  route === '/v1/exercises'
    ? exerciseRequest(templates).map((request) => ({ spec: undefined as Spec | undefined, request }))
    : anySpec(catalogue).chain((spec) =>
        requestFor(route, spec).map((request) => ({ spec: spec as Spec | undefined, request })),
      );

describe('Random JSON to every POST route', () => {
  const fields = [
    'graph',
    'neuron',
    'network',
    'answers',
    'learningRate',
    'steps',
    'epsilon',
    'include',
    'template',
    'seed',
    'nodes',
    'expr',
    'x',
    '__proto__',
  ];
  const body = fc.oneof(
    fc.jsonValue(),
    fc
      .dictionary(fc.oneof(fc.constantFrom(...fields), fc.string()), fc.jsonValue({ maxDepth: 3 }))
      .map((v) => v as unknown),
    // Not JSON at all, or JSON cut short.
    fc.string().map((text) => ({ raw: text })),
  );

  it('is answered in time, never with a 5xx, always as documented', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POST_ROUTES), body, async (route, value) => {
        const text =
          typeof value === 'object' && value !== null && 'raw' in value && Object.keys(value).length === 1
            ? String(value.raw)
            : JSON.stringify(value);
        const res = await contract.post(route, text);
        // Random JSON is almost never a valid request, and when it is not, a client error says why.
        if (res.statusCode >= 400) expect(json(res).status).toBe(res.statusCode);
      }),
      runs(300),
    );
  }, 60_000);
});

/**
 * What a valid request may still be refused for: random numbers outside an op's domain (bce of a
 * p outside [0, 1]), and a neuron's scalar output given to softmax_cross_entropy, which needs logits.
 */
const refusedForItsNumbers = (spec: Spec | undefined, code: string): boolean =>
  code === 'DOMAIN' || (spec?.spec.neuron !== undefined && code === 'SHAPE_MISMATCH');

describe.each(POST_ROUTES)('Valid requests to POST %s', (route) => {
  it("are computed (200), or refused by the ops' domains (422), as documented", async () => {
    await fc.assert(
      fc.asyncProperty(validRequest(route), async ({ spec, request }) => {
        const res = await contract.post(request.url, JSON.stringify(request.body));
        if (res.statusCode !== 200)
          expect(res.statusCode === 422 && refusedForItsNumbers(spec, json(res).code), res.body.slice(0, 300)).toBe(
            true,
          );
      }),
      runs(route === '/v1/render' ? 60 : 100),
    );
  }, 60_000);
});

describe('Ids named __proto__, constructor, toString...', () => {
  it('are ids like any other: renaming one changes neither the status nor a number of POST /v1/gradients', async () => {
    const special = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
    const cases = graphSpec(catalogue).chain((spec) =>
      fc.record({
        spec: fc.constant(spec),
        from: fc.constantFrom(...spec.ids),
        to: fc.constantFrom(...special.filter((id) => !spec.ids.includes(id))),
      }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ spec, from, to }) => {
        const text = JSON.stringify(spec.spec);
        const renamed = text.replace(new RegExp(`(?<![A-Za-z0-9_])${from}(?![A-Za-z0-9_])`, 'g'), to);
        const [before, after] = [
          await contract.post('/v1/gradients', text),
          await contract.post('/v1/gradients', renamed),
        ];
        expect(after.statusCode).toBe(before.statusCode);
        if (before.statusCode !== 200) return;
        const back = (map: Json) =>
          Object.fromEntries(Object.entries(map).map(([id, v]) => [id === to ? from : id, v]));
        expect(back(json(after).values)).toEqual(json(before).values);
        expect(back(json(after).gradients)).toEqual(json(before).gradients);
      }),
      runs(100),
    );
  }, 60_000);
});

describe("Bodies built from the document's own request schemas, as a generated client builds them", () => {
  const ID = '^[A-Za-z_][A-Za-z0-9_]*$';
  /** A nested array's shape, or null when its arrays at some depth differ in length (or mix numbers and arrays). */
  const shapeOf = (value: unknown): string | null => {
    if (!Array.isArray(value)) return '';
    const inner = value.map(shapeOf);
    return inner.every((s) => s !== null && s === inner[0]) ? `${value.length},${inner[0] ?? ''}` : null;
  };
  /** A tensor whose arrays at some depth differ in length: the one refusal JSON Schema cannot express. */
  const ragged = (value: unknown): boolean =>
    Array.isArray(value)
      ? (value.some(Array.isArray) && value.every(Array.isArray) && shapeOf(value) === null) || value.some(ragged)
      : value !== null && typeof value === 'object' && Object.values(value).some(ragged);

  it('are refused with a 400 exactly when Ajv refuses them (but for expr syntax and ragged tensors)', async () => {
    const doc = contract.validators.doc;
    const ops = catalogue.ops.map((op) => op.name);
    const schemas = new SchemaArbitraries(doc.components.schemas, {
      patterns: { [ID]: fc.constantFrom('x', 'y', 'w', 'b', 'u', 'z', 'L', 'y_hat', '__proto__', 'constructor') },
      text: fc.oneof(
        fc.constantFrom(
          ...ops,
          ...templates,
          'u = w*x; L = u^2',
          'L = x',
          'dL/dw',
          'step(w)',
          'fd(dL/dw)',
          'y_hat',
          '0,5',
          '1/8',
        ),
        fc.string({ maxLength: 8 }),
      ),
    });
    const bodies = fc.constantFrom(...POST_ROUTES).chain((route) =>
      fc.record({
        route: fc.constant(route),
        body: schemas.of(contract.validators.operation('POST', route).requestBody!.content['application/json'].schema!),
        // Half of them changed the way the findings were: a field dropped, one added, a value replaced.
        change: fc.option(
          fc.tuple(
            fc.nat(),
            fc.constantFrom('drop', 'graph', 'neuron', 'answers', 'value'),
            fc.jsonValue({ maxDepth: 2 }),
          ),
          { freq: 2 },
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async ({ route, body, change }) => {
        const sent = change ? changed(body as Json, ...change) : body;
        const validate = contract.validators.request('POST', route);
        const accepted = validate(sent);
        const res = await contract.post(route, JSON.stringify(sent));
        const why = `Ajv ${accepted ? 'accepts' : `refuses (${contract.validators.errorsOf(validate)})`}; the service answered ${res.statusCode} ${res.body.slice(0, 300)}`;
        if (!accepted) expect(res.statusCode, why).toBe(400);
        else if (res.statusCode === 400)
          expect(json(res).code === 'EXPR_SYNTAX' || (json(res).code === 'INVALID_VALUE' && ragged(sent)), why).toBe(
            true,
          );
      }),
      runs(250),
    );
  }, 60_000);
});

/** A body with one field dropped, a spec or answers added, or one value replaced: the shapes of the issue's 517 refusals. */
function changed(body: Json, n: number, how: string, value: unknown): Json {
  const copy = structuredClone(body);
  const objects: Json[] = [];
  const walk = (node: unknown) => {
    if (node !== null && typeof node === 'object') {
      if (!Array.isArray(node)) objects.push(node as Json);
      Object.values(node).forEach(walk);
    }
  };
  walk(copy);
  const target = objects[n % objects.length];
  const keys = Object.keys(target);
  if (how === 'drop' && keys.length) delete target[keys[n % keys.length]];
  else if (how === 'value' && keys.length) target[keys[n % keys.length]] = value;
  else if (how === 'graph') copy.graph = { inputs: { x: 1 }, expr: 'L = x', ...(n % 2 ? { nodes: [] } : {}) };
  else if (how === 'neuron') copy.neuron = { x: 1, w: 1, b: 0, y: 1 };
  else if (how === 'answers') copy.answers = {};
  return copy;
}

describe('Exercises', () => {
  it('are graded full marks with their own expected answers', async () => {
    await fc.assert(
      fc.asyncProperty(exerciseRequest(templates), async ({ body }) => {
        const exercise = json(await contract.post('/v1/exercises', JSON.stringify(body)));
        const graded = await contract.post(
          '/v1/grade',
          JSON.stringify({ ...exercise.problem, answers: exercise.answers }),
        );
        expect(json(graded)).toMatchObject({ score: 1, total: exercise.answerKeys.length });
      }),
      runs(60),
    );
  }, 60_000);
});

/** The answer's words change with the language, never its shape. */
const language = fc.constantFrom<Record<string, string>>(
  {},
  { 'accept-language': 'pt-BR' },
  { 'accept-language': 'pt-BR,pt;q=0.9,en;q=0.8' },
  { 'accept-language': 'fr' },
);

describe.each(POST_ROUTES)('Mutated requests to POST %s', (route) => {
  it('are answered in time, never with a 5xx, always as documented', async () => {
    await fc.assert(
      fc.asyncProperty(validRequest(route), mutation, language, async ({ spec, request }, { apply }, headers) => {
        await contract.post(request.url, apply(request.body, spec), headers);
      }),
      runs(route === '/v1/render' ? 80 : 120),
    );
  }, 60_000);
});

describe('With the worker pool: bodies parsed, validated and computed on worker threads', () => {
  let pooled: Awaited<ReturnType<typeof buildTestApp>>;
  let onWorkers: Contract;

  beforeAll(async () => {
    // Every compute body goes to a worker as text (offloadBody 0), and every job runs there (offloadWork 0).
    pooled = await buildTestApp({ pool: { threads: 2, queue: 16, budgetMs: 10_000 }, offloadBody: 0, offloadWork: 0 });
    onWorkers = await Contract.of(pooled);
  });
  afterAll(() => pooled?.close());

  it('answer valid and mutated requests in time, never with a 5xx, always as documented', async () => {
    const route = fc.constantFrom(...SPEC_ROUTES.filter((r) => r !== '/v1/render'));
    await fc.assert(
      fc.asyncProperty(
        route.chain(validRequest),
        fc.option(mutation, { freq: 3 }),
        async ({ spec, request }, change) => {
          const res = await onWorkers.post(
            request.url,
            change ? change.apply(request.body, spec) : JSON.stringify(request.body),
          );
          if (!change && res.statusCode !== 200)
            expect(res.statusCode === 422 && refusedForItsNumbers(spec, json(res).code), res.body.slice(0, 300)).toBe(
              true,
            );
        },
      ),
      runs(60),
    );
  }, 60_000);
});
