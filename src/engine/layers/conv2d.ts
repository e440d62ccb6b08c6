/**
 * conv2d: PyTorch's `F.conv2d(x, W, b, stride, padding)`, a cross-correlation with zero padding.
 *
 * Both passes are matrix products over patches, image by image (im2col.ts; K = C·KH·KW, P = H′·W′):
 *   forward   y_n (F x P)  = W (F x K) @ cols_n (K x P) + b
 *   dL/dW     (F x K)     += g_n @ cols_n^T, computed as its transpose cols_n @ g_n^T (K x F), so that
 *                            the big operand, the patches, is the one read as stored
 *   dL/dx     col2im(W^T @ g_n), each patch entry added back onto the pixel it came from
 *   dL/db_f   the sum of g over n and the output positions of channel f
 */
import { type Localized, say } from '../../text.js';
import { addProduct, asStored, asTransposed } from '../linalg.js';
import type { Attrs, OpDef } from '../op-def.js';
import { type Shape, shapeText, sizeOf } from '../tensor.js';
import { col2imAdd, im2col, outputSize, type Window } from './im2col.js';
import { scratch } from './scratch.js';

const COLS = 0,
  GRAD_W_T = 1;

/** The sizes of a conv2d of x [N, C, H, W] by W [F, C, KH, KW] (shapes already checked). */
function geometry(x: Shape, w: Shape, attrs: Attrs): Window & { N: number; F: number } {
  const [N, C, H, W] = x;
  const [F, , KH, KW] = w;
  const stride = attrs[0],
    padding = attrs[1];
  return {
    N,
    F,
    C,
    H,
    W,
    KH,
    KW,
    stride,
    padding,
    OH: outputSize(H, KH, stride, padding),
    OW: outputSize(W, KW, stride, padding),
  };
}

function conv2dShape(shapes: readonly Shape[], attrs: Attrs): Shape | Localized {
  const [x, w, b] = shapes;
  const both = `x ${shapeText(x)}, W ${shapeText(w)}`;
  if (x.length !== 4 || w.length !== 4) {
    return say(
      `conv2d needs x [N, C, H, W] and W [F, C, KH, KW], both of rank 4; got ${both}`,
      `conv2d precisa de x [N, C, H, W] e W [F, C, KH, KW], ambos de 4 dimensões; recebeu ${both}`,
    );
  }
  if (x[1] !== w[1]) {
    return say(
      `the channels differ: x ${shapeText(x)} has ${x[1]}, W ${shapeText(w)} has ${w[1]} (W is [F, C, KH, KW])`,
      `os canais diferem: x ${shapeText(x)} tem ${x[1]}, W ${shapeText(w)} tem ${w[1]} (W é [F, C, KH, KW])`,
    );
  }
  if (b !== undefined && !(b.length === 1 && b[0] === w[0])) {
    return say(
      `b ${shapeText(b)} does not fit W ${shapeText(w)}: b must be [${w[0]}], one per filter (x ${shapeText(x)})`,
      `b ${shapeText(b)} não combina com W ${shapeText(w)}: b deve ser [${w[0]}], um por filtro (x ${shapeText(x)})`,
    );
  }
  const padding = attrs[1];
  if (w[2] > x[2] + 2 * padding || w[3] > x[3] + 2 * padding) {
    const padded = `[${x[2] + 2 * padding}, ${x[3] + 2 * padding}]`;
    return say(
      `the kernel ${w[2]}x${w[3]} of W ${shapeText(w)} is larger than x ${shapeText(x)} with padding ${padding} (${padded})`,
      `o kernel ${w[2]}x${w[3]} de W ${shapeText(w)} é maior que x ${shapeText(x)} com padding ${padding} (${padded})`,
    );
  }
  const { N, F, OH, OW } = geometry(x, w, attrs);
  return [N, F, OH, OW];
}

