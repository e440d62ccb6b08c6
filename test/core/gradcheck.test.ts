/**
 * The gradcheck's kink flag, through POST /v1/gradcheck: when x - eps and x + eps put the input of
 * a relu, abs or leaky_relu on opposite sides of 0 (or one of them on 0), the result for that
 * element lists the node in `kinks` with a note, and `warnings` names every such node. The note
 * says "fails because" when the check fails there and "passes, but" when it passes although the
 * difference quotient spans the kink.
 *
 * Every number here is worked by hand with eps = 1e-4 (the default):
 *   numeric = (f(x + eps) - f(x - eps)) / (2 eps), and the analytic value is PyTorch's (numeric agrees to rounding, 1e-10):
 *   relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp({ pool: false });
});
afterAll(() => app.close());

interface Result {
  id: string;
  index: number[];
  analytic: number;
  numeric: number;
  pass: boolean;
  kinks: string[];
  note?: string;
}
interface Report {
  pass: boolean;
  results: Result[];
  warnings: { code: string; ids: string[]; message: string }[];
}

async function gradcheck(body: object, language?: string): Promise<Report> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/gradcheck',
    payload: body,
    headers: language ? { 'accept-language': language } : {},
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** `L = op(p)` on one param p (a scalar, a vector or a matrix), summed when it is not a scalar. */
const onParam = (op: string, p: number | number[] | number[][], attrs?: Record<string, number>) => ({
  graph: {
    params: { p },
    nodes: [
      { id: 'k', op, args: ['p'], ...(attrs ? { attrs } : {}) },
      ...(typeof p === 'number' ? [] : [{ id: 'L', op: 'sum', args: ['k'] }]),
    ],
  },
});

const EPS = 1e-4;
const FAILS = /^fails because the perturbation moves the input of a kink \(relu, abs or leaky_relu\) across 0/;
const PASSES = /^passes, but the perturbation moves the input of a kink \(relu, abs or leaky_relu\) across 0/;
const FALHA = /^falha porque a perturbação faz a entrada de um ponto de quebra \(relu, abs ou leaky_relu\) cruzar o 0/;
const PASSA = /^passa, mas a perturbação faz a entrada de um ponto de quebra \(relu, abs ou leaky_relu\) cruzar o 0/;

/** The one result of a scalar check, with the kink flagged and the warning naming the node. */
async function flagged(body: object): Promise<Result> {
  const report = await gradcheck(body);
  expect(report.results).toHaveLength(1);
  const [r] = report.results;
  expect(r.kinks).toEqual(['k']);
  expect(report.warnings).toEqual([
    { code: 'kink', ids: ['k'], message: expect.stringMatching(/^the check straddles the kink of 'k': /) },
  ]);
  expect(report.pass).toBe(r.pass);
  return r;
}

