/**
 * conv2d against the definition written as plain loops (PyTorch's F.conv2d: a cross-correlation
 * with zero padding), and its vjp against central finite differences.
 */
import { describe, expect, it } from 'vitest';
import { conv2d } from '../../../src/engine/layers/conv2d.js';
import { type Shape, type Tensor, sizeOf, tensor, zeros } from '../../../src/engine/tensor.js';
import {
  expectVjpAdds,
  expectVjpMatchesFiniteDifferences,
  filled,
  shapeOf as layerShape,
  random,
  run,
} from './layer-check.js';

/** y[n,f,h,w] = b[f] + sum_{c,i,j} W[f,c,i,j] x[n,c,h·s−p+i,w·s−p+j], 0 outside x: the definition. */
function naiveConv(x: Tensor, W: Tensor, b: Tensor | undefined, s: number, p: number): Tensor {
  const [N, C, H, Wd] = x.shape;
  const [F, , KH, KW] = W.shape;
  const OH = Math.floor((H + 2 * p - KH) / s) + 1,
    OW = Math.floor((Wd + 2 * p - KW) / s) + 1;
  const y = zeros([N, F, OH, OW]);
  const at = (t: Tensor, i: number[]) => i.reduce((flat, d, axis) => flat * t.shape[axis] + d, 0);
  for (let n = 0; n < N; n++)
    for (let f = 0; f < F; f++)
      for (let h = 0; h < OH; h++)
        for (let w = 0; w < OW; w++) {
          let sum = b ? b.data[f] : 0;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const r = h * s - p + i,
                  q = w * s - p + j;
                if (r >= 0 && r < H && q >= 0 && q < Wd)
                  sum += W.data[at(W, [f, c, i, j])] * x.data[at(x, [n, c, r, q])];
              }
          y.data[at(y, [n, f, h, w])] = sum;
        }
  return y;
}

const shapeOf = (shapes: Shape[], attrs: number[]): Shape => layerShape(conv2d, shapes, attrs);

const forward = (args: Tensor[], attrs: number[]): Tensor => run(conv2d, args, attrs);

/** x [N,C,H,W], W [F,C,KH,KW], stride, padding: every case has N, C or F above 1 and most non-square. */
const CASES: { x: Shape; W: Shape; attrs: [number, number] }[] = [
  { x: [1, 1, 4, 4], W: [1, 1, 2, 2], attrs: [1, 0] },
  { x: [2, 3, 5, 4], W: [4, 3, 3, 2], attrs: [1, 0] },
  { x: [2, 3, 5, 6], W: [2, 3, 3, 3], attrs: [2, 1] },
  { x: [3, 2, 7, 5], W: [3, 2, 2, 3], attrs: [2, 0] },
  { x: [2, 2, 4, 3], W: [3, 2, 3, 3], attrs: [1, 1] },
  { x: [1, 2, 6, 7], W: [2, 2, 3, 2], attrs: [3, 2] },
  { x: [2, 1, 2, 3], W: [2, 1, 4, 4], attrs: [1, 1] }, // the kernel only fits with the padding
  { x: [2, 2, 5, 5], W: [5, 2, 1, 1], attrs: [2, 0] },
];

