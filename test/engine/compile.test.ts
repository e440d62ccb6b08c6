import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/engine/errors.js';
import { backward, forward } from '../../src/engine/evaluate.js';
import { DEFAULT_LIMITS } from '../../src/engine/limits.js';
import { compileSpec } from '../../src/specs/index.js';
import type { NodeSpec } from '../../src/specs/spec.js';
import { at } from '../support/tape.js';

const errorOf = (f: () => unknown): SpecError => {
  try {
    f();
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('expected a SpecError');
};

describe('compile', () => {
  it('evaluates nodes written in any order', () => {
    const g = compileSpec({
      graph: {
        params: { a: 2 },
        nodes: [
          { id: 'c', op: 'mul', args: ['b', 3] },
          { id: 'b', op: 'add', args: ['a', 1] },
        ],
        output: 'c',
      },
    });
    const values = forward(g);
    expect(at(g, values, 'c')).toBe(9);
    expect(at(g, backward(g, values), 'a')).toBe(3);
  });

  it('defaults the output to the last node as written, not as ordered', () => {
    const g = compileSpec({
      graph: {
        params: { a: 2 },
        nodes: [
          { id: 'late', op: 'exp', args: ['early'] },
          { id: 'early', op: 'neg', args: ['a'] },
        ],
      },
    });
    expect(g.ids[g.output]).toBe('early');
  });

  it('treats ids such as __proto__ and constructor as data', () => {
    const inputs = JSON.parse('{"__proto__": 2, "constructor": 3}');
    const g = compileSpec({
      graph: { inputs, nodes: [{ id: 'toString', op: 'mul', args: ['__proto__', 'constructor'] }] },
    });
    expect(at(g, forward(g), 'toString')).toBe(6);
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
  });

  it('reports every unknown id at once, each with its path', () => {
    const e = errorOf(() =>
      compileSpec({
        graph: {
          inputs: { x: 1 },
          nodes: [
            { id: 'a', op: 'add', args: ['p', 'x'] },
            { id: 'b', op: 'add', args: ['a', 'q'] },
          ],
        },
      }),
    );
    expect(e.code).toBe('UNKNOWN_ID');
    expect(e.errors.map((p) => p.path)).toEqual(['graph.nodes[0].args[0]', 'graph.nodes[1].args[1]']);
  });

  it('names a self-loop as a cycle', () => {
    const e = errorOf(() =>
      compileSpec({ graph: { inputs: { x: 1 }, nodes: [{ id: 'a', op: 'add', args: ['a', 'x'] }] } }),
    );
    expect(e.code).toBe('CYCLE');
    expect(e.extra.cycle).toEqual(['a']);
  });

  it('finds a cycle of 100,000 nodes without recursion', () => {
    const n = 100_000;
    const nodes: NodeSpec[] = Array.from({ length: n }, (_, k) => ({
      id: `c${k}`,
      op: 'sin',
      args: [`c${(k + 1) % n}`],
    }));
    const e = errorOf(() => compileSpec({ graph: { nodes } }));
    expect(e.code).toBe('CYCLE');
    expect((e.extra.cycle as string[]).length).toBe(n);
  });
});

describe('evaluation of deep graphs', () => {
  it('runs a 300,000-node chain forward and backward without overflowing the stack', () => {
    // x_{k+1} = x_k + w: the output is x + n*w, so dOut/dw = n exactly.
    const n = 300_000;
    const nodes: NodeSpec[] = Array.from({ length: n }, (_, k) => ({
      id: `n${k + 1}`,
      op: 'add',
      args: [k === 0 ? 'x' : `n${k}`, 'w'],
    }));
    const g = compileSpec(
      { graph: { inputs: { x: 1 }, params: { w: 0.5 }, nodes } },
      { ...DEFAULT_LIMITS, maxNodes: n },
    );
    const values = forward(g);
    expect(values[g.offset[g.output]]).toBe(1 + n * 0.5);
    const grads = backward(g, values);
    expect(at(g, grads, 'w')).toBe(n);
    expect(at(g, grads, 'x')).toBe(1);
  });
});
