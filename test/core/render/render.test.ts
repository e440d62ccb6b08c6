import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Prose, prose } from '../../../src/core/exercises/format.js';
import {
  type GraphPicture,
  MAX_RENDER_VALUES,
  MAX_RENDER_WORK,
  escapeHtml,
  escapeMermaid,
  svgOf,
  toDot,
  toMermaid,
} from '../../../src/core/render/index.js';
import { buildTestApp } from '../../support/app.js';
import { layoutErrors, mermaidType, svgTextElements, svgTexts } from '../../support/pictures.js';
import { exampleSpecs } from '../../../src/schemas/examples.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };
const expr = {
  inputs: { x: 3, y: 0 },
  params: { w: -0.2, b: 0.4 },
  expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2',
};
/** The 2-2-1 network of the examples (relu, sigmoid, mse). */
const { network } = exampleSpecs;
const networkIds = ['x', 'y', 'W1', 'b1', 'z1', 'a1', 'W2', 'b2', 'z2', 'a2', 'L'];

type Format = 'svg' | 'dot' | 'mermaid';

const render = (payload: object, format?: Format | string, language?: string) =>
  app.inject({
    method: 'POST',
    url: format === undefined ? '/v1/render' : `/v1/render?format=${format}`,
    payload,
    headers: language ? { 'accept-language': language } : {},
  });

async function picture(payload: object, format: Format, language?: string): Promise<string> {
  const res = await render(payload, format, language);
  expect(res.statusCode, res.body).toBe(200);
  return res.body;
}

