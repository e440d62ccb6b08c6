/**
 * Errors and warnings speak the student's language: under `Accept-Language: pt-BR` every
 * problem's title, detail and errors[].message is in Brazilian Portuguese, and so is every
 * warning; English otherwise. The language changes nothing else (status, code, paths, extra
 * members), and every answer that depends on it says so in Content-Language and Vary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { HEAVY, gradcheckChain } from '../support/heavy.js';
import { buildTestApp } from '../support/app.js';
import { LogLines } from '../support/log-lines.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;
let app: App;
beforeAll(async () => {
  app = await buildTestApp({
    limits: {
      maxNodes: 1000,
      maxElements: 10_000,
      maxTotalElements: 50_000,
      maxWork: 1_000_000,
      maxResponseValues: 1_000_000,
      maxResponseBytes: 8 * 1024 * 1024,
    },
    bodyLimit: 64 * 1024,
  });
});
afterAll(() => app.close());

interface Request {
  method?: 'GET' | 'POST';
  url: string;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  contentType?: string;
}

function send(target: App, request: Request, language?: string): Promise<LightMyRequestResponse> {
  const { method = 'POST', url, body, contentType = 'application/json' } = request;
  const headers: Record<string, string> = language ? { 'accept-language': language } : {};
  if (method === 'POST') headers['content-type'] = contentType;
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return target.inject({ method, url, headers, payload });
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: { path: string; message: string }[];
  requestId?: string;
  [extra: string]: unknown;
}

/** Every text of a problem that a student reads. */
const textsOf = (p: Problem): string[] => [p.title, p.detail, ...p.errors.map((e) => e.message)];

/** The problem without its language: what must not change with Accept-Language. */
const withoutLanguage = ({ title: _t, detail: _d, requestId: _r, errors, ...rest }: Problem) => ({
  ...rest,
  paths: errors.map((e) => e.path),
});

/**
 * English words that no Portuguese message has: one of them in a pt-BR text is English that
 * leaked (ids, op names and field names in the messages never match, being other words).
 */
const ENGLISH =
  /\b(the|is|are|must|of|expected|unknown|received|found|got|cannot|invalid|input|not|needs|takes|would|than|should|send|write|empty|error|first|problems?|body)\b/i;

