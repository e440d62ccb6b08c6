/**
 * validate() reads the numbers of a body's tensors by hand (src/schemas/by-hand.ts) and lets zod
 * judge the body with them stubbed: it must accept and refuse exactly what zod alone does
 * (validateWithZod), with the same paths, messages and suggestions. Bodies hold long tensors
 * (vectors, matrices, deeper arrays) in every spec, now and then with one element, row or level
 * broken in the ways the schemas refuse (a string, null, NaN or Infinity, an empty row, a number
 * where a row is due, a level too deep), and faults elsewhere, which zod alone judges.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExplainBody } from '../../src/schemas/explain.js';
import { GradeBody } from '../../src/schemas/grade.js';
import { GradcheckBody, GradientsBody, StepBody } from '../../src/schemas/operations.js';
import { RenderBody } from '../../src/schemas/render.js';
import { validate } from '../../src/schemas/validate.js';
import { agrees, goodId, junk, nonFinite, number, object, parse } from './bodies.js';
import { runs } from './support.js';

const element = fc.double({ min: -10, max: 10, noNaN: true });
const vector = (min = 16, max = 40) => fc.array(element, { minLength: min, maxLength: max });
const matrix = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 16, max: 30 }))
  .chain(([rows, cols]) => fc.array(vector(cols, cols), { minLength: rows, maxLength: rows }));
const deeper = fc.array(matrix, { minLength: 1, maxLength: 2 });

/** A tensor, valid or broken in one place. */
const tensor = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(vector(), matrix, deeper, number) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.oneof(vector(), matrix),
        fc.nat(),
        fc.nat(),
        fc.oneof(junk, nonFinite, fc.constant([]), fc.constant([[1]]), fc.constant('1')),
      )
      .map(([t, i, j, bad]) => {
        const copy = structuredClone(t) as unknown[];
        const row = i % copy.length;
        if (Array.isArray(copy[row])) {
          const inner = copy[row] as unknown[];
          inner[j % inner.length] = bad;
        } else copy[row] = bad;
        return copy;
      }),
  },
  { weight: 1, arbitrary: fc.constant([]) },
  {
    weight: 1,
    arbitrary: matrix.map((m) => [...m, m[0].slice(1)]), // ragged: the schema accepts it, the engine refuses it
  },
);

const leaves = fc.array(fc.tuple(goodId, tensor), { maxLength: 3 }).map(object);

const graph = fc.record({ inputs: leaves, params: leaves }).map(({ inputs, params }) =>
  object([
    ['inputs', inputs],
    ['params', params],
    ['expr', 'L = sum(x)'],
  ]),
);
const neuron = fc.record({ x: tensor, w: tensor }).map(({ x, w }) =>
  object([
    ['x', x],
    ['w', w],
    ['b', 0.1],
    ['y', 1],
  ]),
);
const dense = fc.record({ W: tensor, b: tensor, bad: fc.boolean() }).map(({ W, b, bad }) =>
  object([
    ['W', W],
    ['b', b],
    ['activation', bad ? 'sigmod' : 'relu'],
  ]),
);
/** The other layer kinds (a discriminated union on `kind`), their tensors and options now and then wrong, or an unknown kind. */
const otherLayer = fc.oneof(
  fc
    .record({ W: tensor, b: fc.option(tensor, { nil: undefined }), stride: fc.oneof(fc.constant(1), junk) })
    .map(({ W, b, stride }) =>
      object([
        ['kind', 'conv2d'],
        ['W', W],
        ['b', b],
        ['stride', stride],
      ]),
    ),
  fc.record({ gamma: tensor, beta: tensor }).map(({ gamma, beta }) =>
    object([
      ['kind', 'batch_norm'],
      ['gamma', gamma],
      ['beta', beta],
    ]),
  ),
  fc.record({ mask: tensor, p: fc.oneof(fc.constant(0.5), junk) }).map(({ mask, p }) =>
    object([
      ['kind', 'dropout'],
      ['mask', mask],
      ['p', p],
    ]),
  ),
  fc.constantFrom(object([['kind', 'flatten']]), object([['kind', 'conv']]), object([['kind', 7]])),
  fc.record({ W: tensor, b: tensor }).map(({ W, b }) =>
    object([
      ['kind', 'dense'],
      ['W', W],
      ['b', b],
    ]),
  ),
);
const layer = fc.oneof({ weight: 2, arbitrary: dense }, otherLayer);
const network = fc.record({ x: tensor, y: tensor, layers: fc.array(layer, { maxLength: 3 }) }).map(({ x, y, layers }) =>
  object([
    ['x', x],
    ['y', y],
    ['layers', layers],
  ]),
);

/** A body of one spec, now and then with a fault elsewhere (two specs, an unknown field, a `__proto__` key). */
const body = fc
  .record({
    spec: fc.oneof(
      graph.map((g) => ['graph', g] as [string, unknown]),
      neuron.map((n) => ['neuron', n] as [string, unknown]),
      network.map((n) => ['network', n] as [string, unknown]),
    ),
    fault: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      fc.constantFrom('two specs', 'unknown field', 'body __proto__', 'include'),
    ),
  })
  .map(({ spec, fault }) => {
    const top: [string, unknown][] = [spec];
    if (fault === 'two specs') top.push(['neuron', object([['x', 1]])]);
    if (fault === 'unknown field') top.push(['inclde', ['x']]);
    if (fault === 'body __proto__') top.push(['__proto__', object([])]);
    if (fault === 'include') top.push(['include', ['x']]);
    return parse(object(top));
  });

describe('the numbers of tensors checked by hand', () => {
  it('accept and refuse what zod does in /v1/gradients bodies, with its paths, messages and suggestions', () => {
    fc.assert(fc.property(body, agrees(GradientsBody)), runs(800));
  });

  for (const [route, schema] of Object.entries({
    step: StepBody,
    gradcheck: GradcheckBody,
    grade: GradeBody,
    explain: ExplainBody,
    render: RenderBody,
  })) {
    it(`agree with zod in /v1/${route} bodies`, () => {
      fc.assert(fc.property(body, agrees(schema)), runs(120));
    });
  }

  it('a valid network of long tensors takes the hand-written path, and gives back the body itself', () => {
    fc.assert(
      fc.property(matrix, vector(), (x, b) => {
        const data = parse(
          object([
            [
              'network',
              object([
                ['x', x],
                ['y', x],
                [
                  'layers',
                  [
                    object([
                      ['W', x],
                      ['b', b],
                    ]),
                  ],
                ],
              ]),
            ],
          ]),
        );
        expect(validate(GradientsBody, data)).toEqual({ value: data });
      }),
      runs(50),
    );
  });
});
