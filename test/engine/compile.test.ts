import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/engine/errors.js';
import { backward, forward } from '../../src/engine/evaluate.js';
import { argCountOf, argsOf, attrsOf, positionOf, slotOf, view } from '../../src/engine/tape.js';
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

describe('compile: attrs', () => {
  const graphOf = (...nodes: NodeSpec[]) => ({
    graph: {
      inputs: {
        x: [
          [
            [
              [1, 2, 3],
              [4, 5, 6],
              [7, 8, 9],
            ],
          ],
        ],
        v: [1, 2, 3, 4],
        W: [
          [
            [
              [1, 0],
              [0, 1],
            ],
          ],
        ],
      },
      nodes,
    },
  });
  const attrsAt = (spec: Parameters<typeof compileSpec>[0], id: string): number[] => {
    const tape = compileSpec(spec);
    const k = positionOf(tape, slotOf(tape, id)!);
    return Array.from(attrsOf(tape, k));
  };

  it('fills in the defaults, in the op order, and keeps the attrs given', () => {
    expect(attrsAt(graphOf({ id: 'y', op: 'conv2d', args: ['x', 'W'] }), 'y')).toEqual([1, 0]);
    expect(attrsAt(graphOf({ id: 'y', op: 'conv2d', args: ['x', 'W'], attrs: { padding: 1 } }), 'y')).toEqual([1, 1]);
    expect(attrsAt(graphOf({ id: 'y', op: 'leaky_relu', args: ['v'], attrs: { alpha: 0.2 } }), 'y')).toEqual([0.2]);
    expect(attrsAt(graphOf({ id: 'y', op: 'relu', args: ['v'] }), 'y')).toEqual([]);
  });

  it("takes a pool's stride from its kernel when it is not given (defaultFrom)", () => {
    expect(attrsAt(graphOf({ id: 'y', op: 'max_pool2d', args: ['x'] }), 'y')).toEqual([2, 2]);
    expect(attrsAt(graphOf({ id: 'y', op: 'max_pool2d', args: ['x'], attrs: { kernel: 3 } }), 'y')).toEqual([3, 3]);
    expect(attrsAt(graphOf({ id: 'y', op: 'max_pool2d', args: ['x'], attrs: { kernel: 2, stride: 1 } }), 'y')).toEqual([
      2, 1,
    ]);
  });

  it('leaves an optional attr not given as NaN, and computes with it', () => {
    expect(attrsAt(graphOf({ id: 'y', op: 'sum', args: ['v'] }), 'y')).toEqual([Number.NaN]);
    const tape = compileSpec(graphOf({ id: 'y', op: 'slice', args: ['v'], attrs: { axis: 0, start: 1, end: -1 } }));
    expect(Array.from(view(tape, forward(tape), slotOf(tape, 'y')!).data)).toEqual([2, 3]);
  });

  it('refuses an attr of the wrong kind with INVALID_ATTR at its path, every one at once', () => {
    const e = errorOf(() =>
      compileSpec(
        graphOf(
          { id: 'a', op: 'conv2d', args: ['x', 'W'], attrs: { stride: 1.5, padding: -1 } },
          { id: 'b', op: 'max_pool2d', args: ['x'], attrs: { kernel: 0 } },
          { id: 'c', op: 'dropout', args: ['v', 'v'], attrs: { p: 1 } },
          { id: 'd', op: 'slice', args: ['v'], attrs: { axis: 0, start: 1 } },
          { id: 'e', op: 'batch_norm', args: ['v', 'v', 'v'], attrs: { eps: -1 } },
        ),
      ),
    );
    expect(e.code).toBe('INVALID_ATTR');
    expect(e.errors).toEqual([
      { path: 'graph.nodes[0].attrs.stride', message: "conv2d attr 'stride' must be an integer, got 1.5" },
      { path: 'graph.nodes[0].attrs.padding', message: "conv2d attr 'padding' must be at least 0, got -1" },
      { path: 'graph.nodes[1].attrs.kernel', message: "max_pool2d attr 'kernel' must be at least 1, got 0" },
      { path: 'graph.nodes[2].attrs.p', message: "dropout attr 'p' must be below 1, got 1" },
      { path: 'graph.nodes[3].attrs.end', message: "slice needs the attr 'end' (it needs axis, start, end)" },
      { path: 'graph.nodes[4].attrs.eps', message: "batch_norm attr 'eps' must be at least 0, got -1" },
    ]);
    expect(e.inLocale('pt-BR').errors[0].message).toBe(
      "o atributo 'stride' de conv2d deve ser um número inteiro, mas recebeu 1.5",
    );
  });

  it('keeps an unknown attr name a BAD_ATTR, as before', () => {
    const e = errorOf(() => compileSpec(graphOf({ id: 'y', op: 'conv2d', args: ['x', 'W'], attrs: { strides: 2 } })));
    expect(e.code).toBe('BAD_ATTR');
    expect(e.errors).toEqual([
      { path: 'graph.nodes[0].attrs.strides', message: "conv2d has no attr 'strides' (it takes stride, padding)" },
    ]);
  });

  it("gives an expr's attr errors the expr's path and position", () => {
    const e = errorOf(() =>
      compileSpec({
        graph: {
          inputs: {
            x: [
              [
                [
                  [1, 2],
                  [3, 4],
                ],
              ],
            ],
          },
          expr: 'y = max_pool2d(x, 1.5)',
        },
      }),
    );
    expect(e.code).toBe('INVALID_ATTR');
    expect(e.errors).toEqual([
      {
        path: 'graph.expr',
        message: "max_pool2d attr 'kernel' must be an integer, got 1.5 (line 1, column 5)",
      },
    ]);
  });
});

