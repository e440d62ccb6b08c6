import { describe, expect, it } from 'vitest';
import { compile } from '../../src/engine/compile.js';
import { SpecError } from '../../src/engine/errors.js';
import { networkDraft } from '../../src/specs/network.js';
import type { LayerSpec, NetworkSpec } from '../../src/specs/spec.js';

/** `id=op(args){attrs}` per node, as the draft writes them. */
const nodesOf = (spec: NetworkSpec): string[] =>
  networkDraft(spec).nodes.map((n) => `${n.id}=${n.op}(${n.args.join(',')})${n.attrs ? JSON.stringify(n.attrs) : ''}`);

const leavesOf = (spec: NetworkSpec): string[] =>
  networkDraft(spec).leaves.map((leaf) => `${leaf.kind} ${leaf.id} at ${leaf.path}`);

/** A batch of two 1-channel 4×4 images. */
const images = [0, 1].map((n) => [[0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (n + i - j) / 10))]);

const one = (layer: LayerSpec, x: NetworkSpec['x'] = images): NetworkSpec => ({
  x,
  y: 0,
  loss: 'mse',
  layers: [layer],
});

function errorOf(spec: NetworkSpec): SpecError {
  try {
    compile(networkDraft(spec));
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error('expected a SpecError');
}

describe('networkDraft: one layer of each kind', () => {
  it('dense (no kind, as today): W1, b1, z1 = linear(x, W1, b1), a1 = sigmoid(z1)', () => {
    const spec: NetworkSpec = { x: [1, 2], y: [0], layers: [{ W: [[1, 2]], b: [0] }] };
    expect(nodesOf(spec)).toEqual(['z1=linear(x,W1,b1)', 'a1=sigmoid(z1)', 'L=half_squared_error(a1,y)']);
    expect(leavesOf(spec)).toEqual([
      'input x at network.x',
      'input y at network.y',
      'param W1 at network.layers[0].W',
      'param b1 at network.layers[0].b',
    ]);
    expect(networkDraft(spec).layers).toEqual([{ kind: 'dense', W: 'W1', b: 'b1', z: 'z1', a: 'a1' }]);
    expect(networkDraft({ ...spec, layers: [{ kind: 'dense', W: [[1, 2]], b: [0] }] }).nodes).toEqual(
      networkDraft(spec).nodes,
    );
  });

  it('conv2d: W1 and b1, its stride and padding as attrs, identity unless it names an activation', () => {
    const W = [
      [
        [
          [1, 0],
          [0, 1],
        ],
      ],
    ];
    const spec = one({ kind: 'conv2d', W, b: [0.5], stride: 2, padding: 1 });
    expect(nodesOf(spec)).toEqual(['z1=conv2d(x,W1,b1){"stride":2,"padding":1}', 'a1=identity(z1)', 'L=mse(a1,y)']);
    expect(networkDraft(spec).layers).toEqual([{ kind: 'conv2d', W: 'W1', b: 'b1', z: 'z1', a: 'a1' }]);
    // Without b there is no b1; the defaults (stride 1, padding 0) are the op's.
    const bare = one({ kind: 'conv2d', W, activation: 'relu' });
    expect(nodesOf(bare)).toEqual(['z1=conv2d(x,W1)', 'a1=relu(z1)', 'L=mse(a1,y)']);
    expect(leavesOf(bare)).toEqual(['input x at network.x', 'input y at network.y', 'param W1 at network.layers[0].W']);
    expect(networkDraft(bare).layers).toEqual([{ kind: 'conv2d', W: 'W1', z: 'z1', a: 'a1' }]);
  });

  it('max_pool2d and avg_pool2d: kernel and stride as attrs, no params', () => {
    expect(nodesOf(one({ kind: 'max_pool2d', kernel: 2, stride: 1 }))).toEqual([
      'z1=max_pool2d(x){"kernel":2,"stride":1}',
      'a1=identity(z1)',
      'L=mse(a1,y)',
    ]);
    expect(nodesOf(one({ kind: 'avg_pool2d' }))).toEqual(['z1=avg_pool2d(x)', 'a1=identity(z1)', 'L=mse(a1,y)']);
    expect(networkDraft(one({ kind: 'avg_pool2d' })).layers).toEqual([{ kind: 'avg_pool2d', z: 'z1', a: 'a1' }]);
  });

  it('flatten: z1 = flatten(x)', () => {
    expect(nodesOf(one({ kind: 'flatten' }))).toEqual(['z1=flatten(x)', 'a1=identity(z1)', 'L=mse(a1,y)']);
  });

  it('batch_norm and layer_norm: params gamma1 and beta1, eps as an attr', () => {
    for (const kind of ['batch_norm', 'layer_norm'] as const) {
      const spec = one({ kind, gamma: [1, 1], beta: [0, 0], eps: 0.001, activation: 'tanh' }, [
        [1, 2],
        [3, 5],
      ]);
      expect(nodesOf(spec)).toEqual([`z1=${kind}(x,gamma1,beta1){"eps":0.001}`, 'a1=tanh(z1)', 'L=mse(a1,y)']);
      expect(leavesOf(spec).slice(2)).toEqual([
        'param gamma1 at network.layers[0].gamma',
        'param beta1 at network.layers[0].beta',
      ]);
      expect(networkDraft(spec).layers).toEqual([{ kind, gamma: 'gamma1', beta: 'beta1', z: 'z1', a: 'a1' }]);
    }
  });

  it('dropout: its mask is the input mask1, p an attr', () => {
    const spec = one({ kind: 'dropout', mask: [1, 0], p: 0.5 }, [2, 3]);
    expect(nodesOf(spec)).toEqual(['z1=dropout(x,mask1){"p":0.5}', 'a1=identity(z1)', 'L=mse(a1,y)']);
    expect(leavesOf(spec).slice(2)).toEqual(['input mask1 at network.layers[0].mask']);
    expect(networkDraft(spec).layers).toEqual([{ kind: 'dropout', mask: 'mask1', z: 'z1', a: 'a1' }]);
  });

  it('numbers the layers from 1 in order, each fed the one before', () => {
    const spec: NetworkSpec = {
      x: images,
      y: [
        [1, 0],
        [0, 1],
      ],
      loss: 'softmax_cross_entropy',
      layers: [
        { kind: 'conv2d', W: [[[[1]]], [[[2]]]], activation: 'relu' },
        { kind: 'max_pool2d' },
        { kind: 'flatten' },
        { W: [Array(8).fill(0.1), Array(8).fill(-0.1)], b: [0, 0], activation: 'identity' },
      ],
    };
    expect(nodesOf(spec)).toEqual([
      'z1=conv2d(x,W1)',
      'a1=relu(z1)',
      'z2=max_pool2d(a1)',
      'a2=identity(z2)',
      'z3=flatten(a2)',
      'a3=identity(z3)',
      'z4=linear(a3,W4,b4)',
      'a4=identity(z4)',
      'L=softmax_cross_entropy(a4,y)',
    ]);
    const paths = networkDraft(spec).paths;
    expect(paths).toEqual({
      kind: 'each',
      paths: [
        'network.layers[0]',
        'network.layers[0].activation',
        'network.layers[1]',
        'network.layers[1]',
        'network.layers[2]',
        'network.layers[2]',
        'network.layers[3]',
        'network.layers[3].activation',
        'network.loss',
      ],
    });
    // It compiles: [2,1,4,4] -> conv [2,2,4,4] -> pool [2,2,2,2] -> flatten [2,8] -> dense [2,2].
    expect(() => compile(networkDraft(spec))).not.toThrow();
  });
});

describe('networkDraft: errors name the layer', () => {
  it('a conv2d whose channels do not fit x is a 422 at network.layers[i]', () => {
    const e = errorOf({
      x: images,
      y: 0,
      layers: [{ kind: 'flatten' }, { kind: 'conv2d', W: [[[[1]], [[1]]]] }],
    });
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.errors[0].path).toBe('network.layers[1]');
  });

  it('a dense layer fed images without a flatten is refused at that layer', () => {
    const e = errorOf({ x: images, y: 0, layers: [{ kind: 'max_pool2d' }, { W: [[1, 2]], b: [0] }] });
    expect(e.errors[0].path).toBe('network.layers[1]');
  });

  it('a pool larger than its input, and a norm whose gamma does not fit', () => {
    expect(errorOf(one({ kind: 'max_pool2d', kernel: 5 })).errors[0].path).toBe('network.layers[0]');
    const norm = errorOf(one({ kind: 'batch_norm', gamma: [1, 1, 1], beta: [0, 0, 0] }, [[1, 2]]));
    expect(norm.errors[0].path).toBe('network.layers[0]');
  });

  it("a dropout mask that is not x's shape names the layer and the shapes", () => {
    const shape = errorOf(one({ kind: 'dropout', mask: [1, 0, 1] }, [1, 2]));
    expect(shape.errors[0].path).toBe('network.layers[0]');
    expect(shape.errors[0].message).toContain('[3]');
  });

  it('a parameter with a wrong value names its field', () => {
    const e = errorOf(one({ kind: 'conv2d', W: [[[[1, 2], [3]]]] }));
    expect(e.errors[0].path).toMatch(/^network\.layers\[0\]\.W/);
  });
});