describe('POST /v1/gradcheck: the kink flag on a scalar', () => {
  it("relu with its input exactly at 0: numeric 1/2 against relu'(0) = 0, fails", async () => {
    // (relu(eps) - relu(-eps)) / 2eps = (eps - 0) / 2eps = 1/2.
    const r = await flagged(onParam('relu', 0));
    expect(r).toMatchObject({ analytic: 0, pass: false });
    expect(r.numeric).toBeCloseTo(0.5, 12);
    expect(r.note).toMatch(FAILS);
  });

  it('relu with its input inside epsilon of 0: numeric 3/4 against 1, fails', async () => {
    // x = eps/2: (relu(3eps/2) - relu(-eps/2)) / 2eps = (3eps/2) / 2eps = 3/4.
    const r = await flagged(onParam('relu', EPS / 2));
    expect(r).toMatchObject({ analytic: 1, pass: false });
    expect(r.numeric).toBeCloseTo(0.75, 10);
    expect(r.note).toMatch(FAILS);
  });

  it('relu whose input touches 0 from below: numeric 0 against 0, passes, but says so', async () => {
    // x = -eps: x + eps is exactly 0, so both evaluations are 0 and numeric = 0 = relu'(-eps).
    const r = await flagged(onParam('relu', -EPS));
    expect(r).toMatchObject({ analytic: 0, numeric: 0, pass: true });
    expect(r.note).toMatch(PASSES);
  });

  it("abs with its input exactly at 0: numeric 0 against abs'(0) = 0, passes, but says so", async () => {
    // (|eps| - |-eps|) / 2eps = 0.
    const r = await flagged(onParam('abs', 0));
    expect(r).toMatchObject({ analytic: 0, numeric: 0, pass: true });
    expect(r.note).toMatch(PASSES);
  });

  it('abs with its input inside epsilon of 0: numeric -1/2 against -1, fails', async () => {
    // x = -eps/2: (|eps/2| - |-3eps/2|) / 2eps = -eps / 2eps = -1/2.
    const r = await flagged(onParam('abs', -EPS / 2));
    expect(r).toMatchObject({ analytic: -1, pass: false });
    expect(r.numeric).toBeCloseTo(-0.5, 10);
    expect(r.note).toMatch(FAILS);
  });

  it('leaky_relu (alpha 0.1) with its input exactly at 0: numeric (1 + alpha)/2 against alpha, fails', async () => {
    // (eps - alpha · (-eps)) / 2eps = (1 + alpha) / 2 = 0.55.
    const r = await flagged(onParam('leaky_relu', 0, { alpha: 0.1 }));
    expect(r.analytic).toBe(0.1);
    expect(r.numeric).toBeCloseTo(0.55, 12);
    expect(r.pass).toBe(false);
    expect(r.note).toMatch(FAILS);
  });

  it('leaky_relu with its default alpha (0.01) at 0: numeric 0.505 against 0.01, fails', async () => {
    const r = await flagged(onParam('leaky_relu', 0));
    expect(r.analytic).toBe(0.01);
    expect(r.numeric).toBeCloseTo(0.505, 12);
    expect(r.note).toMatch(FAILS);
  });

  it('leaky_relu with alpha 1 (a straight line) at 0: numeric 1 against 1, passes, but says so', async () => {
    const r = await flagged(onParam('leaky_relu', 0, { alpha: 1 }));
    expect(r.analytic).toBe(1);
    expect(r.numeric).toBeCloseTo(1, 12);
    expect(r).toMatchObject({ pass: true, note: expect.stringMatching(PASSES) });
  });

  it('a kink whose input is computed to exactly 0: z = w*x + b = 0; L = abs(z), for every leaf', async () => {
    // w = 0.5, x = 2, b = -1: z = 0 exactly. Moving w by ±eps moves z by ±2 eps (x = 2), x by ±eps moves it by ±eps/2 (w = 0.5), b by ±eps;
    // each time |z| is the same on both sides, so numeric = 0 = abs'(0) · dz/dleaf.
    const report = await gradcheck({
      graph: { inputs: { x: 2 }, params: { w: 0.5, b: -1 }, expr: 'z = w*x + b; L = abs(z)' },
      wrt: ['w', 'x', 'b'],
    });
    // (x ± eps/2 rounds, so its two sides agree to rounding only.)
    expect(report.results.map((r) => [r.id, r.analytic, r.numeric, r.pass, r.kinks])).toEqual([
      ['w', 0, expect.closeTo(0, 10), true, ['L']],
      ['x', 0, expect.closeTo(0, 10), true, ['L']],
      ['b', 0, expect.closeTo(0, 10), true, ['L']],
    ]);
    for (const r of report.results) expect(r.note).toMatch(PASSES);
  });

  it('flags nothing when the input stays on one side: relu, abs and leaky_relu at 3 eps', async () => {
    for (const op of ['relu', 'abs', 'leaky_relu']) {
      const report = await gradcheck(onParam(op, 3 * EPS));
      expect(report.results[0]).toMatchObject({ kinks: [], pass: true });
      expect(report.results[0].note).toBeUndefined();
      expect(report.warnings).toEqual([]);
    }
  });
});

