/**
 * GET /v1/ops in the reader's language: under Accept-Language: pt-BR every op's description, its
 * attrs, the broadcasting rule and every diagnosis's definition are in Brazilian Portuguese, said in
 * Content-Language; names, codes, args and kinks do not change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;
let app: App;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

interface Catalogue {
  ops: {
    name: string;
    kind: string;
    description: string;
    args: string[];
    attrs: { name: string; default: number; description: string }[];
    formula: string;
    derivative: string;
    kinkAtZero: boolean;
  }[];
  broadcasting: string;
  activations: string[];
  losses: string[];
  diagnoses: { code: string; definition: string }[];
}

async function catalogue(language?: string): Promise<{ body: Catalogue; headers: Record<string, unknown> }> {
  const res = await app.inject({
    method: 'GET',
    url: '/v1/ops',
    headers: language ? { 'accept-language': language } : {},
  });
  expect(res.statusCode).toBe(200);
  return { body: res.json(), headers: res.headers };
}

describe('GET /v1/ops', () => {
  it('answers in English by default and says so', async () => {
    const { body, headers } = await catalogue();
    expect(headers['content-language']).toBe('en');
    expect(String(headers.vary)).toMatch(/Accept-Language/);
    expect(body.ops.find((o) => o.name === 'sigmoid')?.description).toMatch(/sigmoid/i);
    expect(body.diagnoses.find((d) => d.code === 'sign_error')?.definition).toMatch(/^The answer equals/);
  });

  it('answers in Brazilian Portuguese under Accept-Language: pt-BR, and says so', async () => {
    const { body, headers } = await catalogue('pt-BR,pt;q=0.9,en;q=0.8');
    expect(headers['content-language']).toBe('pt-BR');
    expect(String(headers.vary)).toMatch(/Accept-Language/);
    const relu = body.ops.find((o) => o.name === 'relu');
    expect(relu?.derivative).toBe("dy/da = 1 se a > 0, senão 0 (relu'(0) = 0 como no PyTorch)");
    expect(body.ops.find((o) => o.name === 'half_squared_error')?.description).toBe(
      'Metade da soma dos erros ao quadrado: a perda do tutorial',
    );
    expect(body.ops.find((o) => o.name === 'leaky_relu')?.attrs).toEqual([
      { name: 'alpha', default: 0.01, description: 'inclinação para a <= 0' },
    ]);
    expect(body.broadcasting).toMatch(/no passo para trás/);
    expect(body.diagnoses.find((d) => d.code === 'update_wrong_direction')?.definition).toMatch(/taxa de aprendizado/);
    expect(body.diagnoses.find((d) => d.code === 'sign_error')?.definition).toMatch(/regra da cadeia/);
  });

  it('gives every op and every diagnosis a Portuguese text of its own, and changes nothing else', async () => {
    const en = (await catalogue('en')).body;
    const pt = (await catalogue('pt-BR')).body;
    expect(pt.ops.map((o) => o.name)).toEqual(en.ops.map((o) => o.name));
    en.ops.forEach((op, i) => {
      const other = pt.ops[i];
      expect(other.description, op.name).not.toBe(op.description);
      expect(other.description.length, op.name).toBeGreaterThan(0);
      expect({
        ...other,
        description: '',
        formula: '',
        derivative: '',
        attrs: other.attrs.map((a) => ({ ...a, description: '' })),
      }).toEqual({
        ...op,
        description: '',
        formula: '',
        derivative: '',
        attrs: op.attrs.map((a) => ({ ...a, description: '' })),
      });
      // Words are translated; math alone reads the same in both.
      if (/\b(as in|where|if|along|per row|of|with|summed|holds)\b/.test(`${op.formula} ${op.derivative}`)) {
        expect(`${other.formula} ${other.derivative}`, op.name).not.toBe(`${op.formula} ${op.derivative}`);
      }
      op.attrs.forEach((attr, j) =>
        expect(other.attrs[j].description, `${op.name}.${attr.name}`).not.toBe(attr.description),
      );
    });
    expect(pt.broadcasting).not.toBe(en.broadcasting);
    expect(pt.diagnoses.map((d) => d.code)).toEqual(en.diagnoses.map((d) => d.code));
    en.diagnoses.forEach((d, i) => {
      expect(pt.diagnoses[i].definition, d.code).not.toBe(d.definition);
      expect(pt.diagnoses[i].definition.length, d.code).toBeGreaterThan(0);
    });
    expect(pt.activations).toEqual(en.activations);
    expect(pt.losses).toEqual(en.losses);
  });
});