export const conv2d: OpDef = {
  kind: 'layer',
  description: say(
    "A 2-D convolution layer, as PyTorch's F.conv2d (a cross-correlation: the kernel is not flipped)",
    'Uma camada de convolução 2-D, como o F.conv2d do PyTorch (uma correlação cruzada: o kernel não é invertido)',
  ),
  args: ['x', 'W', 'b'],
  minArgs: 2,
  attrs: [
    {
      name: 'stride',
      default: 1,
      integer: true,
      min: 1,
      description: say('The step between windows, in pixels', 'O passo entre janelas, em pixels'),
    },
    {
      name: 'padding',
      default: 0,
      integer: true,
      min: 0,
      description: say(
        'Zeros added on each side of the image, in pixels',
        'Zeros acrescentados de cada lado da imagem, em pixels',
      ),
    },
  ],
  formula: say(
    'y[n,f,h,w] = b[f] + sum_{c,i,j} W[f,c,i,j] · x[n,c,h·s−p+i, w·s−p+j] (x is 0 outside the image); x [N,C,H,W], W [F,C,KH,KW] -> y [N,F,H′,W′], H′ = floor((H + 2p − KH)/s) + 1',
    'y[n,f,h,w] = b[f] + soma_{c,i,j} W[f,c,i,j] · x[n,c,h·s−p+i, w·s−p+j] (x é 0 fora da imagem); x [N,C,H,W], W [F,C,KH,KW] -> y [N,F,H′,W′], H′ = floor((H + 2p − KH)/s) + 1',
  ),
  derivative: say(
    'dL/dW[f,c,i,j] = sum_{n,h,w} g[n,f,h,w] · x[n,c,h·s−p+i, w·s−p+j] (the correlation of x with g); dL/dx[n,c,·,·] = sum_f g[n,f] convolved with W[f,c] (each output spreads g · W back over its window); dL/db[f] = sum_{n,h,w} g[n,f,h,w]',
    'dL/dW[f,c,i,j] = soma_{n,h,w} g[n,f,h,w] · x[n,c,h·s−p+i, w·s−p+j] (a correlação de x com g); dL/dx[n,c,·,·] = soma_f g[n,f] convoluído com W[f,c] (cada saída espalha g · W de volta sobre sua janela); dL/db[f] = soma_{n,h,w} g[n,f,h,w]',
  ),
  shape: conv2dShape,
  cost: ([x, w, b], out) => {
    const [N, , OH, OW] = out;
    const K = w[1] * w[2] * w[3]; // C·KH·KW
    const patches = N * K * OH * OW; // the patch matrix, written then read
    return sizeOf(out) * K + patches + sizeOf(x) + sizeOf(w) + (b ? sizeOf(b) : 0) + sizeOf(out);
  },
  forward: ([x, w, b], out, attrs) => {
    const g = geometry(x.shape, w.shape, attrs);
    const { N, F, C, H, W, KH, KW, OH, OW } = g;
    const K = C * KH * KW,
      P = OH * OW;
    const y = out.data;
    for (let n = 0; n < N; n++)
      for (let f = 0; f < F; f++) y.fill(b ? b.data[f] : 0, (n * F + f) * P, (n * F + f + 1) * P);
    const cols = scratch(COLS, K * P);
    for (let n = 0; n < N; n++) {
      im2col(x.data, n * C * H * W, g, cols);
      addProduct(y.subarray(n * F * P, (n + 1) * F * P), asStored(w.data), asStored(cols), F, K, P);
    }
  },
  vjp: (grad, [x, w], _y, [gx, gw, gb], attrs) => {
    const g = geometry(x.shape, w.shape, attrs);
    const { N, F, C, H, W, KH, KW, OH, OW } = g;
    const K = C * KH * KW,
      P = OH * OW,
      imageSize = C * H * W;
    const cols = scratch(COLS, K * P);
    const gwT = scratch(GRAD_W_T, K * F).fill(0, 0, K * F);
    for (let n = 0; n < N; n++) {
      const gn = grad.data.subarray(n * F * P, (n + 1) * F * P);
      im2col(x.data, n * imageSize, g, cols);
      addProduct(gwT, asStored(cols), asTransposed(gn), K, P, F); // (dL/dW)^T += cols_n @ g_n^T
      cols.fill(0, 0, K * P);
      addProduct(cols, asTransposed(w.data), asStored(gn), K, F, P); // dL/dcols_n = W^T @ g_n
      col2imAdd(cols, g, gx.data, n * imageSize);
    }
    for (let f = 0; f < F; f++) for (let k = 0; k < K; k++) gw.data[f * K + k] += gwT[k * F + f];
    if (gb) {
      for (let n = 0; n < N; n++)
        for (let f = 0; f < F; f++) {
          let s = 0;
          for (let q = (n * F + f) * P, end = q + P; q < end; q++) s += grad.data[q];
          gb.data[f] += s;
        }
    }
  },
};