const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };
const graph = (nodes: unknown[], extra: object = {}) => ({
  graph: { inputs: { x: 1 }, params: { w: 2 }, nodes, ...extra },
});
const network = (y: unknown, x: unknown = [[0.5, -1.0]]) => ({
  network: {
    x,
    y,
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
});

/** [name, request, status, code, an English pattern, a Portuguese pattern]: every error code, and the HTTP-level problems. */
const cases: [string, Request, number, string, RegExp, RegExp][] = [
  [
    '400 malformed JSON',
    { url: '/v1/forward', body: '{"graph": ' },
    400,
    'MALFORMED_JSON',
    /not valid JSON/,
    /não é um JSON válido/,
  ],
  [
    '400 malformed JSON at a position',
    { url: '/v1/forward', body: '{graph: 1}' },
    400,
    'MALFORMED_JSON',
    /not valid JSON/,
    /nome de um campo.*posição 1/,
  ],
  ['400 empty body', { url: '/v1/forward', body: '' }, 400, 'MALFORMED_JSON', /empty/, /vazio/],
  [
    '400 schema: a required field',
    { url: '/v1/step', body: { neuron } },
    400,
    'VALIDATION',
    /is required/,
    /é obrigatório/,
  ],
  [
    '400 schema: an unknown field',
    { url: '/v1/step', body: { neuron, learningrate: 0.1, learningRate: 0.1 } },
    400,
    'VALIDATION',
    /unknown field 'learningrate'/,
    /campo desconhecido 'learningrate'/,
  ],
  [
    '400 schema: a wrong type',
    { url: '/v1/forward', body: { neuron: { ...neuron, b: 'x' } } },
    400,
    'VALIDATION',
    /expected a number, got a string \("x"\)/,
    /esperava um número, recebeu um texto \("x"\)/,
  ],
  [
    '400 schema: a bound',
    { url: '/v1/step', body: { neuron, learningRate: -1 } },
    400,
    'VALIDATION',
    /Too small/,
    /deve ser maior que 0/,
  ],
  [
    '400 schema: an enum',
    { url: '/v1/forward', body: { neuron: { ...neuron, activation: 'sigmod' } } },
    400,
    'VALIDATION',
    /expected one of/,
    /esperava uma destas/,
  ],
  [
    '400 schema: an id',
    { url: '/v1/forward', body: { graph: { inputs: { '1x': 1 }, expr: 'y = exp(x)' } } },
    400,
    'VALIDATION',
    /invalid key '1x'/,
    /chave inválida '1x'.*letras, dígitos e _/,
  ],
  [
    '400 schema: several problems',
    { url: '/v1/step', body: { neuron, learningRate: 0, steps: 1.5 } },
    400,
    'VALIDATION',
    /2 problems, first learningRate/,
    /2 problemas; o primeiro em learningRate/,
  ],
  [
    '400 schema: two specs',
    { url: '/v1/forward', body: { neuron, graph: { expr: 'a = 1 + 1' } } },
    400,
    'VALIDATION',
    /give one problem spec/,
    /envie uma única especificação/,
  ],
  [
    '400 schema: a neuron target that is not a number',
    { url: '/v1/forward', body: { neuron: { ...neuron, y: [1, 0] } } },
    400,
    'VALIDATION',
    /one number/,
    /único número/,
  ],
  [
    '400 invalid value',
    {
      url: '/v1/forward',
      body: { graph: { inputs: { M: [[1, 2], [3]] }, nodes: [{ id: 'e', op: 'exp', args: ['M'] }] } },
    },
    400,
    'INVALID_VALUE',
    /row 0 has 2/,
    /a linha 0 tem 2/,
  ],
  [
    '400 expr syntax with a Unicode hint',
    { url: '/v1/forward', body: { graph: { inputs: { x: 1 }, expr: 'y = x ÷ 2' } } },
    400,
    'EXPR_SYNTAX',
    /column 7; write \/ for a division/,
    /coluna 7; escreva \/ para uma divisão/,
  ],
  [
    '400 expr syntax',
    { url: '/v1/forward', body: { graph: { inputs: { x: 1 }, expr: 'y = (x + 1' } } },
    400,
    'EXPR_SYNTAX',
    /expected '\)'/,
    /esperava '\)'.*o fim do texto/,
  ],
  [
    '404 no route',
    { method: 'GET', url: '/v2/nothing' },
    404,
    'NOT_FOUND',
    /no route GET \/v2\/nothing/,
    /não há rota GET \/v2\/nothing/,
  ],
  [
    '413 body too large',
    { url: '/v1/forward', body: { graph: { inputs: { x: 1 }, expr: `y = x${' + x'.repeat(20_000)}` } } },
    413,
    'TOO_LARGE',
    /BODY_LIMIT_BYTES/,
    /maior que o limite \(BODY_LIMIT_BYTES\)/,
  ],
  [
    '413 too many elements',
    {
      url: '/v1/forward',
      body: { graph: { inputs: { r: Array(200).fill(1), c: Array(200).fill([1]) }, expr: 'y = r * c' } },
    },
    413,
    'TOO_LARGE',
    /MAX_ELEMENTS/,
    /teria 40000 elementos/,
  ],
  [
    '413 too much work',
    { url: '/v1/step', body: { neuron, learningRate: 0.1, steps: 100_000 } },
    413,
    'TOO_LARGE',
    /MAX_WORK/,
    /operações com elementos.*menos passos/,
  ],
  [
    '415 unsupported media type',
    { url: '/v1/forward', body: 'x', contentType: 'text/plain' },
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    /application\/json/,
    /envie o corpo como application\/json/,
  ],
  [
    '422 unknown id',
    { url: '/v1/forward', body: graph([{ id: 'u', op: 'mul', args: ['w', 'q'] }]) },
    422,
    'UNKNOWN_ID',
    /unknown id 'q'/,
    /id desconhecido 'q'.*não é uma entrada, um parâmetro nem um nó/,
  ],
  [
    '422 unknown id in expr, at its position',
    { url: '/v1/forward', body: { graph: { inputs: { x: 1 }, expr: 'u = x·q' } } },
    422,
    'UNKNOWN_ID',
    /\(line 1, column 6\)/,
    /\(linha 1, coluna 6\)/,
  ],
  [
    '422 unknown id in include',
    { url: '/v1/forward', body: { neuron, include: ['nope'] } },
    422,
    'UNKNOWN_ID',
    /unknown id 'nope'/,
    /id desconhecido 'nope'/,
  ],
  [
    '422 duplicate id',
    { url: '/v1/forward', body: graph([{ id: 'x', op: 'exp', args: ['w'] }]) },
    422,
    'DUPLICATE_ID',
    /duplicate id 'x'/,
    /id repetido 'x'/,
  ],
  [
    '422 unknown output id',
    { url: '/v1/forward', body: graph([{ id: 'ok', op: 'exp', args: ['w'] }], { output: 'nope' }) },
    422,
    'UNKNOWN_ID',
    /for the output/,
    /para a saída/,
  ],
  [
    '422 cycle',
    {
      url: '/v1/forward',
      body: graph([
        { id: 'a', op: 'add', args: ['b', 'x'] },
        { id: 'b', op: 'sin', args: ['a'] },
      ]),
    },
    422,
    'CYCLE',
    /cycle: /,
    /ciclo: /,
  ],
  [
    '422 unknown op',
    { url: '/v1/forward', body: graph([{ id: 'y', op: 'sigmiod', args: ['x'] }]) },
    422,
    'UNKNOWN_OP',
    /unknown op 'sigmiod'.*nearest: sigmoid/,
    /operação desconhecida 'sigmiod'.*as mais próximas: sigmoid/,
  ],
  [
    '422 unknown op in expr',
    { url: '/v1/forward', body: { graph: { inputs: { x: 1 }, expr: 'y = sigmod(x)' } } },
    422,
    'UNKNOWN_OP',
    /unknown op 'sigmod' at line 1, column 5/,
    /operação desconhecida 'sigmod' na linha 1, coluna 5/,
  ],
  [
    '422 arity',
    { url: '/v1/forward', body: graph([{ id: 'y', op: 'add', args: ['x'] }]) },
    422,
    'ARITY',
    /add takes 2 args/,
    /add espera 2 argumentos/,
  ],
  [
    '422 attr',
    { url: '/v1/forward', body: graph([{ id: 'y', op: 'relu', args: ['x'], attrs: { alpha: 1 } }]) },
    422,
    'BAD_ATTR',
    /has no attr 'alpha'/,
    /não tem o atributo 'alpha'/,
  ],
  [
    '422 shape of a matmul',
    {
      url: '/v1/forward',
      body: {
        graph: {
          inputs: {
            A: [
              [1, 2],
              [3, 4],
            ],
            v: [1, 2, 3],
          },
          nodes: [{ id: 'y', op: 'matmul', args: ['A', 'v'] }],
        },
      },
    },
    422,
    'SHAPE_MISMATCH',
    /inner dimensions differ/,
    /as dimensões internas diferem.*2 colunas.*3 linhas/,
  ],
  [
    '422 shape of a network target',
    { url: '/v1/gradients', body: network([[1.0, 0]]) },
    422,
    'SHAPE_MISMATCH',
    /y \[1, 2\].*output \[1, 1\]/,
    /y \[1, 2\] não tem a forma da saída da rede \[1, 1\]/,
  ],
  [
    '422 shape of a neuron',
    { url: '/v1/forward', body: { neuron: { ...neuron, x: [1, 2], w: [1] } } },
    422,
    'SHAPE_MISMATCH',
    /w has 1 element but x has 2/,
    /w tem 1 elemento, mas x tem 2/,
  ],
  [
    '422 non-scalar output',
    { url: '/v1/gradients', body: { graph: { params: { v: [1, 2] }, nodes: [{ id: 'e', op: 'exp', args: ['v'] }] } } },
    422,
    'NON_SCALAR_OUTPUT',
    /scalar output/,
    /saída escalar/,
  ],
  [
    '422 domain',
    { url: '/v1/forward', body: graph([{ id: 'l', op: 'bce', args: ['w', 1] }]) },
    422,
    'DOMAIN',
    /probabilities in \[0, 1\]/,
    /probabilidades em \[0, 1\]/,
  ],
  [
    '422 unknown answer key',
    { url: '/v1/grade', body: { neuron, answers: { q: 1, 'step(x)': 2 }, learningRate: 0.1 } },
    422,
    'UNKNOWN_ANSWER_KEY',
    /answer key 'q'/,
    /a chave de resposta 'q'/,
  ],
  [
    '422 invalid spec: gradcheck of a node',
    { url: '/v1/gradcheck', body: { neuron, wrt: ['u'] } },
    422,
    'INVALID_SPEC',
    /'u' is a node/,
    /'u' é um nó/,
  ],
  [
    '422 invalid spec: a step answer without learningRate',
    { url: '/v1/grade', body: { neuron, answers: { 'step(w)': 1 } } },
    422,
    'INVALID_SPEC',
    /learningRate/,
    /taxa de aprendizado/,
  ],
  [
    '422 invalid spec: an unknown template',
    { url: '/v1/exercises', body: { template: 'nope', seed: 1 } },
    422,
    'INVALID_SPEC',
    /unknown template 'nope'/,
    /modelo desconhecido 'nope'/,
  ],
];

describe('problems in the language of Accept-Language', () => {
  it.each(cases)('%s', async (_, request, status, code, en, pt) => {
    const [resEn, resPt] = await Promise.all([send(app, request), send(app, request, 'pt-BR')]);
    for (const res of [resEn, resPt]) {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(String(res.headers.vary)).toMatch(/Accept-Language/);
    }
    expect(resEn.headers['content-language']).toBe('en');
    expect(resPt.headers['content-language']).toBe('pt-BR');
    const [english, portuguese] = [resEn.json() as Problem, resPt.json() as Problem];
    expect(english.code).toBe(code);
    // Only the language differs: status, code, type, paths and extra members (cycle, suggestions, shapes) are the same.
    expect(withoutLanguage(portuguese)).toEqual(withoutLanguage(english));
    expect(textsOf(english).join('\n')).toMatch(en);
    expect(textsOf(portuguese).join('\n')).toMatch(pt);
    // Every text is translated, and none is English.
    expect(portuguese.title).not.toBe(english.title);
    expect(portuguese.detail).not.toBe(english.detail);
    portuguese.errors.forEach((e, i) => expect(e.message).not.toBe(english.errors[i].message));
    for (const text of textsOf(portuguese)) expect(text).not.toMatch(ENGLISH);
  });

  it('covers every error code of the core and every HTTP-level problem', () => {
    const codes = new Set(cases.map((c) => c[3]));
    const expected = [
      'INVALID_VALUE',
      'INVALID_SPEC',
      'EXPR_SYNTAX',
      'UNKNOWN_ID',
      'DUPLICATE_ID',
      'CYCLE',
      'UNKNOWN_OP',
      'ARITY',
      'BAD_ATTR',
      'SHAPE_MISMATCH',
      'NON_SCALAR_OUTPUT',
      'DOMAIN',
      'UNKNOWN_ANSWER_KEY',
      'TOO_LARGE',
      'VALIDATION',
      'MALFORMED_JSON',
      'UNSUPPORTED_MEDIA_TYPE',
      'NOT_FOUND',
    ];
    expect([...codes].sort()).toEqual(expected.sort());
  });

  it('reads a full Accept-Language header, and answers English to a language it does not speak', async () => {
    const request: Request = { url: '/v1/forward', body: graph([{ id: 'u', op: 'mul', args: ['w', 'q'] }]) };
    const weighted = await send(app, request, 'pt-BR,pt;q=0.9,en;q=0.8');
    expect(weighted.headers['content-language']).toBe('pt-BR');
    expect(weighted.json().title).toBe('Id desconhecido');
    const german = await send(app, request, 'de-DE');
    expect(german.headers['content-language']).toBe('en');
    expect(german.json().title).toBe('Unknown id');
  });

  it('keeps the detail of a schema problem in one language, path first', async () => {
    const res = await send(app, { url: '/v1/step', body: { neuron } }, 'pt-BR');
    expect(res.json()).toMatchObject({
      detail: 'learningRate: é obrigatório',
      errors: [{ path: 'learningRate', message: 'é obrigatório' }],
    });
  });
});

describe('Content-Language and Vary on every answer that depends on the language', () => {
  it.each([
    ['/v1/forward', { neuron }],
    ['/v1/gradients', { neuron }],
    ['/v1/step', { neuron, learningRate: 0.1 }],
    ['/v1/gradcheck', { neuron }],
    ['/v1/grade', { neuron, answers: { u: -0.6 } }],
  ])('POST %s', async (url, body) => {
    for (const [language, expected] of [
      [undefined, 'en'],
      ['pt-BR', 'pt-BR'],
    ] as const) {
      const res = await send(app, { url, body }, language);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-language']).toBe(expected);
      expect(String(res.headers.vary)).toMatch(/Accept-Language/);
    }
  });

  it('GET /v1/ops answers in the language asked for, and the exercise templates say that they hold both languages', async () => {
    for (const [url, language] of [
      ['/v1/ops', 'pt-BR'],
      ['/v1/exercises/templates', 'en, pt-BR'],
    ]) {
      const res = await send(app, { method: 'GET', url }, 'pt-BR');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-language']).toBe(language);
    }
  });

  it("an exercise says the language it is written in, the body's locale before Accept-Language", async () => {
    const asked = await send(
      app,
      { url: '/v1/exercises', body: { template: 'neuron-sigmoid', seed: 3, locale: 'pt-BR' } },
      'en',
    );
    expect(asked.json().locale).toBe('pt-BR');
    expect(asked.headers['content-language']).toBe('pt-BR');
    const header = await send(app, { url: '/v1/exercises', body: { template: 'neuron-sigmoid', seed: 3 } }, 'pt-BR');
    expect(header.json().locale).toBe('pt-BR');
    expect(header.headers['content-language']).toBe('pt-BR');
    expect(String(header.headers.vary)).toMatch(/Accept-Language/);
  });

  it('not on the answers that do not depend on it', async () => {
    const res = await send(app, { method: 'GET', url: '/healthz' }, 'pt-BR');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-language']).toBeUndefined();
  });
});

describe('warnings in the language of Accept-Language', () => {
  /** The warnings of the same request in English and in Portuguese. */
  async function warnings(url: string, body: unknown) {
    const [en, pt] = await Promise.all([send(app, { url, body }), send(app, { url, body }, 'pt-BR')]);
    expect(en.statusCode, en.body).toBe(200);
    expect(pt.statusCode, pt.body).toBe(200);
    const [a, b] = [en.json().warnings, pt.json().warnings] as { code: string; ids: string[]; message: string }[][];
    expect(b.map((w) => [w.code, w.ids])).toEqual(a.map((w) => [w.code, w.ids]));
    b.forEach((w, i) => {
      expect(w.message).not.toBe(a[i].message);
      expect(w.message).not.toMatch(ENGLISH);
    });
    return { en: a, pt: b };
  }

  it('non-finite values and gradients', async () => {
    // a = y / 2 = ln 0 = -Infinity; dy/dx = 2 / x = Infinity, dy/da = 2.
    const body = { graph: { inputs: { x: 0 }, expr: 'a = log(x); y = a * 2' } };
    const { en, pt } = await warnings('/v1/gradients', body);
    expect(en.map((w) => [w.code, w.ids])).toEqual([
      ['non_finite_values', ['a', 'y']],
      ['non_finite_gradients', ['x']],
    ]);
    expect(pt[0].message).toMatch(/^os valores de 'a', 'y' não são finitos/);
    expect(pt[1].message).toMatch(/^o gradiente de 'x' não é finito/);
  });

  it('a step that diverges', async () => {
    const { pt } = await warnings('/v1/step', {
      graph: { params: { w: 10 }, expr: 'L = exp(exp(w))' },
      learningRate: 1e300,
    });
    expect(pt.map((w) => w.code)).toEqual(['non_finite_values']);
    expect(pt[0].message).toMatch(/a atualização divergiu.*taxa de aprendizado/);
  });

  it('a finite-difference check across a kink', async () => {
    const { pt } = await warnings('/v1/gradcheck', { neuron: { x: 1, w: 1, b: -1, y: 0, activation: 'relu' } });
    expect(pt.map((w) => w.code)).toEqual(['kink']);
    expect(pt[0].message).toMatch(/ponto de quebra/);
  });
});

describe('POST /v1/* on a graph whose loss broadcasts its target to another shape', () => {
  // p is [2, 1] (two examples, one output); y written as [2] broadcasts against it to [2, 2].
  const p = [[0.1], [0.2]];
  const broadcastGraph = (loss: string, y: unknown) => ({
    graph: { params: { p }, inputs: { y }, nodes: [{ id: 'L', op: loss, args: ['p', 'y'] }] },
  });

  it('computes the loss as PyTorch does, and warns naming the node and both shapes, in each language', async () => {
    const [en, pt] = await Promise.all([
      send(app, { url: '/v1/forward', body: broadcastGraph('mse', [1, 0]) }),
      send(app, { url: '/v1/forward', body: broadcastGraph('mse', [1, 0]) }, 'pt-BR'),
    ]);
    // mean over the broadcast [2, 2]: ((0.1 - 1)^2 + (0.1 - 0)^2 + (0.2 - 1)^2 + (0.2 - 0)^2) / 4 = (0.81 + 0.01 + 0.64 + 0.04) / 4
    expect(en.json().values.L).toBeCloseTo((0.81 + 0.01 + 0.64 + 0.04) / 4, 12);
    const [warning] = en.json().warnings;
    expect(warning).toMatchObject({ code: 'target_broadcast', ids: ['L'] });
    expect(warning.message).toContain("'L'");
    expect(warning.message).toContain('[2, 1]');
    expect(warning.message).toContain('[2]');
    expect(warning.message).toContain('[2, 2]');
    const [aviso] = pt.json().warnings;
    expect(aviso).toMatchObject({ code: 'target_broadcast', ids: ['L'] });
    expect(aviso.message).toMatch(/a perda 'L' \(mse\) compara a previsão \[2, 1\].*alvo \[2\].*\[2, 2\]/);
    expect(aviso.message).not.toMatch(ENGLISH);
  });

  it.each([
    ['/v1/forward', {}],
    ['/v1/gradients', {}],
    ['/v1/step', { learningRate: 0.1 }],
    ['/v1/gradcheck', {}],
  ])('%s carries the warning', async (url, extra) => {
    for (const loss of ['half_squared_error', 'mse', 'bce', 'bce_with_logits']) {
      const res = await send(app, { url, body: { ...broadcastGraph(loss, [1, 0]), ...extra } }, 'pt-BR');
      expect(res.statusCode, res.body).toBe(200);
      expect(
        res
          .json()
          .warnings.filter((w: { code: string }) => w.code === 'target_broadcast')
          .map((w: { ids: string[] }) => w.ids),
      ).toEqual([['L']]);
    }
  });

  it("does not warn when the target has the prediction's shape, or is a scalar broadcast to it", async () => {
    for (const y of [[[1], [0]], 1]) {
      const res = await send(app, { url: '/v1/gradients', body: broadcastGraph('mse', y) });
      expect(res.statusCode).toBe(200);
      expect(res.json().warnings).toEqual([]);
    }
    const softmax = {
      graph: {
        params: { z: [[1, 2]] },
        inputs: { y: [[0, 1]] },
        nodes: [{ id: 'L', op: 'softmax_cross_entropy', args: ['z', 'y'] }],
      },
    };
    expect((await send(app, { url: '/v1/gradients', body: softmax })).json().warnings).toEqual([]);
  });
});

describe("a network's target y must have the output's shape", () => {
  it('refuses [[1.0, 0]] for one output and [[1], [0]] for one example, naming both shapes at network.y', async () => {
    for (const [y, shape] of [
      [[[1.0, 0]], '[1, 2]'],
      [[[1], [0]], '[2, 1]'],
      [[1], '[1]'],
    ] as const) {
      const res = await send(app, { url: '/v1/gradients', body: network(y) });
      expect(res.statusCode, res.body).toBe(422);
      const p = res.json() as Problem;
      expect(p.code).toBe('SHAPE_MISMATCH');
      expect(p.errors.map((e) => e.path)).toEqual(['network.y']);
      expect(p.errors[0].message).toContain(`y ${shape}`);
      expect(p.errors[0].message).toContain('[1, 1]');
    }
  });

  it('refuses a flat list of targets for a batch of one output each', async () => {
    const res = await send(
      app,
      {
        url: '/v1/forward',
        body: network(
          [1, 0],
          [
            [0.5, -1.0],
            [1, 2],
          ],
        ),
      },
      'pt-BR',
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({
      path: 'network.y',
      message: expect.stringMatching(/^y \[2\] não tem a forma da saída da rede \[2, 1\]/),
    });
  });

  it("takes y of the output's shape, and a number for an output of one number (the same loss)", async () => {
    const matrix = await send(app, { url: '/v1/gradients', body: network([[1]]) });
    const number = await send(app, { url: '/v1/gradients', body: network(1) });
    expect(matrix.statusCode, matrix.body).toBe(200);
    expect(number.statusCode, number.body).toBe(200);
    expect(number.json().values.L).toBe(matrix.json().values.L);
    expect(number.json().gradients.W2).toEqual(matrix.json().gradients.W2);
    const single = await send(app, { url: '/v1/gradients', body: network([1], [0.5, -1.0]) });
    expect(single.statusCode, single.body).toBe(200);
    expect(single.json().values.L).toBe(matrix.json().values.L);
  });

  it("a neuron's y is one number, as its output y_hat is: a list is refused with a message that says so", async () => {
    for (const y of [[1], [1, 0]]) {
      const res = await send(app, { url: '/v1/gradients', body: { neuron: { ...neuron, y } } }, 'pt-BR');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'VALIDATION',
        errors: [{ path: 'neuron.y', message: expect.stringContaining('y é um único número') }],
      });
    }
    const vector = await send(app, {
      url: '/v1/gradients',
      body: { neuron: { x: [1, 2], w: [0.5, -0.5], b: 0, y: 1 } },
    });
    expect(vector.statusCode).toBe(200);
  });
});