describe('compile: args', () => {
  const inputs = {
    x: [
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      ],
    ],
    W: [
      [
        [
          [1, 0],
          [0, 1],
        ],
      ],
    ],
    b: [0.5],
    p: [1, 2],
    q: [3],
    r: [4, 5, 6],
    s: [7],
  };
  const values = (nodes: NodeSpec[], id: string): number[] => {
    const tape = compileSpec({ graph: { inputs, nodes } });
    return Array.from(view(tape, forward(tape), slotOf(tape, id)!).data);
  };

  it('takes conv2d with or without its bias (minArgs), each node with exactly the args it gave', () => {
    // x ⋆ [[1, 0], [0, 1]]: each output the sum of an element and the one below-right of it.
    expect(values([{ id: 'y', op: 'conv2d', args: ['x', 'W'] }], 'y')).toEqual([6, 8, 12, 14]);
    expect(values([{ id: 'y', op: 'conv2d', args: ['x', 'W', 'b'] }], 'y')).toEqual([6.5, 8.5, 12.5, 14.5]);
    const tape = compileSpec({ graph: { inputs, nodes: [{ id: 'y', op: 'conv2d', args: ['x', 'W'] }] } });
    expect(argsOf(tape, 0).map((s) => tape.ids[s])).toEqual(['x', 'W']);
    expect(argCountOf(tape, 0)).toBe(2);
  });

  it('takes more than three args for a variadic op, and passes the gradient back to each', () => {
    const c: NodeSpec = { id: 'c', op: 'concat', args: ['p', 'q', 'r', 's', 'q'] };
    expect(values([c], 'c')).toEqual([1, 2, 3, 4, 5, 6, 7, 3]);
    // L = sum(c * k): dL/dc = k, split back to the args in order.
    const tape = compileSpec({
      graph: {
        inputs: { ...inputs, k: [1, 2, 3, 4, 5, 6, 7, 8] },
        nodes: [c, { id: 'w', op: 'mul', args: ['c', 'k'] }, { id: 'L', op: 'sum', args: ['w'] }],
      },
    });
    const v = forward(tape);
    const g = backward(tape, v);
    const grad = (id: string) => Array.from(view(tape, g, slotOf(tape, id)!).data);
    expect(argCountOf(tape, positionOf(tape, slotOf(tape, 'c')!))).toBe(5);
    expect(grad('p')).toEqual([1, 2]);
    expect(grad('q')).toEqual([3 + 8]); // used twice: both contributions
    expect(grad('r')).toEqual([4, 5, 6]);
    expect(grad('s')).toEqual([7]);
  });

  it('says how many args an op takes: exactly, one of two counts, or at least', () => {
    const arity = (node: NodeSpec) => {
      const e = errorOf(() => compileSpec({ graph: { inputs, nodes: [node] } }));
      expect(e.code).toBe('ARITY');
      return e.errors[0];
    };
    expect(arity({ id: 'y', op: 'add', args: ['p'] })).toEqual({
      path: 'graph.nodes[0].args',
      message: 'add takes 2 args (a, b), got 1',
    });
    expect(arity({ id: 'y', op: 'conv2d', args: ['x'] }).message).toBe('conv2d takes 2 or 3 args (x, W[, b]), got 1');
    expect(arity({ id: 'y', op: 'conv2d', args: ['x', 'W', 'b', 'b'] }).message).toBe(
      'conv2d takes 2 or 3 args (x, W[, b]), got 4',
    );
    expect(arity({ id: 'y', op: 'concat', args: ['p'] }).message).toBe('concat takes at least 2 args (a, ...), got 1');
    expect(
      errorOf(() => compileSpec({ graph: { inputs, nodes: [{ id: 'y', op: 'concat', args: ['p'] }] } })).inLocale(
        'pt-BR',
      ).errors[0].message,
    ).toBe('concat espera pelo menos 2 argumentos (a, ...), mas recebeu 1');
  });

  it('finds a cycle through the fourth arg of a node', () => {
    const e = errorOf(() =>
      compileSpec({
        graph: {
          inputs,
          nodes: [
            { id: 'c', op: 'concat', args: ['p', 'q', 'r', 'd'] },
            { id: 'd', op: 'neg', args: ['c'] },
          ],
        },
      }),
    );
    expect(e.code).toBe('CYCLE');
    expect([...(e.extra.cycle as string[])].sort()).toEqual(['c', 'd']);
  });
});

describe('compile: attrs of a node of scalars', () => {
  it('checks them against the shape rule too: the sum of a scalar over axis 3 is refused', () => {
    const e = errorOf(() =>
      compileSpec({ graph: { inputs: { x: 2 }, nodes: [{ id: 'y', op: 'sum', args: ['x'], attrs: { axis: 3 } }] } }),
    );
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.errors[0].path).toBe('graph.nodes[0]');
  });

  it('runs the all-scalar loop with each node reading its own attr', () => {
    const tape = compileSpec({
      graph: {
        inputs: { x: -2 },
        nodes: [
          { id: 'a', op: 'leaky_relu', args: ['x'], attrs: { alpha: 0.5 } },
          { id: 'b', op: 'relu', args: ['x'] },
          { id: 'c', op: 'leaky_relu', args: ['x'] },
          { id: 'L', op: 'add', args: ['a', 'c'] },
        ],
      },
    });
    expect(tape.allScalar).toBe(true);
    const v = forward(tape);
    expect([at(tape, v, 'a'), at(tape, v, 'b'), at(tape, v, 'c')]).toEqual([-1, 0, -0.02]);
    expect(at(tape, backward(tape, v), 'x')).toBe(0.5 + 0.01);
  });
});
