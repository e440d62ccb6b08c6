import { readFileSync, readdirSync } from 'node:fs';
import { JSDOM } from 'jsdom';
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

/** The DOT statement of the box of `id`, found by the SVG id it gives the box (`value-` and the id). */
function boxOf(dot: string, id: string): string {
  const lines = dot.split('\n').filter((line) => line.includes(`id="value-${id}"`));
  expect(lines, `one box for ${id}`).toHaveLength(1);
  return lines[0];
}

/** What a box is called: the bold first cell of its DOT label. */
const boxLabel = (box: string): string | undefined => /<B>([^<]*)<\/B>/.exec(box)?.[1];

/**
 * The tutorial's statements make two parts of `L = 0.5*(y_hat - y)^2`, with generated ids the
 * student never wrote: each box is labelled with its formula, as the statement writes it.
 */
const PARTS: Record<string, string> = { _t1: 'y_hat − y', _t2: '(y_hat − y)²' };

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
        expect(boxLabel(box)).toBe(escapeHtml(PARTS[id] ?? id));
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
      for (const id of ids) expect(firstLines.filter((line) => line === (PARTS[id] ?? id))).toHaveLength(1);
      expect(firstLines.filter((line) => line.startsWith('_t'))).toEqual([]);
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
    // The unnamed subexpressions are boxes like the others, labelled with their formulas, never
    // with the generated ids the student did not write; their SVG groups keep those ids, and name
    // the statement that holds them.
    const svg = await picture({ graph: expr }, 'svg');
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['y_hat − y', '(y_hat − y)²', 'y_hat', 'L']));
    expect(svgTexts(svg).filter((text) => text.startsWith('_t'))).toEqual([]);
    const groups = [...svg.matchAll(/<g id="value&#45;(\w+)" class="node([^"]*)">/g)].map((m) => [m[1], m[2]]);
    expect(groups).toEqual([
      ['x', ''],
      ['y', ''],
      ['w', ''],
      ['b', ''],
      ['u', ''],
      ['z', ''],
      ['y_hat', ''],
      ['_t1', ' part&#45;of&#45;L'],
      ['_t2', ' part&#45;of&#45;L'],
      ['L', ''],
    ]);
  });

  it('writes an op whose symbol needs its args with a part of the statement written out, not by its generated id', async () => {
    // L = −(a + b·a): the part a + b·a is a box of its own, and neg is written over it as the statement writes it.
    const graph = { params: { a: 2, b: -1 }, expr: 'L = -(a + b*a)' };
    const text = await picture({ graph }, 'mermaid');
    expect(opLabels(text)).toEqual(['×', '+', '−(a + b · a)']);
    const { labels } = mermaidStructure(text);
    expect([...labels.values()].map((label) => label.split('<br>')[0])).toEqual(
      expect.arrayContaining(['b · a', 'a + b · a', 'L']),
    );
    expect(text).not.toContain('_t');
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
    const y = (label: string) => texts.find((t) => t.text === label)!.y;
    expect(y('c')).toBeLessThan(y('a'));
    expect(y('W')).toBeLessThan(y('x'));
    // sum(h), the part of s = sum(h) / d that is its first arg, labelled with its formula.
    expect(y('Σh')).toBeLessThan(y('d'));
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

/** The conformance cases of the layer ops (issue 17): each a /v1/gradients request. */
const CONFORMANCE = new URL('../../conformance/', import.meta.url);
const layerCases = readdirSync(CONFORMANCE)
  .filter((name) => name.startsWith('layers-'))
  .map((name) => ({ name, request: JSON.parse(readFileSync(new URL(name, CONFORMANCE), 'utf8')).request as object }));
const smallCnn = layerCases.find((c) => c.name === 'layers-small-cnn-gradients.json')!.request;

/** The op labels of a Mermaid flowchart, in order: what the circles between the boxes say. */
const opLabels = (mermaid: string): string[] => [...mermaid.matchAll(/^ {2}f\d+\(\("([^"]*)"\)\)$/gm)].map((m) => m[1]);

interface HeatCell {
  row: number;
  col: number;
  fill: string;
}

/**
 * The heat maps of an SVG by their tooltips (`value [1×1×5×5]: min 0, max 24`): each grid's cells,
 * placed in rows and columns by their corners (SVG's y grows downwards).
 */
function heatMaps(svg: string): { title: string; cells: HeatCell[] }[] {
  /** What is read of the parsed SVG's elements (the DOM's types are not in this project's lib). */
  interface Element {
    getAttribute(name: string): string | null;
    getElementsByTagName(name: string): ArrayLike<Element>;
  }
  const doc = new new JSDOM('').window.DOMParser().parseFromString(svg, 'image/svg+xml') as unknown as Element;
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  const maps: { title: string; cells: HeatCell[] }[] = [];
  const groups = Array.from(doc.getElementsByTagName('g')).filter((g) => g.getAttribute('id')?.endsWith('-map'));
  for (const group of groups) {
    const link = group.getElementsByTagName('a')[0];
    const corners = Array.from(group.getElementsByTagName('polygon'), (polygon) => {
      const points = polygon
        .getAttribute('points')!
        .trim()
        .split(/\s+/)
        .map((pair) => pair.split(',').map(Number));
      const x = Math.min(...points.map(([px]) => px));
      const y = Math.min(...points.map(([, py]) => py));
      return { x, y, fill: polygon.getAttribute('fill')! };
    });
    const xs = [...new Set(corners.map((c) => c.x))].sort((a, b) => a - b);
    const ys = [...new Set(corners.map((c) => c.y))].sort((a, b) => a - b);
    const title = link.getAttribute('xlink:title')!;
    maps.push({ title, cells: corners.map((c) => ({ row: ys.indexOf(c.y), col: xs.indexOf(c.x), fill: c.fill })) });
  }
  return maps;
}

/** The cells of the one heat map titled `title`. */
function cellsOf(maps: ReturnType<typeof heatMaps>, title: string): HeatCell[] {
  const found = maps.filter((map) => map.title === title);
  expect(
    found.map((map) => map.title),
    title,
  ).toEqual([title]);
  return found[0].cells;
}

/** Relative luminance of `#rrggbb` (sRGB weights, without linearizing: enough to order viridis, which brightens monotonically). */
const luminance = (fill: string): number => {
  const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(fill.slice(at, at + 2), 16));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

/** Viridis' ends, as matplotlib gives them: the least value's colour and the largest's. */
const COLD = '#440154';
const HOT = '#fde725';

describe('POST /v1/render: the layer ops and tensors of rank 3 and 4 (issue 17)', () => {
  it('draws a small CNN (conv2d → relu → max_pool2d → flatten → linear → cross-entropy) in each format, each op in its notation', async () => {
    const ops = ['conv2d p=1', 'relu', 'maxpool 2×2', 'flatten', 'linear', 'cross-entropy'];
    const mermaid = await picture(smallCnn, 'mermaid');
    expect(await mermaidType(mermaid)).toBe('flowchart-v2');
    mermaidStructure(mermaid);
    expect(opLabels(mermaid)).toEqual(ops);
    const dot = await picture(smallCnn, 'dot');
    expect(await layoutErrors(dot)).toEqual([]);
    for (const op of ops) expect(dot).toContain(`label=<${escapeHtml(op)}>`);
    const texts = svgTexts(await picture(smallCnn, 'svg'));
    expect(texts).toEqual(expect.arrayContaining([...ops, 'x', 'W1', 'conv', 'act', 'pool', 'flat', 'logits', 'L']));
  });

  it("shows a rank-4 value's shape, then its first matrix under its index, with its gradient likewise", async () => {
    const p = prose('en');
    const { values, gradients: exact } = await gradients(smallCnn);
    const x = values.x as number[][][][];
    const gx = exact.x as number[][][][];
    const row = (r: number[]) => `[${[...r.slice(0, 3).map((v) => p.n(v)), '…', p.n(r[5])].join(', ')}]`;
    const dot = await picture(smallCnn, 'dot');
    // x is [2, 1, 6, 6]: x[0, 0] has 6 rows of 6; the first three and the last are shown.
    const rows = (m: number[][]) => [row(m[0]), row(m[1]), row(m[2]), '⋮', row(m[5])].join('<BR/>');
    expect(boxOf(dot, 'x')).toContain(`value [2×1×6×6]<BR/>[0, 0, :, :]<BR/>${rows(x[0][0])}`);
    expect(boxOf(dot, 'x')).toContain(`gradient [2×1×6×6]<BR/>[0, 0, :, :]<BR/>${rows(gx[0][0])}`);
    expect(row(x[0][0][0])).toBe('[0.47, 0.66, 0.67, …, 0.37]');
    const mermaid = await picture(smallCnn, 'mermaid', 'pt-BR');
    expect(mermaid).toContain('valor [2×1×6×6]<br>[0, 0, :, :]<br>[0,47; 0,66; 0,67; …; 0,37]');
    // The heat map's legend in Portuguese: x[0, 0] runs from 0.01 to 0.99.
    expect(svgTexts(await picture(smallCnn, 'svg', 'pt-BR'))).toEqual(expect.arrayContaining(['mín 0,01', 'máx 0,99']));
    expect(await mermaidType(mermaid)).toBe('flowchart-v2');
  });

  it('writes each layer op with its attrs as a course does, in each language', async () => {
    const labels = new Map<string, string[]>();
    for (const { name, request } of layerCases) {
      for (const language of ['en', 'pt-BR']) {
        const mermaid = await picture(request, 'mermaid', language);
        expect(await mermaidType(mermaid), name).toBe('flowchart-v2');
        labels.set(`${name} ${language}`, opLabels(mermaid));
      }
    }
    const of = (name: string, language = 'en') => labels.get(`layers-${name}-gradients.json ${language}`);
    expect(of('conv2d-stride2-padding1')).toContain('conv2d s=2 p=1');
    expect(of('max-pool2d')).toEqual(expect.arrayContaining(['maxpool 2×2', 'maxpool 3×3 s=1']));
    expect(of('avg-pool2d')).toEqual(expect.arrayContaining(['avgpool 2×2', 'avgpool 3×3 s=2']));
    expect(of('batch-norm-rank2')).toContain('BN');
    expect(of('batch-norm-rank4', 'pt-BR')).toContain('BN eps=0,001');
    expect(of('layer-norm')).toContain('LN');
    // Dropout's p is written even at its default 0.5: a reader of CS231n would take it for the keep probability.
    expect(of('dropout')).toEqual(expect.arrayContaining(['dropout p=0.5', 'dropout p=0.25']));
    expect(of('dropout', 'pt-BR')).toContain('dropout p=0,25');
    expect(of('embedding-repeated-index')).toContain('embedding');
    expect(of('flatten')).toContain('flatten');
    expect(of('slice-concat')).toEqual(
      expect.arrayContaining(['slice axis=1 [0:2]', 'slice axis=1 [−3:−1]', 'concat axis=1', 'concat axis=0']),
    );
    expect(of('sum-mean-axis')).toEqual(expect.arrayContaining(['Σ axis=1', 'mean axis=−1', 'mean']));
  });

  it('draws every layers-* conformance case as DOT that Graphviz lays out and as well-formed SVG', async () => {
    for (const { name, request } of layerCases) {
      expect(await layoutErrors(await picture(request, 'dot')), name).toEqual([]);
      expect(svgTexts(await picture(request, 'svg')).length, name).toBeGreaterThan(0);
    }
  });

  // x[0, 0] is a 5×5 permutation of 0..24, 7·k mod 25 at row-major k: the least at (0, 0), the largest at (1, 2) (7 · 7 = 49 ≡ 24).
  const permutation = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => (7 * (5 * i + j)) % 25));
  const imageGraph = {
    inputs: { x: [[permutation]] },
    nodes: [
      { id: 'sq', op: 'square', args: ['x'] },
      { id: 'L', op: 'sum', args: ['sq'] },
    ],
  };

  it("draws an image's values and gradients as heat maps in SVG: a cell each, coloured from the least (cold) to the largest (hot)", async () => {
    expect(permutation[1][2]).toBe(24);
    const maps = heatMaps(await picture({ graph: imageGraph }, 'svg'));
    // x, dL/dx = 2x, sq = x², and dL/dsq = 1 everywhere.
    expect(maps.map((map) => map.title).sort()).toEqual(
      [
        'gradient [1×1×5×5]: min 0, max 48',
        'gradient [1×1×5×5]: min 1, max 1',
        'value [1×1×5×5]: min 0, max 24',
        'value [1×1×5×5]: min 0, max 576',
      ].sort(),
    );
    for (const title of ['value [1×1×5×5]: min 0, max 24', 'gradient [1×1×5×5]: min 0, max 48']) {
      const cells = cellsOf(maps, title);
      expect(cells, title).toHaveLength(25);
      const at = (r: number, c: number) => cells.find((cell) => cell.row === r && cell.col === c)!.fill;
      expect(at(0, 0), title).toBe(COLD);
      expect(at(1, 2), title).toBe(HOT);
      // Brighter for each larger value: viridis' lightness grows from its cold end to its hot end.
      const byValue = cells.map((cell) => ({ v: permutation[cell.row][cell.col], l: luminance(cell.fill) }));
      byValue.sort((a, b) => a.v - b.v);
      for (let k = 1; k < byValue.length; k++)
        expect(byValue[k].l, `${title} at ${k}`).toBeGreaterThan(byValue[k - 1].l);
    }
    // A constant gradient: one colour, neither end.
    const ones = new Set(cellsOf(maps, 'gradient [1×1×5×5]: min 1, max 1').map((cell) => cell.fill));
    expect(ones.size).toBe(1);
    expect([...ones][0]).not.toMatch(new RegExp(`${COLD}|${HOT}`));
    const texts = svgTexts(await picture({ graph: imageGraph }, 'svg'));
    expect(texts).toEqual(expect.arrayContaining(['min 0', 'max 24', 'max 48']));
  });

  it('draws at most 8×8 cells: a larger matrix shows every k-th row and column, as Python slices it', async () => {
    const big = Array.from({ length: 20 }, (_, i) => Array.from({ length: 20 }, (_, j) => i + j));
    const tall = Array.from({ length: 12 }, (_, i) => Array.from({ length: 6 }, (_, j) => i * 6 + j));
    const graph = {
      params: { x: [[big]], M: tall },
      nodes: [
        { id: 'a', op: 'sum', args: ['x'] },
        { id: 'b', op: 'sum', args: ['M'] },
        { id: 'L', op: 'add', args: ['a', 'b'] },
      ],
    };
    const svg = await picture({ graph }, 'svg');
    const maps = heatMaps(svg);
    // Rows and columns 0, 3, …, 18 of x[0, 0]: 7 × 7 cells, from 0 + 0 to 18 + 18.
    const x = cellsOf(maps, 'value [1×1×20×20] [0, 0, ::3, ::3]: min 0, max 36');
    expect(x).toHaveLength(49);
    expect(x.find((c) => c.row === 6 && c.col === 6)!.fill).toBe(HOT);
    // Rows 0, 2, …, 10 of M, every column: 6 × 6 cells, from 0 to 10·6 + 5.
    expect(cellsOf(maps, 'value [12×6] [::2, :]: min 0, max 65')).toHaveLength(36);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['[0, 0, ::3, ::3]', '[::2, :]']));
  });

  it('paints a NaN cell grey and an infinite one at the end of its sign, the scale spanning the finite values', async () => {
    // log of a 5×5 matrix: log(-1) is NaN at (0, 0), log(0) is −Infinity at (0, 1), log(e^k) = k elsewhere.
    const M = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => Math.exp(5 * i + j)));
    M[0][0] = -1;
    M[0][1] = 0;
    const graph = { params: { M }, nodes: [{ id: 'l', op: 'log', args: ['M'] }] };
    const maps = heatMaps(await picture({ graph }, 'svg'));
    const cells = cellsOf(maps, 'value [5×5]: min 2, max 24');
    const at = (r: number, c: number) => cells.find((cell) => cell.row === r && cell.col === c)!.fill;
    expect([at(0, 0), at(0, 1), at(0, 2), at(4, 4)]).toEqual(['#bbbbbb', COLD, COLD, HOT]);
    expect(await layoutErrors(await picture({ graph }, 'dot'))).toEqual([]);
  });

  it('draws no heat map for a matrix shown in full, nor in Mermaid; a value without a gradient has none for it', async () => {
    expect(heatMaps(await picture({ network }, 'svg'))).toEqual([]);
    const mermaid = await picture({ graph: imageGraph }, 'mermaid');
    for (const word of [COLD, HOT, 'min ', 'max ']) expect(mermaid).not.toContain(word);
    // A non-scalar output: the values' heat maps only.
    const values = { inputs: { x: [[permutation]] }, nodes: [{ id: 'y', op: 'relu', args: ['x'] }] };
    expect(heatMaps(await picture({ graph: values }, 'svg')).map((map) => map.title)).toEqual([
      'value [1×1×5×5]: min 0, max 24',
      'value [1×1×5×5]: min 0, max 24',
    ]);
  });
});