describe('networkDraft: the target check', () => {
  const cnn = (y: NetworkSpec['y']): NetworkSpec => ({
    x: images,
    y,
    layers: [{ kind: 'conv2d', W: [[[[1]]]] }, { kind: 'flatten' }, { W: [Array(16).fill(0.1)], b: [0] }],
  });

  it('knows the output of a dense layer after a flatten: [N, n_out]', () => {
    expect(() => networkDraft(cnn([[1], [0]]))).not.toThrow();
    let error: unknown;
    try {
      networkDraft(cnn([1, 0]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).errors[0].path).toBe('network.y');
    expect((error as SpecError).extra).toEqual({ shapes: { y: [2], output: [2, 1] } });
  });

  it('keeps the check of a dense network as it was: [n_out] for one example, [B, n_out] for a batch', () => {
    const dense = (x: NetworkSpec['x'], y: NetworkSpec['y']): NetworkSpec => ({
      x,
      y,
      layers: [{ W: [[1, 2]], b: [0] }],
    });
    expect(() => networkDraft(dense([1, 2], [1]))).not.toThrow();
    expect(() => networkDraft(dense([1, 2], 1))).not.toThrow();
    expect(() => networkDraft(dense([[1, 2]], [1, 0]))).toThrow(SpecError);
  });

  it('leaves a last layer of another kind to compile, which infers the shapes', () => {
    const spec: NetworkSpec = { x: [[1, 2]], y: [[1, 2, 3]], loss: 'mse', layers: [{ kind: 'flatten' }] };
    expect(() => networkDraft(spec)).not.toThrow();
  });
});
