/**
 * The schema of a network's layers: one strict object per kind, chosen by `kind` (dense when a
 * layer names none), each error at its own field, in English and Brazilian Portuguese.
 */
import { describe, expect, it } from 'vitest';
import { GradientsBody } from '../../src/schemas/operations.js';
import { validate } from '../../src/schemas/validate.js';
import { SpecError } from '../../src/engine/errors.js';

const images = [
  [
    [
      [0.1, 0.2, 0.3, 0.4],
      [0.5, 0.6, 0.7, 0.8],
      [0.9, 1, 1.1, 1.2],
      [1.3, 1.4, 1.5, 1.6],
    ],
  ],
];

/** The errors of a network with these layers, in both languages; none when it is valid. */
function errorsOf(layers: unknown[], x: unknown = images) {
  const result = validate(GradientsBody, { network: { x, y: 0, layers } });
  if ('value' in result) return { en: [], pt: [] };
  expect(result.error).toBeInstanceOf(SpecError);
  expect(result.error.code).toBe('VALIDATION');
  return { en: result.error.errorsIn('en'), pt: result.error.errorsIn('pt-BR') };
}

describe('network.layers: the kinds', () => {
  it('takes one layer of each kind, and a dense layer with or without its kind', () => {
    const W = [
      [
        [
          [1, 0],
          [0, 1],
        ],
      ],
    ];
    for (const layer of [
      { kind: 'conv2d', W, b: [0], stride: 1, padding: 1, activation: 'relu' },
      { kind: 'conv2d', W },
      { kind: 'max_pool2d', kernel: 2, stride: 2 },
      { kind: 'avg_pool2d' },
      { kind: 'flatten' },
      { kind: 'batch_norm', gamma: [1], beta: [0], eps: 1e-5, activation: 'relu' },
      { kind: 'layer_norm', gamma: [1, 1, 1, 1], beta: [0, 0, 0, 0] },
      {
        kind: 'dropout',
        mask: [
          [
            [
              [1, 0, 1, 1],
              [1, 1, 1, 0],
              [0, 1, 1, 1],
              [1, 1, 1, 1],
            ],
          ],
        ],
        p: 0.2,
      },
    ])
      expect(errorsOf([layer]).en, layer.kind).toEqual([]);
    expect(errorsOf([{ W: [[1, 2]], b: [0] }], [1, 2]).en).toEqual([]);
    expect(errorsOf([{ kind: 'dense', W: [[1, 2]], b: [0], activation: 'tanh' }], [[1, 2]]).en).toEqual([]);
  });

  it('refuses an unknown kind at its field, naming the kinds and the nearest one', () => {
    const { en, pt } = errorsOf([{ kind: 'conv', W: [[[[1]]]] }]);
    expect(en).toHaveLength(1);
    expect(en[0].path).toBe('network.layers[0].kind');
    expect(en[0].message).toContain("unknown layer kind 'conv'; did you mean 'conv2d'?");
    expect(en[0].message).toContain('dense, conv2d, max_pool2d, avg_pool2d, flatten, batch_norm, layer_norm, dropout');
    expect(pt[0].path).toBe('network.layers[0].kind');
    expect(pt[0].message).toContain("tipo de camada desconhecido 'conv'; você quis dizer 'conv2d'?");
  });

  it('refuses a kind that is not a string, listing the kinds', () => {
    const { en } = errorsOf([{ kind: 3 }]);
    expect(en[0].path).toBe('network.layers[0].kind');
    expect(en[0].message).toContain('the kind is one of dense, conv2d');
  });

  it('wants the params of the kind: W of a conv2d, gamma of a norm, the mask of a dropout', () => {
    expect(errorsOf([{ kind: 'conv2d', b: [0] }]).en).toEqual([
      { path: 'network.layers[0].W', message: 'is required' },
    ]);
    expect(errorsOf([{ W: [[1]] }], [1]).en).toEqual([{ path: 'network.layers[0].b', message: 'is required' }]);
    expect(errorsOf([{ kind: 'batch_norm', beta: [0] }]).en).toEqual([
      { path: 'network.layers[0].gamma', message: 'is required' },
    ]);
    expect(errorsOf([{ kind: 'dropout' }]).pt).toEqual([{ path: 'network.layers[0].mask', message: 'é obrigatório' }]);
  });

  it("refuses a field of another kind, and a conv2d's W that is not [F, C, KH, KW]", () => {
    expect(errorsOf([{ kind: 'max_pool2d', padding: 1 }]).en[0]).toEqual({
      path: 'network.layers[0]',
      message: "unknown field 'padding'",
    });
    expect(errorsOf([{ kind: 'flatten', activation: 'relu' }]).en[0].message).toBe("unknown field 'activation'");
    expect(errorsOf([{ W: [[1]], b: [0], stride: 2 }], [1]).en[0].message).toMatch(/^unknown field 'stride'/);
    expect(errorsOf([{ kind: 'conv2d', W: [[1, 2]] }]).en[0].path).toMatch(/^network\.layers\[0\]\.W/);
  });

  it('checks the options as the ops check their attrs: integers, bounds', () => {
    const at = (layer: object) => errorsOf([layer]).en.map((e) => e.path);
    expect(at({ kind: 'conv2d', W: [[[[1]]]], stride: 0 })).toEqual(['network.layers[0].stride']);
    expect(at({ kind: 'conv2d', W: [[[[1]]]], padding: 0.5 })).toEqual(['network.layers[0].padding']);
    expect(at({ kind: 'conv2d', W: [[[[1]]]], padding: -1 })).toEqual(['network.layers[0].padding']);
    expect(at({ kind: 'max_pool2d', kernel: 0 })).toEqual(['network.layers[0].kernel']);
    expect(at({ kind: 'avg_pool2d', stride: 1.5 })).toEqual(['network.layers[0].stride']);
    expect(at({ kind: 'dropout', mask: [1], p: 1 })).toEqual(['network.layers[0].p']);
    expect(at({ kind: 'layer_norm', gamma: [1], beta: [0], eps: -1 })).toEqual(['network.layers[0].eps']);
  });

  it('takes x of rank 1 to 4, and refuses a number', () => {
    const flatten = [{ kind: 'flatten' }];
    for (const x of [[1], [[1]], [[[1]]], [[[[1]]]]]) expect(errorsOf(flatten, x).en, JSON.stringify(x)).toEqual([]);
    expect(errorsOf(flatten, 1).en[0].path).toBe('network.x');
    expect(errorsOf(flatten, [[[[[1]]]]]).en[0].path).toMatch(/^network\.x/);
  });
});
