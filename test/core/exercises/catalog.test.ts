/**
 * The neuron, network and gradient-check templates as authored exercises kept as data: each entry
 * is an exercise the schema accepts, listed as the template always was, drawn by the authored
 * generator with seededRng(id, seed) into the variants the template code drew (its readability
 * rules, written here from that code, hold for every seed), and stated with every drawn number.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../src/core/exercises/catalog/index.js';
import { type Exercise, generateExercise, listTemplates } from '../../../src/core/exercises/index.js';
import { AuthoredExercise } from '../../../src/schemas/authored.js';
import type { DenseLayerSpec, NetworkSpec, NeuronSpec } from '../../../src/specs/spec.js';

const SEEDS = Array.from({ length: 500 }, (_, i) => i);
const ids = catalogue.map((entry) => entry.id);

/** The listing as the OpenAPI document's example recorded it, before the templates became data. */
function recordedListing(): { id: string; title: unknown; description: unknown; answerKeys: string[] }[] {
  const doc = JSON.parse(readFileSync(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8'));
  const found: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const t = (v as { templates?: unknown }).templates;
      if (Array.isArray(t) && t.length && (t[0] as { id?: unknown }).id) found.push(t);
      Object.values(v).forEach(walk);
    }
  };
  walk(doc);
  return found[0] as never;
}

