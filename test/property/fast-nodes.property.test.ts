/**
 * The graph's nodes are validated by hand (src/schemas/fast-nodes.ts), zod the rest of the body:
 * validate() must accept and refuse exactly what zod alone does (validateWithZod), with the same
 * paths, messages and suggestions. Bodies are mostly valid graphs with a few nodes broken in the
 * ways the Node schema refuses (a wrong type for each field, ids off the pattern or too long, an
 * empty or too long op, non-finite numbers, unknown and `__proto__` keys, attrs that are not a
 * record of finite numbers), and faults elsewhere in the body, which zod alone judges (inputs
 * among them: values of rank 0 to 5, some with one bad element or a row cut short).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GradientsBody, StepBody } from '../../src/schemas/operations.js';
import { isNode } from '../../src/schemas/fast-nodes.js';
import { validate } from '../../src/schemas/validate.js';
import { agrees, badId, goodId, junk, nonFinite, number, object, parse } from './bodies.js';
import { runs } from './support.js';

const op = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('add', 'mul', 'tanh', 'leaky_relu', 'nope', 'x'.repeat(64)) },
  fc.constantFrom('', 'x'.repeat(65)),
  junk,
);
const arg = fc.oneof({ weight: 3, arbitrary: goodId }, { weight: 2, arbitrary: number }, badId, nonFinite, junk);
const attrKey = fc.constantFrom('alpha', 'k'.repeat(64), 'k'.repeat(65), '__proto__', '', 'constructor');
const attrs = fc.oneof(
  fc.constant(object([['alpha', 0.1]])),
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(attrKey, fc.oneof({ weight: 4, arbitrary: number }, nonFinite, junk)), { maxLength: 3 })
      .map(object),
  },
  junk,
);

/**
 * A value of rank 0 to 5 (5 is one too deep), each dim 1 or 2; now and then one element replaced by
 * something the Value schema refuses (a non-number, a non-finite number, an empty list, a list too
 * deep) or a row cut short (ragged: the schema takes it, reading it refuses it).
 */
const tensorValue = fc
  .record({
    shape: fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 5 }),
    elements: fc.array(number, { minLength: 32, maxLength: 32 }),
    fault: fc.option(fc.oneof(junk, nonFinite, fc.constantFrom([], [[1]], 'ragged')), { freq: 3 }),
    at: fc.nat(),
  })
  .map(({ shape, elements, fault, at }) => {
    let k = 0;
    const build = (depth: number): unknown =>
      depth === shape.length
        ? elements[k++ % elements.length]
        : Array.from({ length: shape[depth] }, () => build(depth + 1));
    const value = build(0);
    if (fault === null || !Array.isArray(value)) return value;
    // Down to one list along the last elements, then its element `at` replaced, or the list cut.
    let list = value as unknown[];
    while (Array.isArray(list[list.length - 1])) list = list[list.length - 1] as unknown[];
    if (fault === 'ragged') list.length > 1 ? list.pop() : list.push(0);
    else list[at % list.length] = fault;
    return value;
  });

const validNode = fc
  .record({
    id: goodId,
    op: fc.constantFrom('add', 'mul', 'neg', 'x'.repeat(64)),
    args: fc.array(fc.oneof(goodId, number), { maxLength: 3 }),
  })
  .map(({ id, op, args }): [string, unknown][] => [
    ['id', id],
    ['op', op],
    ['args', args],
  ]);

/** One change to a valid node's entries: a field replaced, an arg added, attrs given, a key dropped or added. */
const change = fc.oneof(
  fc.record({ key: fc.constant('id'), value: fc.oneof(badId, junk, goodId) }),
  fc.record({ key: fc.constant('op'), value: op }),
  fc.record({ key: fc.constant('args'), value: fc.oneof(junk, fc.array(arg, { minLength: 1, maxLength: 3 })) }),
  fc.record({ key: fc.constant('attrs'), value: fc.oneof(attrs, fc.constant(undefined)) }),
  fc.record({ drop: fc.constantFrom('id', 'op', 'args') }),
  fc.record({ extra: fc.constantFrom('__proto__', 'Id', 'arg', 'attr', 'constructor') }),
);

/** A node valid but for one change. */
const node = fc.tuple(validNode, change).map(([entries, c]) => {
  if ('drop' in c) return object(entries.filter(([key]) => key !== c.drop));
  if ('extra' in c) return object([...entries, [c.extra, 1]]);
  return object([...entries.filter(([key]) => key !== c.key), [c.key, c.value]]);
});

/** A graph body: its nodes, and now and then a fault elsewhere (leaves, expr too, output, an unknown field, two specs). */
const body = fc
  .record({
    nodes: fc.oneof(
      { weight: 1, arbitrary: fc.array(validNode.map(object), { maxLength: 6 }) },
      { weight: 6, arbitrary: fc.array(fc.oneof(validNode.map(object), node), { minLength: 1, maxLength: 4 }) },
      { weight: 1, arbitrary: junk },
    ),
    inputs: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      fc.oneof(
        fc.constant(object([['x', 0.5]])),
        fc.constant(object([['__proto__', 1]])),
        fc.constant(object([['1x', 1]])),
        fc.constant(object([['x', 'a']])),
      ),
      { weight: 3, arbitrary: tensorValue.map((value) => object([['x', value]])) },
    ),
    fault: fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      fc.constantFrom('expr too', 'output', 'bad output', 'unknown field', 'two specs', 'include', 'body __proto__'),
    ),
  })
  .map(({ nodes, inputs, fault }) => {
    const graph: [string, unknown][] = [['nodes', nodes]];
    if (inputs) graph.push(['inputs', inputs]);
    if (fault === 'expr too') graph.push(['expr', 'y = x']);
    if (fault === 'output') graph.push(['output', 'x']);
    if (fault === 'bad output') graph.push(['output', 7]);
    if (fault === 'unknown field') graph.push(['node', []]);
    const top: [string, unknown][] = [['graph', object(graph)]];
    if (fault === 'two specs') top.push(['neuron', object([['x', 1]])]);
    if (fault === 'include') top.push(['include', ['x']]);
    if (fault === 'body __proto__') top.push(['__proto__', object([])]);
    return parse(object(top));
  });

describe('the graph nodes checked by hand', () => {
  it('accept and refuse what zod does, with its paths, messages and suggestions', () => {
    fc.assert(fc.property(body, agrees(GradientsBody)), runs(1500));
  });

  it('agree with zod in another body that holds a graph spec', () => {
    fc.assert(fc.property(body, agrees(StepBody)), runs(150));
  });

  it('accept a valid node, and a graph of valid nodes takes the hand-written path', () => {
    fc.assert(
      fc.property(fc.array(validNode.map(object), { minLength: 1, maxLength: 5 }), (nodes) => {
        const data = parse(object([['graph', object([['nodes', nodes]])]])) as { graph: { nodes: unknown[] } };
        expect(data.graph.nodes.every(isNode)).toBe(true);
        expect(validate(GradientsBody, data)).toEqual({ value: data });
      }),
      runs(100),
    );
  });
});
