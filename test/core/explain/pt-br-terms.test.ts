/**
 * One Portuguese term for each phase, the tutorial's: "passo para frente" (the forward pass) and
 * "passo para trás" (the backward pass). "Retropropagação" names the algorithm as a whole
 * (backpropagation), never a phase. Every other name for a phase (propagação direta, passagem
 * direta, passo à frente...) is refused wherever a Portuguese reader meets it: in what every route
 * answers under Accept-Language: pt-BR, in the source the service's text is written in, and in the
 * docs.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/engine/limits.js';
import { exampleSpecs } from '../../../src/schemas/examples.js';
import { buildTestApp } from '../../support/app.js';

/** Other names for a phase: "propagação direta", "passagem (direta|para trás)", "passo à frente", "passo direto"... */
const RIVALS =
  /propaga(?:ção|cao)\s+(?:direta|inversa|reversa|regressiva|retroativa|para\s+(?:a\s+)?(?:frente|trás|tras))|passage(?:m|ns)\b|passo\s+(?:direto|reverso|inverso|adiante|retroativo|à\s+frente|a\s+frente|para\s+a\s+(?:frente|trás))|retropasso/i;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The lines of `text` that name a phase otherwise. */
const rivalsIn = (text: string): string[] => text.split('\n').filter((line) => RIVALS.test(line));

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, ext) : ext.test(name) ? [path] : [];
  });
}

let app: Awaited<ReturnType<typeof buildTestApp>>;
let smallWork: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  [app, smallWork] = await Promise.all([
    buildTestApp({ pool: false }),
    buildTestApp({ pool: false, limits: { ...DEFAULT_LIMITS, maxWork: 10 } }),
  ]);
});
afterAll(() => Promise.all([app.close(), smallWork.close()]));

const pt = { 'accept-language': 'pt-BR' };
const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };

describe('one pt-BR term for each phase', () => {
  it('recognizes the other names of a phase (the check can fail)', () => {
    for (const rival of [
      'a propagação direta',
      'Passagem direta',
      'a passagem para trás',
      'o passo à frente',
      'propagação para trás',
      'uma passagem por este grafo',
      'o passo direto',
    ]) {
      expect(rivalsIn(rival), rival).toEqual([rival]);
    }
    for (const term of [
      'Passo para frente',
      'passo para trás',
      'a retropropagação',
      'um passo do gradiente descendente',
      'erro propagado',
    ])
      expect(rivalsIn(term), term).toEqual([]);
  });

  it('is the only one in what every route answers under Accept-Language: pt-BR', async () => {
    const answers: string[] = [];
    const send = async (method: 'GET' | 'POST', url: string, payload?: object, on = app) => {
      const res = await on.inject({ method, url, headers: pt, ...(payload && { payload }) });
      answers.push(`${method} ${url} ${res.statusCode}: ${res.body}`);
      return res;
    };
    const explained = await send('POST', '/v1/explain', { neuron, learningRate: 0.1, gradcheck: true });
    expect(explained.statusCode).toBe(200);
    const { markdown } = explained.json() as { markdown: string };
    expect(markdown).toContain('### Passo para frente');
    expect(markdown).toContain('### Passo para trás');
    await send('POST', '/v1/explain', { network: exampleSpecs.network, learningRate: 0.1 });
    const templates = (await send('GET', '/v1/exercises/templates')).json() as {
      templates: { id: string; answerKeys: string[] }[];
    };
    expect(templates.templates.length).toBeGreaterThan(0);
    for (const { id, answerKeys } of templates.templates) {
      const exercise = await send('POST', '/v1/exercises', { template: id, seed: 14 });
      expect(exercise.statusCode, exercise.body).toBe(200);
      const { problem } = exercise.json() as { problem: object };
      // Every answer wrong or unreadable, so that every kind of feedback is written.
      await send('POST', '/v1/grade', {
        ...problem,
        answers: Object.fromEntries(answerKeys.map((key, i) => [key, i % 2 ? 'x' : 123.456])),
      });
    }
    for (const format of ['svg', 'dot', 'mermaid']) await send('POST', `/v1/render?format=${format}`, { neuron });
    await send('POST', '/v1/gradcheck', { neuron });
    await send('POST', '/v1/step', { neuron, learningRate: 0.1 });
    await send('GET', '/v1/ops');
    // Errors: a refused graph (the work of one pass), an unknown id, a malformed body.
    const refused = await send('POST', '/v1/gradients', { neuron }, smallWork);
    expect(refused.statusCode).toBe(413);
    await send('POST', '/v1/gradients', {
      graph: { inputs: { x: 1 }, nodes: [{ id: 'L', op: 'mul', args: ['x', 'q'] }] },
    });
    await send('GET', '/openapi.json');
    expect(answers.flatMap(rivalsIn)).toEqual([]);
  });

  it('is the only one in the source of every message and in the docs', () => {
    const files = [
      ...filesUnder(join(ROOT, 'src'), /\.ts$/),
      ...filesUnder(join(ROOT, 'examples'), /\.(md|py|sh|json)$/),
      join(ROOT, 'docs/curso.md'),
      join(ROOT, 'docs/api.md'),
      join(ROOT, 'README.md'),
    ];
    const found = files.flatMap((file) =>
      rivalsIn(readFileSync(file, 'utf8')).map((line) => `${file.slice(ROOT.length)}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
    const curso = readFileSync(join(ROOT, 'docs/curso.md'), 'utf8');
    expect(curso).toMatch(/passo para frente/i);
    expect(curso).toMatch(/passo para trás/i);
  });
});
