/**
 * A small graph of each layer op, its result compared against a target by half_squared_error so
 * that every gradient is a tensor of distinct numbers: what the explanation tests explain.
 */
import type { OpName } from '../../../src/engine/ops.js';

type Value = number | Value[];
export interface LayerGraph {
  inputs: Record<string, Value>;
  params: Record<string, Value>;
  nodes: { id: string; op: string; args: (string | number)[]; attrs?: Record<string, number> }[];
}

/** The layer node `y = op(args)`, then `L = ½Σ(y − T)²`. */
const graph = (
  op: OpName,
  args: string[],
  inputs: Record<string, Value>,
  params: Record<string, Value>,
  T: Value,
  attrs?: Record<string, number>,
): LayerGraph => ({
  inputs: { ...inputs, T },
  params,
  nodes: [
    { id: 'y', op, args, attrs },
    { id: 'L', op: 'half_squared_error', args: ['y', 'T'] },
  ],
});

const image4 = [
  [
    [
      [0.5, -1, 2, 0.25],
      [1.5, 0, -0.5, 1],
      [-2, 0.75, 1, -1.25],
      [0.3, 2.5, -0.8, 0.6],
    ],
  ],
];

export const layerGraphs = {
  conv2d: graph(
    'conv2d',
    ['x', 'W', 'b'],
    { x: image4 },
    {
      W: [
        [
          [
            [1, -0.5],
            [0.25, 2],
          ],
        ],
      ],
      b: [0.1],
    },
    [
      [
        [
          [1, 0, -1],
          [0.5, 0.2, 0],
          [0, -0.3, 1],
        ],
      ],
    ],
  ),
  'conv2d (stride 2, padding 1)': graph(
    'conv2d',
    ['x', 'W', 'b'],
    { x: image4 },
    {
      W: [
        [
          [
            [1, -0.5, 0.3],
            [0.25, 2, -1],
            [0.5, 0, 1.5],
          ],
        ],
        [
          [
            [-1, 0.5, 0],
            [0.75, -2, 1],
            [0, 1, -0.5],
          ],
        ],
      ],
      b: [0.1, -0.2],
    },
    [
      [
        [
          [1, 0],
          [0.5, 0.2],
        ],
        [
          [0, -0.3],
          [1, 2],
        ],
      ],
    ],
    { stride: 2, padding: 1 },
  ),
  max_pool2d: graph('max_pool2d', ['x'], { x: image4 }, {}, [
    [
      [
        [0.5, -1],
        [1, 0],
      ],
    ],
  ]),
  avg_pool2d: graph('avg_pool2d', ['x'], { x: image4 }, {}, [
    [
      [
        [0.5, -1],
        [1, 0],
      ],
    ],
  ]),
  batch_norm: graph(
    'batch_norm',
    ['x', 'gamma', 'beta'],
    {
      x: [
        [1, 2],
        [3, -1],
        [0.5, 4],
      ],
    },
    { gamma: [1.5, -0.5], beta: [0.1, 0.2] },
    [
      [1, 0],
      [0, 1],
      [-1, 0.5],
    ],
  ),
  layer_norm: graph(
    'layer_norm',
    ['x', 'gamma', 'beta'],
    {
      x: [
        [1, 2, -0.5],
        [3, -1, 0.25],
      ],
    },
    { gamma: [1.5, -0.5, 2], beta: [0.1, 0.2, 0] },
    [
      [1, 0, 0.5],
      [0, 1, -1],
    ],
  ),
  dropout: graph(
    'dropout',
    ['x', 'm'],
    {
      m: [
        [1, 0, 1],
        [0, 1, 1],
      ],
    },
    {
      x: [
        [0.5, -1, 2],
        [1.5, 0.25, -0.75],
      ],
    },
    [
      [1, 0, -1],
      [0, 0.5, 0.25],
    ],
    { p: 0.25 },
  ),
  embedding: graph(
    'embedding',
    ['W', 'idx'],
    { idx: [1, 3, 1] },
    {
      W: [
        [0.1, 0.2],
        [-0.5, 1],
        [2, 0.3],
        [0.7, -1.2],
      ],
    },
    [
      [1, 0],
      [0, 1],
      [0.5, -0.5],
    ],
  ),
  flatten: graph(
    'flatten',
    ['x'],
    {},
    {
      x: [
        [
          [
            [0.5, -1],
            [2, 0.25],
          ],
          [
            [1.5, 0],
            [-0.5, 1],
          ],
        ],
      ],
    },
    [[1, 0, -1, 0.5, 0.2, 0, 0.3, -0.3]],
  ),
  slice: graph(
    'slice',
    ['x'],
    {},
    {
      x: [
        [0.5, -1, 2, 0.25],
        [1.5, 0, -0.5, 1],
      ],
    },
    [
      [1, 0],
      [0.5, -0.5],
    ],
    { axis: 1, start: 1, end: 3 },
  ),
  concat: graph(
    'concat',
    ['a', 'c'],
    {},
    {
      a: [[0.5], [-1]],
      c: [
        [2, 0.25],
        [1.5, 0],
      ],
    },
    [
      [1, 0, -1],
      [0.5, 0.2, 0],
    ],
    { axis: 1 },
  ),
  sum: graph(
    'sum',
    ['x'],
    {},
    {
      x: [
        [0.5, -1, 2],
        [1.5, 0, -0.5],
      ],
    },
    [1, -1],
    { axis: 1 },
  ),
  mean: graph(
    'mean',
    ['x'],
    {},
    {
      x: [
        [0.5, -1, 2],
        [1.5, 0, -0.5],
      ],
    },
    [1, -1, 0.5],
    { axis: 0 },
  ),
} satisfies Record<string, LayerGraph>;