describe('problems raised on a worker thread', () => {
  type Placement = [string, Parameters<typeof buildTestApp>[0]];
  const placements: Placement[] = [
    ['from its text on a worker thread', { offloadBody: 0 }],
    ['as a job on a worker thread', { offloadWork: 0 }],
  ];
  const offloaded: [string, Request, string][] = [
    ['a schema problem', { url: '/v1/step', body: { neuron } }, 'VALIDATION'],
    ['malformed JSON', { url: '/v1/forward', body: '{"graph": {"inputs": ' }, 'MALFORMED_JSON'],
    [
      'an expr with a Unicode hint',
      { url: '/v1/forward', body: { graph: { inputs: { x: 1 }, expr: 'y = √x' } } },
      'EXPR_SYNTAX',
    ],
    ["a network's target of the wrong shape", { url: '/v1/gradients', body: network([[1], [0]]) }, 'SHAPE_MISMATCH'],
    // Compiled on the event loop, computed (and refused) on the worker.
    [
      'bce of a p outside [0, 1]',
      {
        url: '/v1/forward',
        body: { graph: { inputs: { p: 2, y: 1 }, nodes: [{ id: 'L', op: 'bce', args: ['p', 'y'] }] } },
      },
      'DOMAIN',
    ],
  ];
  let inline: App;
  const apps: [string, App][] = [];
  beforeAll(async () => {
    inline = await buildTestApp({ pool: false });
    for (const [name, options] of placements) apps.push([name, await buildTestApp(options)]);
  });
  afterAll(() => Promise.all([inline.close(), ...apps.map(([, a]) => a.close())]));

  it.each(offloaded)('%s is answered in Portuguese, as on the event loop', async (_, request, code) => {
    const expected = await send(inline, request, 'pt-BR');
    const english = (await send(inline, request)).json() as Problem;
    for (const [, worker] of apps) {
      const res = await send(worker, request, 'pt-BR');
      expect(res.headers['content-language']).toBe('pt-BR');
      const p = res.json() as Problem;
      expect(p.code).toBe(code);
      expect({ ...p, requestId: undefined }).toEqual({ ...expected.json(), requestId: undefined });
      expect(p.title).not.toBe(english.title);
      expect(p.detail).not.toBe(english.detail);
      for (const text of textsOf(p)) expect(text).not.toMatch(ENGLISH);
    }
  });

  const limits = {
    maxNodes: 200_000,
    maxElements: 1_000_000,
    maxTotalElements: 20_000_000,
    maxWork: 1_000_000_000_000,
    maxResponseValues: 1_000_000,
    maxResponseBytes: 8 * 1024 * 1024,
  };

  it('a job over the compute-time budget', async () => {
    // Eight million node evaluations cannot finish within 1 ms of compute, on any machine.
    const slow = await buildTestApp({ pool: { threads: 1, queue: 0, budgetMs: 1 }, offloadWork: 0, limits });
    try {
      const res = await send(slow, { url: '/v1/gradcheck', body: gradcheckChain(4000, 1000) }, 'pt-BR');
      expect(res.statusCode, res.body).toBe(413);
      expect(res.headers['content-language']).toBe('pt-BR');
      expect(res.json()).toMatchObject({
        code: 'TIME_BUDGET',
        title: 'Acima do tempo de cálculo permitido',
        budgetMs: 1,
      });
      expect(res.json().detail).toMatch(/^o cálculo levou mais que o tempo permitido de 1 ms \(COMPUTE_BUDGET_MS\)/);
    } finally {
      await slow.close();
    }
  });

  it('a pool with no free worker', async () => {
    const logs = new LogLines();
    const full = await buildTestApp({
      pool: { threads: 1, queue: 0, budgetMs: 600_000 },
      offloadWork: 0,
      limits,
      logger: { level: 'info', stream: logs.stream },
    });
    const client = new AbortController();
    try {
      const base = await full.listen({ port: 0, host: '127.0.0.1' });
      // A job of seconds holds the only worker from the moment it is handed to the pool, which
      // its log line says; the client then goes away, which stops it.
      const first = fetch(`${base}/v1/gradcheck`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(HEAVY),
        signal: client.signal,
      }).catch(() => undefined);
      await logs.until((l) => l.msg === 'computing on a worker');
      const busy = await send(full, { url: '/v1/gradcheck', body: { neuron } }, 'pt-BR');
      expect(busy.statusCode, busy.body).toBe(503);
      expect(busy.json()).toMatchObject({ code: 'BUSY', title: 'Serviço ocupado' });
      expect(busy.json().detail).toMatch(/todos os processos de cálculo \(1, WORKERS\) estão ocupados/);
      client.abort();
      await first;
      await logs.until((l) => l.msg === 'request' && l.statusCode === 499);
    } finally {
      client.abort();
      // Not a wait for the client's idle keep-alive connection to time out.
      full.server.closeAllConnections();
      await full.close();
    }
  });
});
