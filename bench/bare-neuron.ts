/**
 * The bare route's answer (servers.ts; http-neuron, http-grade): the service's /v1/gradients
 * response for the tutorial's scalar neuron (sigmoid, half squared error), written by hand.
 */
export interface Neuron {
  x: number;
  w: number;
  b: number;
  y: number;
}

/**
 * The service's /v1/gradients response for a scalar neuron (sigmoid, half squared error), by
 * hand: the same operations in the same order as the engine, so the same numbers.
 */
export function neuronGradients({ x, w, b, y }: Neuron) {
  const u = w * x;
  const z = u + b;
  const yHat = 1 / (1 + Math.exp(-z));
  const L = 0.5 * (yHat - y) * (yHat - y);
  const dYHat = yHat - y;
  const dY = y - yHat;
  const dSigmoid = yHat * (1 - yHat);
  const gZ = dYHat * dSigmoid;
  return {
    output: 'L',
    values: { x, y, w, b, u, z, y_hat: yHat, L },
    gradients: { x: gZ * w, y: dY, w: gZ * x, b: gZ, u: gZ, z: gZ, y_hat: dYHat, L: 1 },
    local: [
      { of: 'u', wrt: 'w', arg: 0, value: x },
      { of: 'u', wrt: 'x', arg: 1, value: w },
      { of: 'z', wrt: 'u', arg: 0, value: 1 },
      { of: 'z', wrt: 'b', arg: 1, value: 1 },
      { of: 'y_hat', wrt: 'z', arg: 0, value: dSigmoid },
      { of: 'L', wrt: 'y_hat', arg: 0, value: dYHat },
      { of: 'L', wrt: 'y', arg: 1, value: dY },
    ],
    warnings: [],
  };
}