async function gradients(payload: object): Promise<{ values: Record<string, Wire>; gradients: Record<string, Wire> }> {
  const res = await app.inject({ method: 'POST', url: '/v1/gradients', payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

type Wire = number | string | Wire[];

/** A value from /v1/gradients as a box writes it: `value 0.4502`, or `value [1×2]` and a line per row, `[0.5, -1]`. */
function cell(word: string, wire: Wire, p: Prose): string {
  if (!Array.isArray(wire)) return `${word} ${p.n(Number(wire))}`;
  const rows = (Array.isArray(wire[0]) ? wire : [wire]) as Wire[][];
  const shape = Array.isArray(wire[0]) ? `${rows.length}×${rows[0].length}` : `${wire.length}`;
  return [`${word} [${shape}]`, ...rows.map((row) => `[${row.map((x) => p.n(Number(x))).join(p.sep)}]`)].join('<BR/>');
}

/** The DOT statement of the box of `id`. */
function boxOf(dot: string, id: string): string {
  const lines = dot.split('\n').filter((line) => line.includes(`<B>${escapeHtml(id)}</B>`));
  expect(lines, `one box for ${id}`).toHaveLength(1);
  return lines[0];
}

/** A Mermaid flowchart read line by line: every node declared once, every edge between declared nodes, every label quoted. */
function mermaidStructure(text: string): { labels: Map<string, string>; edges: [string, string][] } {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('---');
  const end = lines.indexOf('---', 1);
  expect(lines[1]).toMatch(/^title: ".*"$/);
  expect(lines[end + 1]).toBe('flowchart LR');
  const labels = new Map<string, string>();
  const edges: [string, string][] = [];
  for (const line of lines.slice(end + 2)) {
    const node = /^ {2}(\w+)(?:\["([^"]*)"\]|\(\("([^"]*)"\)\))$/.exec(line);
    const edge = /^ {2}(\w+) --> (\w+)$/.exec(line);
    if (node) {
      expect(labels.has(node[1]), `${node[1]} declared once`).toBe(false);
      labels.set(node[1], node[2] ?? node[3]);
    } else if (edge) edges.push([edge[1], edge[2]]);
    else expect(line).toMatch(/^ {2}(classDef \w+ fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6}|class [\w,]+ \w+)$/);
  }
  for (const [from, to] of edges) expect([labels.has(from), labels.has(to)], `${from} --> ${to}`).toEqual([true, true]);
  return { labels, edges };
}

describe('POST /v1/render', () => {
  it('draws the 2-2-1 network as SVG by default: well-formed XML naming every id in a text element', async () => {
    const res = await render({ network });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    const texts = svgTexts(res.body);
    for (const id of networkIds) expect(texts).toContain(id);
    expect(texts).toContain('linear');
    expect(texts).toContain('σ');
  });

  it("writes DOT that Graphviz lays out, with each id's value and gradient rounded from /v1/gradients' numbers", async () => {
    const p = prose('en');
    for (const problem of [{ network }, { neuron }, { graph: expr }]) {
      const res = await render(problem, 'dot');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('text/vnd.graphviz; charset=utf-8');
      expect(await layoutErrors(res.body)).toEqual([]);
      const exact = await gradients(problem);
      expect(Object.keys(exact.values).length).toBeGreaterThan(0);
      for (const [id, value] of Object.entries(exact.values)) {
        const box = boxOf(res.body, id);
        expect(box).toContain(cell('value', value, p));
        expect(box).toContain(cell('gradient', exact.gradients[id], p));
      }
    }
  });

  it("writes a Mermaid flowchart that Mermaid's own parser reads, each value and op declared once", async () => {
    for (const problem of [{ network }, { neuron }, { graph: expr }]) {
      const text = await picture(problem, 'mermaid');
      expect(await mermaidType(text)).toBe('flowchart-v2');
      const { labels, edges } = mermaidStructure(text);
      const ids = Object.keys((await gradients(problem)).values);
      const firstLines = [...labels.values()].map((label) => label.split('<br>')[0]);
      for (const id of ids) expect(firstLines.filter((line) => line === id)).toHaveLength(1);
      // Each node: one edge per arg into its op, one from its op to its result.
      expect(edges.length).toBeGreaterThan(ids.length);
    }
    const res = await render({ neuron }, 'mermaid');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('draws the literals of an expr as boxes of their own, without a gradient', async () => {
    const dot = await picture({ graph: expr }, 'dot');
    const literals = dot.split('\n').filter((line) => line.includes('shape=plain') && !line.includes('<B>'));
    expect(literals.map((line) => />([^<>]*)<\/TD>/.exec(line)?.[1]).sort()).toEqual(['0.5', '2']);
    for (const line of literals) expect(line).not.toContain('gradient');
    // The generated ids of the unnamed subexpressions are boxes like the others.
    expect(svgTexts(await picture({ graph: expr }, 'svg'))).toEqual(
      expect.arrayContaining(['_t1', '_t2', 'y_hat', 'L']),
    );
  });

  it('labels in Portuguese, with a decimal comma and the minus sign −, under Accept-Language: pt-BR', async () => {
    const p = prose('pt-BR');
    const exact = await gradients({ neuron });
    const res = await render({ neuron }, 'dot', 'pt-BR,pt;q=0.9');
    expect(res.headers['content-language']).toBe('pt-BR');
    expect(res.headers.vary).toMatch(/accept-language/i);
    const box = boxOf(res.body, 'y_hat');
    expect(box).toContain(`valor ${p.n(exact.values.y_hat as number)}`);
    expect(box).toContain(`gradiente ${p.n(exact.gradients.y_hat as number)}`);
    expect(p.n(exact.values.y_hat as number)).toBe('0,4502');
    expect(res.body).toContain('Grafo computacional de L');
    expect(res.body).not.toMatch(/value |gradient /);
    expect(await layoutErrors(res.body)).toEqual([]);

    const mermaid = await picture({ network }, 'mermaid', 'pt-BR');
    expect(await mermaidType(mermaid)).toBe('flowchart-v2');
    expect(mermaid).toContain('valor [1×2]<br>[0,5; −1]');
    expect(svgTexts(await picture({ network }, 'svg', 'pt-BR'))).toContain('[0,5; −1]');
  });

  it('shows values only when the output is not a scalar, and says why in the caption', async () => {
    const graph = {
      inputs: { x: [1, -1] },
      params: {
        W: [
          [1, 2],
          [3, 4],
        ],
      },
      nodes: [{ id: 'h', op: 'matmul', args: ['W', 'x'] }],
    };
    expect((await app.inject({ method: 'POST', url: '/v1/gradients', payload: { graph } })).statusCode).toBe(422);
    const dot = await picture({ graph }, 'dot');
    for (const id of ['x', 'W', 'h']) expect(boxOf(dot, id)).not.toContain('gradient');
    expect(dot).toContain('the output h has shape [2], not a scalar, so there are no gradients');
    expect(boxOf(dot, 'h')).toContain('value [2]<BR/>[−1, −1]');
    expect(await layoutErrors(dot)).toEqual([]);
    expect(svgTexts(await picture({ graph }, 'svg')).join(' ')).toContain('not a scalar');
    const pt = await picture({ graph }, 'mermaid', 'pt-BR');
    expect(pt).toContain('não é um escalar');
    expect(pt).not.toContain('gradiente [');
    expect(await mermaidType(pt)).toBe('flowchart-v2');
  });

  it('writes NaN and infinite values and gradients that Graphviz and Mermaid accept', async () => {
    // log(-1) = NaN, log(0) = -Infinity, d log(z)/dz = 1/0 = Infinity.
    const graph = {
      params: { a: -1, z: 0 },
      nodes: [
        { id: 'n', op: 'log', args: ['a'] },
        { id: 'm', op: 'log', args: ['z'] },
        { id: 's', op: 'add', args: ['n', 'm'] },
      ],
    };
    const dot = await picture({ graph }, 'dot');
    expect(boxOf(dot, 'n')).toContain('value NaN');
    expect(boxOf(dot, 'm')).toContain('value −Infinity');
    expect(boxOf(dot, 'z')).toContain('gradient Infinity');
    expect(await layoutErrors(dot)).toEqual([]);
    expect(svgTexts(await picture({ graph }, 'svg'))).toEqual(
      expect.arrayContaining(['value NaN', 'value −Infinity', 'gradient Infinity']),
    );
    expect(await mermaidType(await picture({ graph }, 'mermaid'))).toBe('flowchart-v2');
  });

  it("draws an op's args from top to bottom in their order: c above a in c - a, W above x in W @ x", async () => {
    const graph = {
      inputs: { x: [1, -1] },
      params: {
        W: [
          [1, 2],
          [3, 4],
        ],
        a: 1,
        c: 3,
      },
      expr: 'd = c - a; h = matmul(W, x); s = sum(h) / d',
    };
    const texts = svgTextElements(await picture({ graph }, 'svg'));
    const y = (id: string) => texts.find((t) => t.text === id)!.y;
    expect(y('c')).toBeLessThan(y('a'));
    expect(y('W')).toBeLessThan(y('x'));
    expect(y('_t1')).toBeLessThan(y('d'));
  });

  it('shows the shape and a few elements of a long tensor: the first ones, an ellipsis and the last', async () => {
    const v = Array.from({ length: 10 }, (_, i) => i);
    const M = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => 10 * i + j));
    const graph = {
      inputs: { v, M },
      nodes: [
        { id: 's', op: 'sum', args: ['v'] },
        { id: 't', op: 'sum', args: ['M'] },
        { id: 'u', op: 'add', args: ['s', 't'] },
      ],
    };
    const dot = await picture({ graph }, 'dot');
    expect(boxOf(dot, 'v')).toContain('value [10]<BR/>[0, 1, 2, …, 9]');
    expect(boxOf(dot, 'v')).toContain('gradient [10]<BR/>[1, 1, 1, …, 1]');
    expect(boxOf(dot, 'M')).toContain(
      'value [6×6]<BR/>[0, 1, 2, …, 5]<BR/>[10, 11, 12, …, 15]<BR/>[20, 21, 22, …, 25]<BR/>⋮<BR/>[50, 51, 52, …, 55]',
    );
    expect(await layoutErrors(dot)).toEqual([]);
  });

  it('refuses an unknown format, or an unknown query parameter, with a 400 naming it', async () => {
    for (const [url, path] of [
      ['/v1/render?format=png', 'format'],
      ['/v1/render?fromat=dot', ''],
    ]) {
      const res = await app.inject({ method: 'POST', url, payload: { neuron } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'VALIDATION', errors: [expect.objectContaining({ path })] });
    }
  });

  it('answers a spec that does not compile as the other routes do', async () => {
    const res = await render({ graph: { params: { a: 1 }, nodes: [{ id: 'b', op: 'exp', args: ['q'] }] } }, 'dot');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'UNKNOWN_ID', errors: [{ path: 'graph.nodes[0].args[0]' }] });
  });

  it(`refuses a graph of more than MAX_RENDER_VALUES (${MAX_RENDER_VALUES}) values with a 413 naming the limit and the count`, async () => {
    // A chain a -> n1 -> ... -> nk: 1 + k values.
    const chain = (k: number) => ({
      params: { a: 0.5 },
      nodes: Array.from({ length: k }, (_, i) => ({ id: `n${i + 1}`, op: 'tanh', args: [i === 0 ? 'a' : `n${i}`] })),
    });
    expect((await render({ graph: chain(MAX_RENDER_VALUES - 1) }, 'svg')).statusCode).toBe(200);
    // An expr whose literals count too: x, then k nodes x + 1, each with its literal 1.
    const k = Math.ceil(MAX_RENDER_VALUES / 2);
    const sums = { inputs: { x: 1 }, expr: `y = x${' + 1'.repeat(k)}` };
    for (const [graph, count] of [
      [chain(MAX_RENDER_VALUES), MAX_RENDER_VALUES + 1],
      [sums, 1 + 2 * k],
    ] as const) {
      const res = await render({ graph }, 'dot');
      expect(res.statusCode, res.body).toBe(413);
      const body = res.json();
      expect(body).toMatchObject({ code: 'TOO_LARGE', errors: [{ path: 'graph' }] });
      expect(body.detail).toContain(`${count} values`);
      expect(body.detail).toContain(`limit of ${MAX_RENDER_VALUES} (MAX_RENDER_VALUES)`);
    }
  });

  it('refuses a graph whose evaluation is over MAX_RENDER_WORK with a 413', async () => {
    const A = Array.from({ length: 100 }, () => Array.from({ length: 100 }, () => 1));
    const graph = {
      params: { A },
      nodes: [
        { id: 'P', op: 'matmul', args: ['A', 'A'] },
        { id: 's', op: 'sum', args: ['P'] },
      ],
    };
    const res = await render({ graph }, 'svg');
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json().detail).toContain(`(MAX_RENDER_WORK)`);
    expect(res.json().detail).toContain(`${MAX_RENDER_WORK}`);
  });
});

