/**
 * Dropout with the mask given, so that a result is reproducible and gradable: y = x * mask / (1 - p),
 * p the probability of DROPPING (PyTorch's convention; CS231n's p is the probability of keeping).
 * The mask is an ordinary input, so it gets the gradient PyTorch gives a tensor in that expression,
 * dL/dmask = x / (1 - p) * g (checked against torch 1.13 autograd).
 */
import { say } from '../../text.js';
import { type OpDef, OpDomainError } from '../op-def.js';
import { type Shape, sameShape, shapeText, sizeOf } from '../tensor.js';
import { positionText } from './axes.js';

const notZeroOrOne = (shape: Shape, at: number, value: number) =>
  new OpDomainError(
    say(
      `the dropout mask holds ${value} at ${positionText(shape, at)}: a mask holds only 0s (dropped) and 1s (kept)`,
      `a máscara de dropout tem ${value} em ${positionText(shape, at)}: uma máscara só tem 0 (descartado) e 1 (mantido)`,
    ),
  );

export const dropout = {
  kind: 'layer',
  role: 'dropout',
  args: ['x', 'mask'],
  attrs: [
    {
      name: 'p',
      default: 0.5,
      min: 0,
      below: 1,
      description: say(
        "The probability of dropping an element (PyTorch's p; CS231n's p is the probability of keeping it)",
        'A probabilidade de descartar um elemento (o p do PyTorch; o p do CS231n é a probabilidade de mantê-lo)',
      ),
    },
  ],
  description: say(
    'Inverted dropout with a given mask of 0s and 1s: the kept elements scaled by 1 / (1 - p)',
    'Dropout invertido com uma máscara dada de 0s e 1s: os elementos mantidos escalados por 1 / (1 - p)',
  ),
  formula: say(
    'x * mask / (1 - p), mask of 0s and 1s with the shape of x, p the probability of dropping',
    'x * mask / (1 - p), mask de 0s e 1s com a forma de x, p a probabilidade de descartar',
  ),
  derivative: say(
    'dL/dx = g * mask / (1 - p), dL/dmask = g * x / (1 - p) (the mask read as an ordinary tensor, as PyTorch does)',
    'dL/dx = g * mask / (1 - p), dL/dmask = g * x / (1 - p) (a máscara lida como um tensor comum, como faz o PyTorch)',
  ),
  shape: ([x, mask]) =>
    sameShape(x, mask)
      ? x
      : say(
          `the dropout mask ${shapeText(mask)} must have exactly the shape of x ${shapeText(x)}`,
          `a máscara de dropout ${shapeText(mask)} deve ter exatamente a forma de x ${shapeText(x)}`,
        ),
  cost: ([x, mask], out) => sizeOf(x) + sizeOf(mask) + sizeOf(out),
  forward: ([x, mask], out, attrs) => {
    const xd = x.data,
      md = mask.data,
      y = out.data,
      keep = 1 - attrs[0];
    for (let k = 0; k < md.length; k++) if (md[k] !== 0 && md[k] !== 1) throw notZeroOrOne(mask.shape, k, md[k]);
    for (let k = 0; k < y.length; k++) y[k] = (xd[k] * md[k]) / keep; // in PyTorch's order: (x * mask) / (1 - p)
  },
  vjp: (g, [x, mask], _y, [gx, gmask], attrs) => {
    const keep = 1 - attrs[0];
    for (let k = 0; k < g.data.length; k++) {
      const s = g.data[k] / keep;
      gx.data[k] += s * mask.data[k];
      gmask.data[k] += s * x.data[k];
    }
  },
  scalar: {
    f: (x, m, p) => {
      if (m !== 0 && m !== 1) throw notZeroOrOne([], 0, m);
      return (x * m) / (1 - p);
    },
    da: (_x, m, _y, p) => m / (1 - p),
    db: (x, _m, _y, p) => x / (1 - p),
  },
} satisfies OpDef;