describe('conv2d', () => {
  it('computes H′ = floor((H + 2p − KH)/s) + 1 per axis', () => {
    expect(shapeOf([[2, 3, 28, 28], [6, 3, 5, 5], [6]], [1, 0])).toEqual([2, 6, 24, 24]);
    expect(
      shapeOf(
        [
          [2, 3, 5, 6],
          [2, 3, 3, 3],
        ],
        [2, 1],
      ),
    ).toEqual([2, 2, 3, 3]);
    expect(
      shapeOf(
        [
          [1, 1, 7, 4],
          [1, 1, 3, 2],
        ],
        [2, 0],
      ),
    ).toEqual([1, 1, 3, 2]);
  });

  it('works a 1-channel example out by hand', () => {
    // x = [[1,2,3],[4,5,6],[7,8,9]], W = [[1,0],[0,-1]], b = 10: y[h,w] = 10 + x[h,w] − x[h+1,w+1] = 6 everywhere.
    const x = tensor([1, 1, 3, 3], Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9));
    const W = tensor([1, 1, 2, 2], Float64Array.of(1, 0, 0, -1));
    const y = forward([x, W, tensor([1], Float64Array.of(10))], [1, 0]);
    expect(Array.from(y.data)).toEqual([6, 6, 6, 6]);
    // With padding 1 the corner y[0,0] sees only x[0,0] under W[1,1] = −1: y = −1; y[3,3] sees x[2,2] under W[0,0].
    const padded = forward([x, W], [1, 1]);
    expect(padded.shape).toEqual([1, 1, 4, 4]);
    expect(padded.data[0]).toBe(-1);
    expect(padded.data[15]).toBe(9);
  });

  it.each(CASES)('matches the definition on x $x, W $W, [stride, padding] $attrs', ({ x: xs, W: ws, attrs }) => {
    const next = random(sizeOf(xs) * 31 + sizeOf(ws));
    const x = filled(xs, next),
      W = filled(ws, next),
      b = filled([ws[0]], next);
    for (const args of [
      [x, W, b],
      [x, W],
    ]) {
      const y = forward(args, attrs);
      const expected = naiveConv(x, W, args[2], attrs[0], attrs[1]);
      expect(y.shape).toEqual(expected.shape);
      for (let k = 0; k < y.data.length; k++) expect(y.data[k]).toBeCloseTo(expected.data[k], 12);
    }
  });

  it.each(CASES)('has a vjp that matches finite differences on x $x, W $W, $attrs', ({ x: xs, W: ws, attrs }) => {
    const seed = sizeOf(xs) * 17 + sizeOf(ws);
    const next = random(seed);
    for (const withBias of [true, false]) {
      const args = [filled(xs, next), filled(ws, next), ...(withBias ? [filled([ws[0]], next)] : [])];
      expectVjpMatchesFiniteDifferences(conv2d, args, attrs, withBias ? seed : seed + 1);
    }
  });

  it('adds into the gradients it is given (a value used twice gets both contributions)', () => {
    const next = random(7);
    const args = [filled([2, 2, 5, 4], next), filled([3, 2, 3, 2], next), filled([3], next)];
    expectVjpAdds(conv2d, args, [2, 1], 8);
  });

  it('sends to the bias the sum of g over the batch and the positions of its filter', () => {
    const x = zeros([2, 1, 3, 3]),
      W = zeros([2, 1, 2, 2]),
      b = zeros([2]);
    const g = tensor(
      [2, 2, 2, 2],
      Float64Array.from({ length: 16 }, (_, k) => k),
    );
    const gx = [zeros(x.shape), zeros(W.shape), zeros(b.shape)];
    conv2d.vjp(g, [x, W, b], zeros(g.shape), gx, [1, 0]);
    // filter 0: positions 0-3 of image 0 and 8-11 of image 1; filter 1: 4-7 and 12-15.
    expect(Array.from(gx[2].data)).toEqual([0 + 1 + 2 + 3 + 8 + 9 + 10 + 11, 4 + 5 + 6 + 7 + 12 + 13 + 14 + 15]);
  });

  it('counts N·F·H′·W′·C·KH·KW multiply-adds per pass, plus the patches and the values read and written', () => {
    const shapes: Shape[] = [[64, 6, 12, 12], [16, 6, 5, 5], [16]];
    const out = shapeOf(shapes, [1, 0]);
    const macs = 64 * 16 * 8 * 8 * 6 * 5 * 5;
    const patches = 64 * 6 * 5 * 5 * 8 * 8;
    const io = 64 * 6 * 12 * 12 + 16 * 6 * 5 * 5 + 16 + 64 * 16 * 8 * 8;
    expect(conv2d.cost(shapes, out, [1, 0])).toBe(macs + patches + io);
  });

  describe('refuses, naming both shapes in both languages', () => {
    const refusal = (shapes: Shape[], attrs = [1, 0]) => {
      const message = conv2d.shape(shapes, attrs);
      if (!('en' in message)) throw new Error(`accepted ${JSON.stringify(shapes)}`);
      return message;
    };
    const namesBoth = (message: { en: string; 'pt-BR': string }, x: string, W: string) => {
      for (const text of [message.en, message['pt-BR']]) {
        expect(text).toContain(`x ${x}`);
        expect(text).toContain(`W ${W}`);
      }
    };

    it('ranks other than 4', () => {
      namesBoth(
        refusal([
          [3, 28, 28],
          [6, 3, 5, 5],
        ]),
        '[3, 28, 28]',
        '[6, 3, 5, 5]',
      );
      namesBoth(
        refusal([
          [1, 3, 28, 28],
          [6, 3, 5],
        ]),
        '[1, 3, 28, 28]',
        '[6, 3, 5]',
      );
      expect(
        refusal([
          [3, 28, 28],
          [6, 3, 5, 5],
        ])['pt-BR'],
      ).toMatch(/4 dimensões/);
    });

    it('channels of x and W that differ', () => {
      const message = refusal([
        [1, 3, 8, 8],
        [6, 2, 3, 3],
      ]);
      namesBoth(message, '[1, 3, 8, 8]', '[6, 2, 3, 3]');
      expect(message.en).toMatch(/channels/);
      expect(message['pt-BR']).toMatch(/canais/);
    });

    it('a b that is not [F]', () => {
      for (const b of [[5], [], [6, 1]])
        namesBoth(refusal([[1, 3, 8, 8], [6, 3, 3, 3], b]), '[1, 3, 8, 8]', '[6, 3, 3, 3]');
    });

    it('a kernel larger than the padded input', () => {
      namesBoth(
        refusal([
          [1, 1, 4, 8],
          [1, 1, 5, 3],
        ]),
        '[1, 1, 4, 8]',
        '[1, 1, 5, 3]',
      );
      namesBoth(
        refusal(
          [
            [1, 1, 8, 2],
            [1, 1, 3, 5],
          ],
          [1, 1],
        ),
        '[1, 1, 8, 2]',
        '[1, 1, 3, 5]',
      );
      expect(
        shapeOf(
          [
            [1, 1, 8, 3],
            [1, 1, 3, 5],
          ],
          [1, 1],
        ),
      ).toEqual([1, 1, 8, 1]);
    });
  });
});