describe('the catalogue of templates kept as data', () => {
  it.each(ids)('%s: is an authored exercise the schema accepts as it is', (id) => {
    const entry = catalogue.find((e) => e.id === id)!;
    const parsed = AuthoredExercise.safeParse(entry.exercise);
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data).toEqual(entry.exercise);
  });

  it('lists the ten templates first, with the titles, descriptions and answer keys they always had', () => {
    const recorded = recordedListing();
    const listed = listTemplates();
    expect(listed.slice(0, 10).map((t) => t.id)).toEqual(ids);
    expect(ids).toEqual([
      'neuron-sigmoid',
      'neuron-tanh',
      'neuron-relu',
      'neuron-leaky-relu',
      'neuron-softplus',
      'neuron-identity',
      'neuron-sigmoid-mse',
      'neuron-sigmoid-bce',
      'network-2-2-1',
      'finite-difference-sigmoid',
    ]);
    expect(listed).toEqual(recorded);
  });

  it('keeps the variant of a stored (template, seed): the numbers the template code drew', () => {
    // Pinned from the template code before it became data.
    expect(generateExercise('neuron-relu', 0).problem).toEqual({
      neuron: { x: -2.8, w: -0.27, b: 1, y: 0.4, activation: 'relu', loss: 'half_squared_error' },
      learningRate: 0.5,
    });
    expect(generateExercise('network-2-2-1', 1).problem).toEqual({
      network: {
        x: [-1.5, -1.3],
        y: [0],
        loss: 'mse',
        layers: [
          {
            W: [
              [-0.6, 0.3],
              [0.6, -0.8],
            ],
            b: [0.3, -0.4],
            activation: 'relu',
          },
          { W: [[-0.3, -0.4]], b: [0.4], activation: 'sigmoid' },
        ],
      },
      learningRate: 0.05,
    });
    expect(generateExercise('finite-difference-sigmoid', 1).problem).toMatchObject({
      neuron: { x: 1.8, w: 0.78, b: -0.2, y: 0.1 },
      epsilon: 1e-3,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The template code's readability rules (neuron.ts, templates.ts, network.ts, finite-difference.ts).

const onGrid = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places === x;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const activations: Record<string, (z: number) => number> = {
  sigmoid,
  tanh: Math.tanh,
  relu: (z) => Math.max(0, z),
  leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
  softplus: (z) => Math.log1p(Math.exp(z)),
  identity: (z) => z,
};
const saturates = (z: number) => Math.abs(z) <= 2.5;
const rules: Record<string, { z: (z: number) => boolean; y: (y: number) => boolean }> = {
  'neuron-sigmoid': { z: saturates, y: (y) => y >= 0 && y <= 1 },
  'neuron-tanh': { z: saturates, y: (y) => y >= -1 && y <= 1 },
  'neuron-relu': { z: (z) => z >= 0.2 && z <= 3, y: (y) => y >= 0 && y <= 2 },
  'neuron-leaky-relu': { z: (z) => Math.abs(z) >= 0.2 && Math.abs(z) <= 3, y: (y) => y >= -1 && y <= 2 },
  'neuron-softplus': { z: (z) => Math.abs(z) <= 3, y: (y) => y >= 0 && y <= 3 },
  'neuron-identity': { z: (z) => Math.abs(z) <= 3, y: (y) => y >= -2 && y <= 2 },
  'neuron-sigmoid-mse': { z: saturates, y: (y) => y >= 0 && y <= 1 },
  'neuron-sigmoid-bce': { z: saturates, y: (y) => y === 0 || y === 1 },
  'finite-difference-sigmoid': { z: saturates, y: (y) => y >= 0 && y <= 1 },
};

/** What breaks the old rules in one exercise, as sentences. */
function brokenRules(e: Exercise): string[] {
  const broken: string[] = [];
  const rule = (ok: boolean, what: string) => ok || broken.push(`seed ${e.seed}: ${what}`);
  rule([0.1, 0.5, 0.05].includes(e.problem.learningRate), 'learning rate');
  for (const key of e.answerKeys)
    rule(
      [e.answers[key]].flat(3).every((v) => Number.isFinite(v)),
      `${key} not finite`,
    );
  if ('neuron' in e.problem) {
    const { x, w, b, y, activation } = e.problem.neuron as Required<NeuronSpec> & { x: number; w: number };
    rule(onGrid(x, 1) && x >= -3 && x <= 3 && Math.abs(x) >= 0.5, `x = ${x}`);
    rule(onGrid(w, 2) && w >= -1 && w <= 1 && Math.abs(w) >= 0.1, `w = ${w}`);
    rule(onGrid(b, 1) && b >= -1 && b <= 1, `b = ${b}`);
    rule(onGrid(y, 1) && rules[e.template].y(y), `y = ${y}`);
    const z = w * x + b;
    rule(rules[e.template].z(z), `z = ${z}`);
    rule(Math.abs(activations[activation](z) - y) >= 0.1 - 1e-12, `|y_hat - y| < 0.1 at z = ${z}`);
    rule(e.template !== 'finite-difference-sigmoid' || e.problem.epsilon === 1e-3, 'epsilon');
  } else {
    const net = (e.problem as { network: NetworkSpec }).network;
    const [l1, l2] = net.layers as DenseLayerSpec[];
    const x = net.x as number[];
    const [W1, W2] = [l1.W as number[][], l2.W as number[][]];
    const [b1, b2] = [l1.b as number[], l2.b as number[]];
    rule(x.length === 2 && x.every((v) => onGrid(v, 1) && Math.abs(v) >= 0.2 && Math.abs(v) <= 2), `x = ${x}`);
    rule(
      [...W1.flat(), ...W2.flat()].every((v) => onGrid(v, 1) && Math.abs(v) >= 0.1 && Math.abs(v) <= 1),
      'W',
    );
    rule(
      [...b1, ...b2].every((v) => onGrid(v, 1) && Math.abs(v) <= 0.5),
      'b',
    );
    const y = (net.y as number[])[0];
    rule(y === 0 || y === 1, `y = ${y}`);
    const z1 = W1.map((row, i) => row[0] * x[0] + row[1] * x[1] + b1[i]);
    rule(
      z1.every((z) => Math.abs(z) >= 0.2 - 1e-12),
      `z1 = ${z1} next to the kink`,
    );
    rule(
      z1.some((z) => z > 0),
      'both hidden units off',
    );
    const z2 = W2[0][0] * Math.max(0, z1[0]) + W2[0][1] * Math.max(0, z1[1]) + b2[0];
    rule(Math.abs(z2) <= 2.5 + 1e-12, `z2 = ${z2} saturated`);
    rule(Math.abs(sigmoid(z2) - y) >= 0.1 - 1e-12, '|a2 - y| < 0.1');
  }
  return broken;
}

describe.each(ids)('%s, seeds 0 to 499', (id) => {
  it("draws within the template code's readability rules, every answer finite", () => {
    expect(SEEDS.flatMap((seed) => brokenRules(generateExercise(id, seed)))).toEqual([]);
  });

  it('states every drawn number, in the locale’s format', () => {
    for (const seed of [3, 4]) {
      const en = generateExercise(id, seed, 'en');
      const pt = generateExercise(id, seed, 'pt-BR');
      const drawn =
        'neuron' in en.problem
          ? (['x', 'w', 'b', 'y'] as const).map((k) => (en.problem as { neuron: NeuronSpec }).neuron[k] as number)
          : [(en.problem as { network: NetworkSpec }).network.x as number[]].flat();
      // The gradient check asks no step: its drawn rate is not stated.
      const rate = en.answerKeys.some((k) => k.startsWith('step(')) ? [en.problem.learningRate] : [];
      for (const v of [...drawn, ...rate]) {
        const text = String(Math.abs(v));
        const sign = v < 0 ? '−' : '';
        expect(en.statement, `${id} ${seed} en`).toContain(`${sign}${text}`);
        expect(pt.statement, `${id} ${seed} pt-BR`).toContain(`${sign}${text.replace('.', ',')}`);
      }
      // The numbers given (before the keys; how to answer then shows both separators).
      expect(pt.statement.split('Calcule')[0]).not.toMatch(/\d\.\d/);
      expect(pt.statement).toContain('Calcule');
    }
  });
});

describe('the statements read as the templates wrote them', () => {
  it('a neuron: the activation and loss in the heading, the roles of x, w, b, y, the learning rate, the definition', () => {
    const pt = generateExercise('neuron-sigmoid', 0, 'pt-BR').statement;
    expect(pt).toContain('### Um neurônio, ativação sigmoide, perda de erro quadrático');
    expect(pt).toContain('Um neurônio recebe a entrada `x = −2,5` e tem o peso `w = −0,38` e o viés `b = 0,2`.');
    expect(pt).toContain('O valor esperado é `y = 0,5` e a taxa de aprendizado é `η = 0,05`.');
    expect(pt).toContain('em que `σ(z) = 1 / (1 + e^(−z))`.');
    const en = generateExercise('neuron-leaky-relu', 0, 'en').statement;
    expect(en).toContain('### One neuron, leaky ReLU (α = 0.01) activation, squared error loss');
    expect(en).toContain('where `leaky_relu(z, α) = z if z > 0, else α·z`.');
  });

  it('the network: its architecture with plurals, row i of a weight matrix, σ', () => {
    const pt = generateExercise('network-2-2-1', 1, 'pt-BR').statement;
    expect(pt).toContain('Uma rede com 2 entradas, uma camada oculta de 2 unidades ReLU e 1 saída sigmoide recebe');
    expect(pt).toContain('`x = [−1,5; −1,3]`');
    expect(pt).toContain('`σ` é a sigmoide');
    expect(pt).toContain('as pré-ativações da camada oculta, `W1·x + b1` (um vetor de 2)');
  });

  it('the gradient check: how to nudge, the formula of each finite difference, the tip on digits', () => {
    const en = generateExercise('finite-difference-sigmoid', 1, 'en').statement;
    expect(en).toContain('### Gradient check with finite differences');
    expect(en).toContain('Find `dL/dw` and `dL/db` by backpropagation, then check them');
    expect(en).toContain('`ε = 0.001`');
    expect(en).toContain('`fd(dL/dw)`: the central finite difference `(L(w + ε) - L(w - ε)) / (2ε)`');
    expect(en).toContain('Tip: `L(w + ε)` and `L(w - ε)` differ only in their later digits');
    expect(en).not.toContain('learning rate');
    const pt = generateExercise('finite-difference-sigmoid', 1, 'pt-BR').statement;
    expect(pt).toContain('confira-os como faz uma verificação do gradiente');
    expect(pt).toContain('`ε = 0,001`');
  });
});
