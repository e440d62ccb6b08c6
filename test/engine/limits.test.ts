/**
 * The engine's limits as errors (the HTTP answers are test/operations/limits.test.ts): a request over
 * one of `Limits` is a TOO_LARGE SpecError whose field error carries which limit, the count and
 * the maximum, with a message that names the maximum in each language and no setting nor route,
 * for a library caller passes `limits`, not environment variables. The edge adds the setting's
 * name after the maximum (`namingSetting`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LocalizedFieldError, SpecError } from '../../src/engine/errors.js';
import {
  DEFAULT_LIMITS,
  type Limits,
  checkResponseBytes,
  checkResponseSize,
  checkWork,
  namingSetting,
} from '../../src/engine/limits.js';
import { compileSpec, type SpecFields } from '../../src/specs/index.js';
import { say } from '../../src/text.js';

const refusal = (f: () => unknown): SpecError => {
  try {
    f();
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('expected a SpecError');
};

/** The one field error of compiling `spec` under `limits`. */
function overLimit(spec: SpecFields, limits: Partial<Limits>): LocalizedFieldError {
  const e = refusal(() => compileSpec(spec, { ...DEFAULT_LIMITS, ...limits }));
  expect(e.code).toBe('TOO_LARGE');
  expect(e.localized).toHaveLength(1);
  return e.localized[0];
}

/** r [3] times c [2, 1] broadcasts to o [2, 3]: 6 elements; the leaves hold 5, L one more. */
const outer: SpecFields = {
  graph: {
    inputs: { r: [1, 2, 3], c: [[1], [2]] },
    nodes: [
      { id: 'o', op: 'mul', args: ['r', 'c'] },
      { id: 'L', op: 'sum', args: ['o'] },
    ],
  },
};
const neuron: SpecFields = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
/** One pass over the neuron: u = w*x (3), z = u + b (3), y_hat = sigmoid(z) (2), L = ½(y_hat - y)² (3). */
const P = 11;

describe('compile over a limit', () => {
  it('maxNodes: the count of nodes and the limit, in both languages', () => {
    expect(overLimit(outer, { maxNodes: 1 })).toEqual({
      path: 'graph',
      message: say('2 nodes is more than the limit of 1', '2 nós excedem o limite de 1'),
      limit: { name: 'maxNodes', count: 2, max: 1 },
    });
  });

  it('maxElements: a node, and a leaf as a node', () => {
    expect(overLimit(outer, { maxElements: 5 })).toEqual({
      path: 'graph.nodes[0]',
      message: say(
        "'o' would hold 6 elements ([2, 3]), more than the limit of 5",
        "'o' teria 6 elementos ([2, 3]), mais que o limite de 5",
      ),
      limit: { name: 'maxElements', count: 6, max: 5 },
    });
    expect(overLimit(outer, { maxElements: 2 })).toMatchObject({
      path: 'graph.inputs.r',
      limit: { name: 'maxElements', count: 3, max: 2 },
    });
  });

  it('maxTotalElements: r (3), c (2), o (6) and L (1) hold 12 together', () => {
    expect(overLimit(outer, { maxTotalElements: 11 })).toMatchObject({
      path: 'graph',
      limit: { name: 'maxTotalElements', count: 12, max: 11 },
    });
  });

  it('maxWork: one pass over the graph', () => {
    expect(overLimit(neuron, { maxWork: P - 1 })).toEqual({
      path: 'neuron',
      message: say(
        `one pass over this graph needs about ${P} element operations, more than the limit of ${P - 1}: use a smaller graph`,
        `percorrer este grafo uma vez precisa de cerca de ${P} operações com elementos, mais que o limite de ${P - 1}: use um grafo menor`,
      ),
      limit: { name: 'maxWork', count: P, max: P - 1 },
    });
  });
});

describe("an operation's checks before computing", () => {
  const tape = compileSpec(neuron);
  const less = say('ask for less', 'peça menos');
  const limits = { ...DEFAULT_LIMITS, maxWork: 30, maxResponseValues: 10, maxResponseBytes: 2000 };

  it.each([
    ['checkWork', () => checkWork(tape, 3, limits, less), { name: 'maxWork', count: 3 * P, max: 30 }],
    [
      'checkResponseSize',
      () => checkResponseSize(tape, 11, limits, less),
      { name: 'maxResponseValues', count: 11, max: 10 },
    ],
    [
      'checkResponseBytes',
      () => checkResponseBytes(tape, 2001, limits, less),
      { name: 'maxResponseBytes', count: 2001, max: 2000 },
    ],
  ])('%s carries the limit, and says how to ask for less', (_name, check, limit) => {
    const e = refusal(check);
    expect(e.code).toBe('TOO_LARGE');
    expect(e.localized[0]).toMatchObject({ path: 'neuron', limit });
    expect(e.localized[0].message.en).toMatch(new RegExp(`more than the limit of ${limit.max}: ask for less$`));
    expect(e.localized[0].message['pt-BR']).toMatch(new RegExp(`mais que o limite de ${limit.max}: peça menos$`));
  });

  it('passes what is within each limit', () => {
    expect(() => checkWork(tape, 2, limits, less)).not.toThrow();
    expect(() => checkResponseSize(tape, 10, limits, less)).not.toThrow();
    expect(() => checkResponseBytes(tape, 2000, limits, less)).not.toThrow();
  });
});

describe('namingSetting', () => {
  it("adds the setting's name right after the maximum, in each language", () => {
    const { message, limit } = overLimit(neuron, { maxWork: 6 });
    expect(namingSetting(message, limit!, 'MAX_WORK')).toEqual(
      say(
        `one pass over this graph needs about ${P} element operations, more than the limit of 6 (MAX_WORK): use a smaller graph`,
        `percorrer este grafo uma vez precisa de cerca de ${P} operações com elementos, mais que o limite de 6 (MAX_WORK): use um grafo menor`,
      ),
    );
  });
});

describe('the messages of src/engine/', () => {
  const src = resolve(import.meta.dirname, '../../src');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
    );
  /** Code lines, not comments: what can end up in a message. */
  const codeLines = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => ({ where: `${relative(src, file)}:${i + 1}`, line: line.trim() }))
      .filter(({ line }) => !/^(\/\/|\/\*|\*)/.test(line));

  it('name no setting and no route: the edge does (src/http/problem.ts)', () => {
    const lines = files(join(src, 'engine')).flatMap(codeLines);
    expect(lines.length).toBeGreaterThan(1000);
    const naming = lines.filter(({ line }) => /\(MAX_[A-Z_]+\)|\b(GET|POST) \/v1\//.test(line));
    expect(naming.map(({ where, line }) => `${where}: ${line}`)).toEqual([]);
  });
});
