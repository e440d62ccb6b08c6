/**
 * `graph.expr` takes the formulas as the exercise statements print them (`u = w·x`,
 * `L = ½·(y_hat - y)²`), and as the explanations write them (`y_hat = σ(z)`,
 * `L = ½(y_hat − y)²`): pasted in, they give the values and gradients of the ASCII form, and
 * of the neuron spec the exercise was drawn for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateIds } from '../../src/core/exercises/index.js';
import { buildTestApp } from '../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const post = async (url: string, body: unknown) => {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

/** The neuron's formulas as the statement prints them, each cut to its first `id = expression` (`y_hat = relu(z) = max(0, z)`). */
function printedFormulas(statement: string): string[] {
  const formulas = new Map<string, string>();
  for (const [, formula] of statement.matchAll(/`((?:u|z|y_hat|L) = [^`]+)`/g)) {
    const [id, expression] = formula.split(' = ');
    if (!formulas.has(id)) formulas.set(id, `${id} = ${expression}`);
  }
  expect([...formulas.keys()]).toEqual(['u', 'z', 'y_hat', 'L']);
  return [...formulas.values()];
}

/** The ASCII a student would type instead, written here independently of the parser. */
const ascii = (formula: string): string =>
  formula
    .replaceAll('½·', '0.5*')
    .replaceAll('½', '0.5*')
    .replaceAll('·', '*')
    .replaceAll('²', '^2')
    .replaceAll('−', '-')
    .replaceAll('ln(', 'log(');

const neuronTemplates = templateIds.filter((id) => id.startsWith('neuron-') || id.startsWith('finite-difference'));

describe('graph.expr with the formulas of the exercise statements', () => {
  it('there are neuron templates to read', () => {
    expect(neuronTemplates.length).toBeGreaterThanOrEqual(8);
  });

  it.each(neuronTemplates)(
    '%s: the printed formulas give the values and gradients of the ASCII ones and of the neuron',
    async (template) => {
      const exercise = await post('/v1/exercises', { template, seed: 11, locale: 'en' });
      const formulas = printedFormulas(exercise.statement);
      expect(formulas.join('; ')).toMatch(/[·²½]/); // the statement does print the symbols
      const { x, w, b, y } = exercise.problem.neuron;
      const leaves = { inputs: { x, y }, params: { w, b } };
      const printed = await post('/v1/gradients', { graph: { ...leaves, expr: formulas.join('\n') } });
      const typed = await post('/v1/gradients', { graph: { ...leaves, expr: formulas.map(ascii).join('; ') } });
      expect(printed.values).toEqual(typed.values);
      expect(printed.gradients).toEqual(typed.gradients);
      expect(printed.output).toBe('L');
      // The neuron spec builds the same computation from its own ops (a loss op rather than a formula).
      const spec = await post('/v1/gradients', { neuron: exercise.problem.neuron });
      for (const id of ['u', 'z', 'y_hat', 'L']) expect(printed.values[id]).toBeCloseTo(spec.values[id], 12);
      for (const id of ['w', 'b', 'y_hat', 'z']) expect(printed.gradients[id]).toBeCloseTo(spec.gradients[id], 12);
    },
  );

  it("the tutorial's neuron as the explanations write it, σ and ½ without a dot and a Unicode minus", async () => {
    const leaves = { inputs: { x: 3, y: 0 }, params: { w: -0.2, b: 0.4 } };
    const printed = await post('/v1/gradients', {
      graph: { ...leaves, expr: 'u = w·x; z = u + b; y_hat = σ(z); L = ½(y_hat − y)²' },
    });
    const typed = await post('/v1/gradients', {
      graph: { ...leaves, expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2' },
    });
    expect(printed.values).toEqual(typed.values);
    expect(printed.gradients).toEqual(typed.gradients);
    expect(printed.local).toEqual(typed.local);
  });

  it('×, ⋅, ³ and the en dash as well', async () => {
    const leaves = { inputs: { x: 1.5 }, params: { a: -0.7 } };
    const printed = await post('/v1/gradients', { graph: { ...leaves, expr: 'y = a × x³ – a⋅x' } });
    const typed = await post('/v1/gradients', { graph: { ...leaves, expr: 'y = a * x^3 - a*x' } });
    expect(printed.values).toEqual(typed.values);
    expect(printed.gradients).toEqual(typed.gradients);
  });
});
