/**
 * POST /v1/grade feedback as a specification: each diagnosis quotes the student's graph in the
 * student's own notation, in English and Brazilian Portuguese, never an op name; a hint names only
 * derivatives on the path from the output to the answered id; counted nouns agree with their
 * number. The student's mistaken answers are built from the service's own /v1/gradients values,
 * each with the mistake applied by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

type Locale = 'en' | 'pt-BR';
type Problem = Record<string, unknown>;
interface Result {
  key: string;
  correct: boolean;
  diagnosis: string | null;
  feedback: string;
  followThrough: boolean;
  followedFrom: string[];
}

const LEARNING_RATE = 0.1;

async function gradeIn(locale: Locale, problem: Problem, answers: Record<string, unknown>, extra: object = {}) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/grade',
    payload: { ...problem, learningRate: LEARNING_RATE, answers, ...extra },
    headers: { 'accept-language': locale },
  });
  expect(res.statusCode).toBe(200);
  return res.json() as { feedback: string; results: Result[] };
}

async function solved(
  problem: Problem,
): Promise<{ values: Record<string, number>; gradients: Record<string, number> }> {
  const res = await app.inject({ method: 'POST', url: '/v1/gradients', payload: problem });
  expect(res.statusCode).toBe(200);
  return res.json();
}

/** The tutorial's exercise, x = 3, w = -0.2, b = 0.4, y = 0, written three ways. */
const leaves = { inputs: { x: 3, y: 0 }, params: { w: -0.2, b: 0.4 } };

/** What each graph's feedback must quote, as the student wrote it, in each language. */
interface Graph {
  name: string;
  problem: Problem;
  activation: { en: string; 'pt-BR': string };
  activationDerivative: string;
  loss: { en: string; 'pt-BR': string };
}