describe('escaping in pictures', () => {
  const nasty = `a "b" <c> & d's #35; #quot; {x|y} [z] \\n é ½(p−y)² ; -Infinity NaN \`e\``;
  const drawing: GraphPicture = {
    boxes: [
      {
        key: 'v0',
        id: 'x',
        label: 'x',
        role: 'input',
        output: false,
        shape: '',
        value: [nasty],
        gradient: ['-Infinity'],
      },
      { key: 'v1', id: null, label: null, role: 'literal', output: false, shape: '', value: [nasty] },
      {
        key: 'v2',
        id: 'y',
        // A part's label is a formula: any text.
        label: nasty,
        partOf: 'L',
        role: 'node',
        output: true,
        shape: '[2]',
        value: [nasty, '⋮', 'NaN'],
        gradient: [nasty],
        valueMap: { slice: nasty, rows: 1, cols: 2, fills: ['#440154', '#fde725'], low: nasty, high: 'máx NaN' },
      },
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
    // A heat map's legend and tooltip too.
    expect(result).toEqual(expect.arrayContaining(['máx NaN']));
    expect(result.filter((t) => t === nasty).length).toBeGreaterThanOrEqual(6);
    expect(heatMaps(await svgOf(dot)).map((map) => map.title)).toEqual([`valor <&> [2] ${nasty}: ${nasty}, máx NaN`]);
  });

  it("keeps any text in a Mermaid label inside its quotes: Mermaid's parser reads it", async () => {
    const text = toMermaid(drawing);
    expect(await mermaidType(text)).toBe('flowchart-v2');
    const { labels } = mermaidStructure(text);
    expect(labels.size).toBe(4);
    for (const label of labels.values()) expect(label.replaceAll('<br>', '')).not.toMatch(/["<>&`]|#(?!\d+;)/);
  });
});