describe('POST /v1/gradcheck: the kink flag on tensor elements', () => {
  it('relu of a vector: only the elements whose perturbation crosses 0 are flagged, each by its index', async () => {
    // v = [-0.5, 0, 0.3, eps/2]: elements 1 (at 0: numeric 1/2, analytic 0) and 3 (inside eps:
    // numeric 3/4, analytic 1) straddle the kink; elements 0 and 2 stay on their sides. Element 1's
    // input sits at 0 while elements 0, 2 and 3 are perturbed, but does not move: not flagged then.
    const report = await gradcheck(onParam('relu', [-0.5, 0, 0.3, EPS / 2]));
    expect(report.pass).toBe(false);
    expect(report.results.map((r) => [r.index, r.kinks, r.pass, r.analytic])).toEqual([
      [[0], [], true, 0],
      [[1], ['k'], false, 0],
      [[2], [], true, 1],
      [[3], ['k'], false, 1],
    ]);
    expect(report.results[1].numeric).toBeCloseTo(0.5, 12);
    expect(report.results[3].numeric).toBeCloseTo(0.75, 10);
    expect(report.results.map((r) => r.note === undefined)).toEqual([true, false, true, false]);
    expect(report.results[1].note).toMatch(FAILS);
    expect(report.warnings).toEqual([
      { code: 'kink', ids: ['k'], message: expect.stringMatching(/^the check straddles the kink of 'k': /) },
    ]);
  });

  it('abs of a matrix with two elements at 0: those two pass with a note, by their [row, column] index', async () => {
    const report = await gradcheck(
      onParam('abs', [
        [0.5, 0],
        [0, -1],
      ]),
    );
    expect(report.pass).toBe(true);
    expect(report.results.map((r) => [r.index, r.kinks, r.pass, r.analytic, r.numeric])).toEqual([
      [[0, 0], [], true, 1, expect.closeTo(1, 10)],
      [[0, 1], ['k'], true, 0, 0],
      [[1, 0], ['k'], true, 0, 0],
      [[1, 1], [], true, -1, expect.closeTo(-1, 10)],
    ]);
    expect(report.results.map((r) => r.note)).toEqual([
      undefined,
      expect.stringMatching(PASSES),
      expect.stringMatching(PASSES),
      undefined,
    ]);
  });

  it('leaky_relu of a vector with an element at 0: numeric (1 + alpha)/2 there', async () => {
    const report = await gradcheck(onParam('leaky_relu', [2, 0], { alpha: 0.2 }));
    expect(report.results.map((r) => [r.index, r.kinks, r.pass])).toEqual([
      [[0], [], true],
      [[1], ['k'], false],
    ]);
    expect(report.results[1].analytic).toBe(0.2);
    expect(report.results[1].numeric).toBeCloseTo(0.6, 10);
  });

  it('one element read by relu, abs and leaky_relu: the result lists all three, and so does the warning', async () => {
    const report = await gradcheck({
      graph: {
        params: { v: [0, 1] },
        nodes: [
          { id: 'r', op: 'relu', args: ['v'] },
          { id: 'a', op: 'abs', args: ['v'] },
          { id: 'l', op: 'leaky_relu', args: ['v'] },
          { id: 'ra', op: 'add', args: ['r', 'a'] },
          { id: 'ral', op: 'add', args: ['ra', 'l'] },
          { id: 'L', op: 'sum', args: ['ral'] },
        ],
      },
    });
    expect(report.results.map((r) => [r.index, [...r.kinks].sort()])).toEqual([
      [[0], ['a', 'l', 'r']],
      [[1], []],
    ]);
    expect(report.warnings).toHaveLength(1);
    expect([...report.warnings[0].ids].sort()).toEqual(['a', 'l', 'r']);
    for (const id of ['r', 'a', 'l']) expect(report.warnings[0].message).toContain(`'${id}'`);
  });
});

describe('POST /v1/gradcheck: the note in each language', () => {
  it('"passes, but" and "fails because" in English, "passa, mas" and "falha porque" in Portuguese, with no English in it', async () => {
    const passing = { graph: { params: { p: 0 }, nodes: [{ id: 'k', op: 'abs', args: ['p'] }] } };
    const failing = { graph: { params: { p: 0 }, nodes: [{ id: 'k', op: 'relu', args: ['p'] }] } };
    const [enPass, ptPass, enFail, ptFail] = await Promise.all([
      gradcheck(passing),
      gradcheck(passing, 'pt-BR'),
      gradcheck(failing),
      gradcheck(failing, 'pt-BR'),
    ]);
    expect(enPass.results[0].note).toMatch(PASSES);
    expect(enFail.results[0].note).toMatch(FAILS);
    expect(ptPass.results[0].note).toMatch(PASSA);
    expect(ptFail.results[0].note).toMatch(FALHA);
    // The rest of the note: why, and what the analytic value follows.
    expect(enPass.results[0].note).toContain(
      "the analytic value follows PyTorch (relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha)",
    );
    expect(ptPass.results[0].note).toContain(
      "o valor analítico segue o PyTorch (relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha)",
    );
    expect(ptPass.warnings).toEqual([
      {
        code: 'kink',
        ids: ['k'],
        message: expect.stringMatching(/^a verificação atravessa o ponto de quebra de 'k': a perturbação/),
      },
    ]);
    expect(ptFail.warnings[0].message).toMatch(/^a verificação atravessa o ponto de quebra de 'k': /);
    for (const text of [ptPass.results[0].note!, ptFail.results[0].note!, ptPass.warnings[0].message]) {
      expect(text).not.toMatch(/\b(the|passes|fails|but|because|kink|check|across|where)\b/);
    }
    // L = sum(abs(p)): at 0 each element passes (numeric 0, analytic 0). relu(p) is read only by
    // a node the output does not depend on, but its input crosses 0 all the same, and the check
    // names it with abs.
    const offPath = {
      graph: {
        params: { p: [0, 0] },
        nodes: [
          { id: 'a', op: 'abs', args: ['p'] },
          { id: 'r', op: 'relu', args: ['p'] },
          { id: 's', op: 'mul', args: ['a', 'r'] },
          { id: 'L', op: 'sum', args: ['a'] },
        ],
        output: 'L',
      },
    };
    const both = await gradcheck(offPath, 'pt-BR');
    expect(both.results.map((r) => [...r.kinks].sort())).toEqual([
      ['a', 'r'],
      ['a', 'r'],
    ]);
    expect(both.results.every((r) => PASSA.test(r.note!))).toBe(true);
  });
});