describe('escaping in pictures', () => {
  const nasty = `a "b" <c> & d's #35; #quot; {x|y} [z] \\n é ½(p−y)² ; -Infinity NaN \`e\``;
  const drawing: GraphPicture = {
    boxes: [
      { key: 'v0', id: 'x', role: 'input', output: false, shape: '', value: [nasty], gradient: ['-Infinity'] },
      { key: 'v1', id: null, role: 'literal', output: false, shape: '', value: [nasty] },
      { key: 'v2', id: 'y', role: 'node', output: true, shape: '[2]', value: [nasty, '⋮', 'NaN'], gradient: [nasty] },
    ],
    ops: [{ key: 'f2', symbol: nasty }],
    edges: [
      ['v0', 'f2'],
      ['v1', 'f2'],
      ['f2', 'v2'],
    ],
    words: { value: 'valor <&>', gradient: 'gradiente "g"' },
    caption: [nasty, 'Grafo computacional: saída não é escalar'],
  };

  it('escapes the characters of HTML-like labels, and Mermaid entity codes', () => {
    expect(escapeHtml(`<B>&"'`)).toBe('&lt;B&gt;&amp;&quot;&#39;');
    expect(escapeMermaid('a "b" #35; <br> & `c`')).toBe('a #34;b#34; #35;35; #60;br#62; #38; #96;c#96;');
  });

  it('keeps any text in a DOT label as it is: Graphviz lays it out and the SVG shows it unchanged', async () => {
    const dot = toDot(drawing);
    expect(await layoutErrors(dot)).toEqual([]);
    const result = svgTexts(await svgOf(dot));
    expect(result.filter((t) => t === nasty).length).toBeGreaterThanOrEqual(4);
    expect(result).toContain('Grafo computacional: saída não é escalar');
    expect(result).toContain('valor <&> [2]');
  });

  it("keeps any text in a Mermaid label inside its quotes: Mermaid's parser reads it", async () => {
    const text = toMermaid(drawing);
    expect(await mermaidType(text)).toBe('flowchart-v2');
    const { labels } = mermaidStructure(text);
    expect(labels.size).toBe(4);
    for (const label of labels.values()) expect(label.replaceAll('<br>', '')).not.toMatch(/["<>&`]|#(?!\d+;)/);
  });
});