const graphs: Graph[] = [
  {
    name: 'a neuron',
    problem: { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } },
    activation: { en: 'y_hat = σ(z)', 'pt-BR': 'y_hat = σ(z)' },
    activationDerivative: "dy_hat/dz = σ'(z) = y_hat · (1 − y_hat)",
    loss: { en: 'L = ½(y_hat − y)²', 'pt-BR': 'L = ½(y_hat − y)²' },
  },
  {
    name: 'a JSON-nodes graph (tanh, mse)',
    problem: {
      graph: {
        ...leaves,
        nodes: [
          { id: 'u', op: 'mul', args: ['w', 'x'] },
          { id: 'z', op: 'add', args: ['u', 'b'] },
          { id: 'y_hat', op: 'tanh', args: ['z'] },
          { id: 'L', op: 'mse', args: ['y_hat', 'y'] },
        ],
      },
    },
    activation: { en: 'y_hat = tanh(z)', 'pt-BR': 'y_hat = tanh(z)' },
    activationDerivative: "dy_hat/dz = tanh'(z) = 1 − y_hat²",
    loss: { en: 'L = (y_hat − y)²', 'pt-BR': 'L = (y_hat − y)²' },
  },
  {
    name: "an expr graph (the tutorial's notation)",
    problem: { graph: { ...leaves, expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2' } },
    activation: { en: 'y_hat = σ(z)', 'pt-BR': 'y_hat = σ(z)' },
    activationDerivative: "dy_hat/dz = σ'(z) = y_hat · (1 − y_hat)",
    // The square is a part of the statement (a generated id): it is quoted as the whole statement.
    loss: { en: 'L = 0.5 · (y_hat − y)²', 'pt-BR': 'L = 0,5 · (y_hat − y)²' },
  },
];

/**
 * Op names of the catalogue as feedback must never show them, and the generated ids of expr parts.
 * (`tanh(z)` is how the student writes tanh, so it is not among them.)
 */
const INTERNALS = /\b(mul|add|sub|pow|sigmoid|half_squared_error|mse)\(|\(\.\.\.\)|\b_t\d/;

describe.each(graphs)('POST /v1/grade feedback on $name', (graph) => {
  let V: Record<string, number>, G: Record<string, number>;
  beforeAll(async () => {
    ({ values: V, gradients: G } = await solved(graph.problem));
  });

  /** One answer per diagnosis, each the expected value with that mistake applied. */
  const mistaken = () => ({
    'dL/dw': -G.w, // sign_error: the sign flipped
    'dL/dz': G.y_hat, // missing_activation_derivative: dL/dz = dL/dy_hat · 1
    'dL/db': G.y_hat * V.y_hat, // activation_instead_of_derivative: dL/dz = dL/dy_hat · y_hat
    'dL/du': 2 * G.u, // loss_factor: the 2 of the square kept twice
    'step(w)': V.w + LEARNING_RATE * G.w, // update_wrong_direction: w + lr · dL/dw
    y_hat: Number(V.y_hat.toFixed(1)), // rounding: 0.5 for 0.45…
  });

  it.each(['en', 'pt-BR'] as const)('names each mistake where the student wrote it (%s)', async (locale) => {
    const { results } = await gradeIn(locale, graph.problem, mistaken(), { followThrough: false });
    const by = Object.fromEntries(results.map((r) => [r.key, r]));
    expect(Object.fromEntries(results.map((r) => [r.key, r.diagnosis]))).toEqual({
      'dL/dw': 'sign_error',
      'dL/dz': 'missing_activation_derivative',
      'dL/db': 'activation_instead_of_derivative',
      'dL/du': 'loss_factor',
      'step(w)': 'update_wrong_direction',
      y_hat: 'rounding',
    });
    for (const r of results) expect(r.feedback).not.toMatch(INTERNALS);

    // sign_error: the chain of local derivatives on the path from L to w, and nothing off it.
    expect(by['dL/dw'].feedback).toContain('dL/dw = dL/dy_hat · dy_hat/dz · dz/du · du/dw');
    expect(by['dL/dw'].feedback).toContain('du/dw = x');
    expect(by['dL/dw'].feedback).not.toMatch(/\/dy(?!_hat)|\/db|\/dx/);

    expect(by['dL/dz'].feedback).toContain(graph.activation[locale]);
    expect(by['dL/dz'].feedback).toContain(graph.activationDerivative);
    expect(by['dL/dz'].feedback).toContain('dL/dz = dL/dy_hat · dy_hat/dz');
    expect(by['dL/db'].feedback).toContain(graph.activation[locale]);
    expect(by['dL/db'].feedback).toContain(graph.activationDerivative);
    expect(by['dL/du'].feedback).toContain(graph.loss[locale]);
    expect(by['step(w)'].feedback).toContain('w ← w − lr · dL/dw');
    expect(by.y_hat.feedback).toContain(locale === 'en' ? '1 decimal place' : '1 casa decimal');

    // Each sentence is in the requested language.
    const word = (words: string) => new RegExp(`(?<![\\p{L}_])(${words})(?![\\p{L}_])`, 'u');
    const own = locale === 'en' ? word('the|you|of') : word('o|a|você|de|da|do|em');
    for (const r of results) expect(r.feedback).toMatch(own);
    if (locale === 'pt-BR') for (const r of results) expect(r.feedback).not.toMatch(word('the|you|at|with|and'));
  });

  it.each(['en', 'pt-BR'] as const)(
    'names the product and its missing factor: u = w · x, so du/dw = x (%s)',
    async (locale) => {
      const { results } = await gradeIn(locale, graph.problem, { 'dL/dw': G.u, 'dL/dx': G.u }); // dL/du, the x (or w) left out
      expect(results.map((r) => r.diagnosis)).toEqual(['missing_input_factor', 'missing_input_factor']);
      const [w, x] = results.map((r) => r.feedback);
      expect(w).toContain('u = w · x');
      expect(w).toContain('du/dw = x');
      expect(w).toContain(`dL/dw = dL/du · x`);
      expect(x).toContain('du/dx = w');
      for (const f of [w, x]) expect(f).not.toMatch(INTERNALS);
    },
  );
});

describe('POST /v1/grade hints stay on the path', () => {
  it('names the one flipped local derivative when the id is used twice', async () => {
    // w enters L twice: through u = w·x, v = u·w, and through σ(w). Flipping du/dw alone changes
    // one branch: dL/dw = dv/du·du/dw + dv/dw + σ'(w) becomes -u·x... of that branch only.
    const problem = { graph: { inputs: { x: 3 }, params: { w: 0.5 }, expr: 'u = w*x; v = u*w; L = v + sigmoid(w)' } };
    const { values: V, gradients: G } = await solved(problem);
    const branch = V.w * V.x; // dv/du · du/dw = w · x
    for (const locale of ['en', 'pt-BR'] as const) {
      const [r] = (await gradeIn(locale, problem, { 'dL/dw': G.w - 2 * branch })).results;
      expect(r.diagnosis).toBe('sign_error');
      expect(r.feedback).toContain('u = w · x');
      expect(r.feedback).toContain('du/dw = x');
      expect(r.feedback).not.toMatch(INTERNALS);
    }
  });

  it('writes a network layer as the student reads it, with ⊙ for the elementwise derivative', async () => {
    const problem = {
      network: {
        x: [[0.5, -1.0]],
        y: [[1.0]],
        loss: 'mse',
        layers: [
          {
            W: [
              [0.1, 0.2],
              [0.3, -0.4],
            ],
            b: [0, 0.1],
            activation: 'relu',
          },
          { W: [[0.5, -0.5]], b: [0.2], activation: 'sigmoid' },
        ],
      },
    };
    const { gradients: G } = (await solved(problem)) as unknown as { gradients: Record<string, number[][]> };
    const [r] = (await gradeIn('en', problem, { 'dL/dz2': G.a2 })).results;
    expect(r.diagnosis).toBe('missing_activation_derivative');
    expect(r.feedback).toContain('a2 = σ(z2)');
    expect(r.feedback).toContain('dL/dz2 = dL/da2 ⊙ da2/dz2');
    expect(r.feedback).not.toMatch(INTERNALS);
  });
});

describe('POST /v1/grade counts in good grammar', () => {
  const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
  let V: Record<string, number>;
  beforeAll(async () => {
    ({ values: V } = await solved(neuron));
  });
  const summary = async (locale: Locale, answers: Record<string, unknown>) =>
    (await gradeIn(locale, neuron, answers)).feedback;

  it('agrees the noun with one answer and with several, for 0, 1 and 2 correct', async () => {
    const right = { u: V.u, z: V.z, y_hat: V.y_hat };
    const wrong = { u: 7, z: 7, y_hat: 7 };
    expect(await summary('en', { u: right.u })).toBe('1 of 1 answer correct.');
    expect(await summary('pt-BR', { u: right.u })).toBe('1 de 1 resposta correta.');
    expect(await summary('en', { u: wrong.u })).toBe('0 of 1 answer correct.');
    expect(await summary('pt-BR', { u: wrong.u })).toBe('0 de 1 resposta correta.');
    expect(await summary('en', wrong)).toBe('0 of 3 answers correct.');
    expect(await summary('pt-BR', wrong)).toBe('0 de 3 respostas corretas.');
    expect(await summary('en', { ...wrong, u: right.u })).toBe('1 of 3 answers correct.');
    expect(await summary('pt-BR', { ...wrong, u: right.u })).toBe('1 de 3 respostas corretas.');
    expect(await summary('en', { ...right, y_hat: wrong.y_hat })).toBe('2 of 3 answers correct.');
    expect(await summary('pt-BR', { ...right, y_hat: wrong.y_hat })).toBe('2 de 3 respostas corretas.');
  });

  it('lists the earlier answers a step followed through from, one or two', async () => {
    // One: y_hat = 0.5 (wrong), then dL/dy_hat = y_hat - y = 0.5 from it.
    // Two: dL/dy_hat = 0.6 and dy_hat/dz = 0.3 (both wrong), then dL/dz = 0.6 · 0.3 = 0.18 from both.
    const one = { y_hat: 0.5, 'dL/dy_hat': 0.5 };
    const two = { 'dL/dy_hat': 0.6, 'dy_hat/dz': 0.3, 'dL/dz': 0.18 };
    const en1 = (await gradeIn('en', neuron, one)).results[1];
    const pt1 = (await gradeIn('pt-BR', neuron, one)).results[1];
    expect(en1).toMatchObject({ correct: true, followThrough: true, followedFrom: ['y_hat'] });
    expect(en1.feedback).toContain('your earlier answer for y_hat ');
    expect(pt1.feedback).toContain('a partir da sua resposta anterior para y_hat ');
    const en2 = (await gradeIn('en', neuron, two)).results[2];
    const pt2 = (await gradeIn('pt-BR', neuron, two)).results[2];
    expect(en2).toMatchObject({ correct: true, followThrough: true, followedFrom: ['dL/dy_hat', 'dy_hat/dz'] });
    expect(en2.feedback).toContain('your earlier answers for dL/dy_hat and dy_hat/dz ');
    expect(pt2.feedback).toContain('a partir das suas respostas anteriores para dL/dy_hat e dy_hat/dz ');
  });

  it('says what shape was expected in the language of the request', async () => {
    const network = {
      network: {
        x: [[0.5, -1.0]],
        y: [[1.0]],
        loss: 'mse',
        layers: [
          {
            W: [
              [0.1, 0.2],
              [0.3, -0.4],
            ],
            b: [0, 0.1],
            activation: 'relu',
          },
          { W: [[0.5, -0.5]], b: [0.2], activation: 'sigmoid' },
        ],
      },
    };
    expect((await gradeIn('en', network, { 'dL/dW2': 1 })).results[0].feedback).toBe(
      'dL/dW2: expected a tensor of shape [1, 2], but the answer is a single number.',
    );
    expect((await gradeIn('pt-BR', network, { 'dL/dW2': 1 })).results[0].feedback).toBe(
      'dL/dW2: esperava-se um tensor de formato [1, 2], mas a resposta é um único número.',
    );
  });
});
