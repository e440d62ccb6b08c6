/**
 * A network of layer kinds through the HTTP app: the same numbers as the same graph written as
 * nodes (through the library, which shares no code with the network spec but the engine), and a
 * report per layer with what its kind has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradients } from '../../src/index.js';
import { exampleSpecs } from '../../src/schemas/examples.js';
import type { NodeSpec, ValueSpec } from '../../src/specs/spec.js';
import { buildTestApp } from '../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

type Json = Record<string, any>;

const send = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });

const post = async (url: string, payload: object): Promise<Json> => {
  const res = await send(url, payload);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

/** The example CNN written as graph nodes, by hand: what the network spec must compile to. */
function cnnAsGraph() {
  const { x, y, layers } = exampleSpecs.cnn as Json;
  const [conv, , , dense] = layers;
  const nodes: NodeSpec[] = [
    { id: 'z1', op: 'conv2d', args: ['x', 'W1', 'b1'], attrs: { padding: 1 } },
    { id: 'a1', op: 'relu', args: ['z1'] },
    { id: 'z2', op: 'max_pool2d', args: ['a1'], attrs: { kernel: 2 } },
    { id: 'z3', op: 'flatten', args: ['z2'] },
    { id: 'z4', op: 'linear', args: ['z3', 'W4', 'b4'] },
    { id: 'L', op: 'softmax_cross_entropy', args: ['z4', 'y'] },
  ];
  const params: Record<string, ValueSpec> = { W1: conv.W, b1: conv.b, W4: dense.W, b4: dense.b };
  return { graph: { inputs: { x, y }, params, nodes, output: 'L' } };
}

describe('POST /v1/gradients: the example CNN (conv2d, relu, max_pool2d, flatten, dense, softmax cross-entropy)', () => {
  it('has the L and the gradients of the same graph written as nodes', async () => {
    const network = await post('/v1/gradients', { network: exampleSpecs.cnn });
    const graph = gradients(cnnAsGraph());
    expect(network.values.L).toBeCloseTo(graph.values.L as number, 12);
    for (const id of ['W1', 'b1', 'W4', 'b4', 'x']) expect(network.gradients[id], id).toEqual(graph.gradients[id]);
    expect(network.values.z4).toEqual(graph.values.z4);
    expect(network.values.z2).toEqual(graph.values.z2);
  });

  it('reports each layer with z and a, dL/da and dL/dz, and the gradients of the params its kind has', async () => {
    const { layers, values, gradients: g } = await post('/v1/gradients', { network: exampleSpecs.cnn });
    // conv2d, max_pool2d, flatten, dense: the dense layer's report is today's.
    expect(layers.map((l: Json) => Object.keys(l))).toEqual([
      ['z', 'a', 'dL/da', 'dL/dz', 'dL/dW', 'dL/db'],
      ['z', 'a', 'dL/da', 'dL/dz'],
      ['z', 'a', 'dL/da', 'dL/dz'],
      ['z', 'a', 'dL/da', 'dL/dz', 'dL/dW', 'dL/db'],
    ]);
    layers.forEach((layer: Json, i: number) => {
      const k = i + 1;
      expect(layer.z).toEqual(values[`z${k}`]);
      expect(layer.a).toEqual(values[`a${k}`]);
      expect(layer['dL/da']).toEqual(g[`a${k}`]);
      expect(layer['dL/dz']).toEqual(g[`z${k}`]);
      if (layer['dL/dW']) expect(layer['dL/dW']).toEqual(g[`W${k}`]);
      if (layer['dL/db']) expect(layer['dL/db']).toEqual(g[`b${k}`]);
    });
    // [2,1,6,6] -> conv 3×3, padding 1 [2,2,6,6] -> pool [2,2,3,3] -> flatten [2,18] -> dense [2,3].
    expect([layers[0].z.length, layers[0].z[0].length, layers[0].z[0][0].length]).toEqual([2, 2, 6]);
    expect(layers[2].z.map((row: number[]) => row.length)).toEqual([18, 18]);
  });

  it('passes gradcheck (no relu kink or pooling tie near the example)', async () => {
    const body = await post('/v1/gradcheck', { network: exampleSpecs.cnn });
    expect(body.pass).toBe(true);
    expect(new Set(body.results.map((r: Json) => r.id))).toEqual(new Set(['W1', 'b1', 'W4', 'b4']));
  });

  it('/v1/forward reports the layers without gradients', async () => {
    const { layers } = await post('/v1/forward', { network: exampleSpecs.cnn });
    expect(layers.map((l: Json) => Object.keys(l))).toEqual(Array(4).fill(['z', 'a']));
  });
});

