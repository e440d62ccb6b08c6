/**
 * The tutorial's exercise (x = 3, w = -0.2, b = 0.4, y = 0) in each spec form, prefilled in
 * Swagger UI so that every route can be tried as it is.
 */
const neuron = { x: 3, w: -0.2, b: 0.4, y: 0, activation: 'sigmoid', loss: 'half_squared_error' };

const graph = {
  inputs: { x: 3, y: 0 },
  params: { w: -0.2, b: 0.4 },
  nodes: [
    { id: 'u', op: 'mul', args: ['w', 'x'] },
    { id: 'z', op: 'add', args: ['u', 'b'] },
    { id: 'y_hat', op: 'sigmoid', args: ['z'] },
    { id: 'L', op: 'half_squared_error', args: ['y_hat', 'y'] },
  ],
  output: 'L',
};

const expr = {
  inputs: { x: 3, y: 0 },
  params: { w: -0.2, b: 0.4 },
  expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2',
};

const network = {
  x: [[0.5, -1.0]],
  y: [[1.0]],
  loss: 'mse',
  layers: [
    { W: [[0.1, 0.2], [0.3, -0.4]], b: [0, 0.1], activation: 'relu' },
    { W: [[0.5, -0.5]], b: [0.2], activation: 'sigmoid' },
  ],
};

type Extra = Record<string, unknown>;

/** OpenAPI named examples (`x-examples` becomes the media type's `examples` in @fastify/swagger). */
export function problemExamples(extra: Extra = {}, extraFor: Partial<Record<'neuron' | 'graph' | 'expr' | 'network', Extra>> = {}) {
  return {
    'x-examples': {
      neuron: { summary: "The tutorial's neuron (x=3, w=-0.2, b=0.4, y=0)", value: { neuron, ...extra, ...extraFor.neuron } },
      graph: { summary: 'The same exercise as graph nodes', value: { graph, ...extra, ...extraFor.graph } },
      expr: { summary: "The same exercise in the tutorial's notation", value: { graph: expr, ...extra, ...extraFor.expr } },
      network: { summary: 'A 2-2-1 network (relu, sigmoid, mse)', value: { network, ...extra, ...extraFor.network } },
    },
  };
}