describe('POST /v1/gradients: norms, dropout and avg pooling', () => {
  /** [3, 1, 2, 8]: pooled 2×2 to [3, 1, 1, 4], flattened to [3, 4]. */
  const x = [
    [
      [
        [0.1, -0.2, 0.3, 0.4, -0.6, 0.2, 0.7, 0.1],
        [0.5, 0.2, -0.1, 0.3, 0.2, -0.3, 0.4, 0.6],
      ],
    ],
    [
      [
        [-0.3, 0.1, 0.2, -0.4, 0.3, 0.5, -0.2, 0.1],
        [0.2, 0.6, -0.5, 0.1, -0.1, 0.4, 0.3, -0.7],
      ],
    ],
    [
      [
        [0.4, 0.3, -0.2, 0.1, 0.6, -0.4, 0.2, 0.3],
        [-0.1, 0.2, 0.5, -0.3, 0.1, 0.2, -0.5, 0.4],
      ],
    ],
  ];
  const mask = [
    [1, 0, 1, 1],
    [0, 1, 1, 1],
    [1, 1, 0, 1],
  ];
  const network = {
    x,
    y: [
      [0.5, -0.5],
      [0.1, 0.2],
      [-0.3, 0.4],
    ],
    loss: 'mse',
    layers: [
      { kind: 'batch_norm', gamma: [1.5], beta: [0.1], activation: 'tanh' },
      { kind: 'avg_pool2d', kernel: 2, stride: 2 },
      { kind: 'flatten' },
      { kind: 'dropout', mask, p: 0.25 },
      { kind: 'layer_norm', gamma: [1, 0.5, -1, 2], beta: [0, 0.1, 0, -0.1], eps: 0.001 },
      {
        W: [
          [0.3, -0.2, 0.1, 0.4],
          [-0.1, 0.5, 0.2, -0.3],
        ],
        b: [0, 0.1],
        activation: 'identity',
      },
    ],
  };
  /** The same layers as graph nodes, with the ids the network gives them. */
  const graph = {
    graph: {
      inputs: { x, y: network.y, mask4: mask },
      params: {
        gamma1: [1.5],
        beta1: [0.1],
        gamma5: network.layers[4].gamma!,
        beta5: network.layers[4].beta!,
        W6: network.layers[5].W!,
        b6: network.layers[5].b!,
      },
      nodes: <NodeSpec[]>[
        { id: 'z1', op: 'batch_norm', args: ['x', 'gamma1', 'beta1'] },
        { id: 'a1', op: 'tanh', args: ['z1'] },
        { id: 'z2', op: 'avg_pool2d', args: ['a1'], attrs: { kernel: 2, stride: 2 } },
        { id: 'z3', op: 'flatten', args: ['z2'] },
        { id: 'z4', op: 'dropout', args: ['z3', 'mask4'], attrs: { p: 0.25 } },
        { id: 'z5', op: 'layer_norm', args: ['z4', 'gamma5', 'beta5'], attrs: { eps: 0.001 } },
        { id: 'z6', op: 'linear', args: ['z5', 'W6', 'b6'] },
        { id: 'L', op: 'mse', args: ['z6', 'y'] },
      ],
    },
  };

  it('numbers params and masks by layer, and has the graph’s L and gradients', async () => {
    const body = await post('/v1/gradients', { network });
    expect(Object.keys(body.values).slice(0, 9)).toEqual([
      'x',
      'y',
      'gamma1',
      'beta1',
      'mask4',
      'gamma5',
      'beta5',
      'W6',
      'b6',
    ]);
    const expected = gradients(graph);
    expect(body.values.L).toBeCloseTo(expected.values.L as number, 12);
    for (const id of ['gamma1', 'beta1', 'gamma5', 'beta5', 'W6', 'b6', 'x', 'mask4'])
      expect(body.gradients[id], id).toEqual(expected.gradients[id]);
    for (const k of [1, 2, 3, 4, 5, 6]) expect(body.values[`z${k}`]).toEqual(expected.values[`z${k}`]);
  });

  it('reports dL/dgamma and dL/dbeta for the norms, and nothing of a param for pool, flatten and dropout', async () => {
    const { layers, gradients: g } = await post('/v1/gradients', { network });
    // batch_norm, avg_pool2d, flatten, dropout, layer_norm, dense.
    expect(layers.map((l: Json) => Object.keys(l).slice(4))).toEqual([
      ['dL/dgamma', 'dL/dbeta'],
      [],
      [],
      [],
      ['dL/dgamma', 'dL/dbeta'],
      ['dL/dW', 'dL/db'],
    ]);
    expect(layers[0]['dL/dgamma']).toEqual(g.gamma1);
    expect(layers[4]['dL/dbeta']).toEqual(g.beta5);
    // The pool's a is its z: identity by default for the kinds other than dense.
    expect(layers[1].a).toEqual(layers[1].z);
  });
});

describe('a network that does not fit: errors at network.layers[i]', () => {
  it('a conv2d whose channels are not those of x is a 422 naming the layer', async () => {
    const res = await send('/v1/gradients', {
      network: {
        x: [
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ],
        y: 0,
        layers: [{ kind: 'conv2d', W: [[[[1]], [[1]]]] }],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].path).toBe('network.layers[0]');
  });

  it('a dropout mask that is not 0/1 is a 422 naming the layer', async () => {
    const res = await send('/v1/forward', {
      network: {
        x: [1, 2],
        y: [1],
        layers: [
          { kind: 'dropout', mask: [1, 0.5] },
          { W: [[1, 1]], b: [0] },
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].path).toBe('network.layers[0]');
  });

  it('a target that does not fit a dense layer after a flatten is a 422 at network.y', async () => {
    const { x, layers } = exampleSpecs.cnn as Json;
    const res = await send('/v1/gradients', { network: { x, y: [1, 0, 0], layers, loss: 'softmax_cross_entropy' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].path).toBe('network.y');
    expect(res.json().errors[0].message).toContain('[2, 3]');
  });
});
