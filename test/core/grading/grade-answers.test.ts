/**
 * Issue 14, what a newcomer hit in POST /v1/grade: a blank or odd answer is a result of its own,
 * never a 400 that loses every other grade; shapes count (a transposed matrix is diagnosed, a
 * vector written as a row gets no credit); `∂` in answer keys and "did you mean" for an unknown
 * key; CodeRunner's Expected column rounded, optional, and explaining follow-through.
 *
 * Expected values are hand-computed from the tutorial's neuron (x = 3, w = -0.2, b = 0.4, y = 0):
 * u = -0.6, z = -0.2, y_hat = σ(-0.2) = 0.450166, dL/dy_hat = y_hat, dL/dz = y_hat² (1 − y_hat) =
 * 0.111424, dL/dw = 3 · dL/dz = 0.334271; and from small matrix graphs written out below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleSpecs } from '../../../src/schemas/examples.js';
import { buildTestApp } from '../../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp({ pool: false });
});
afterAll(() => app.close());

type Locale = 'en' | 'pt-BR';
const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const yHat = sigmoid(-0.2);
const dLdz = yHat * yHat * (1 - yHat);

interface Result {
  key: string;
  submitted: unknown;
  correct: boolean;
  credit: number;
  absError: number | null;
  diagnosis: string | null;
  feedback: string;
  followedFrom: string[];
}

const post = (body: object, locale: Locale = 'en') =>
  app.inject({ method: 'POST', url: '/v1/grade', payload: body, headers: { 'accept-language': locale } });

async function grade(body: object, locale: Locale = 'en'): Promise<{ score: number; results: Result[] }> {
  const res = await post(body, locale);
  expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
  return res.json();
}

const byKey = (results: Result[]) => Object.fromEntries(results.map((r) => [r.key, r]));

describe('POST /v1/grade: a blank or odd answer is a result of its own', () => {
  it('grades null, true, false, an object, [], "" and a list nested too deep as unparseable, and every other answer as usual', async () => {
    const answers = {
      y_hat: null,
      u: -0.6,
      z: true,
      'dL/dw': false,
      'dL/dz': { answer: 1 },
      'dL/db': [],
      L: '',
      'dL/du': [[[[[1]]]]], // rank 5
      'dL/dy_hat': 0.4502,
    };
    const body = await grade({ neuron, answers });
    const r = byKey(body.results);
    expect(body.results.map((x) => x.key)).toEqual(Object.keys(answers));
    expect(r.u).toMatchObject({ correct: true, credit: 1 });
    expect(r['dL/dy_hat']).toMatchObject({ correct: true, credit: 1 });
    for (const key of ['y_hat', 'z', 'dL/dw', 'dL/dz', 'dL/db', 'L', 'dL/du']) {
      expect(r[key], key).toMatchObject({ correct: false, credit: 0, absError: null, diagnosis: 'unparseable' });
    }
    expect(body.score).toBeCloseTo(2 / 9, 12);
    // As sent, an object as its JSON text.
    expect([
      r.y_hat.submitted,
      r.z.submitted,
      r['dL/dw'].submitted,
      r['dL/dz'].submitted,
      r['dL/db'].submitted,
    ]).toEqual([null, true, false, '{"answer":1}', []]);
  });

  it.each([
    ['null', null],
    ['an empty list', []],
    ['a list of nulls', [null, null]],
  ])('reads %s as no answer given, in each language', async (_name, blank) => {
    const answers = { 'dL/dz': blank, u: -0.6 };
    expect(byKey((await grade({ neuron, answers })).results)['dL/dz'].feedback).toBe('dL/dz: no answer was given.');
    expect(byKey((await grade({ neuron, answers }, 'pt-BR')).results)['dL/dz'].feedback).toBe(
      'dL/dz: nenhuma resposta foi dada.',
    );
  });

  it('quotes true and false as typed, in each language', async () => {
    const en = byKey((await grade({ neuron, answers: { z: true, u: false } })).results);
    expect(en.z.feedback).toBe(
      "z: 'true' is not a number we can read. Write a decimal such as 0.25 or 0,25, or a fraction such as 1/4.",
    );
    const pt = byKey((await grade({ neuron, answers: { z: true, u: false } }, 'pt-BR')).results);
    expect(pt.u.feedback).toBe(
      "u: não conseguimos ler 'false' como número. Escreva um decimal como 0,25 ou 0.25, ou uma fração como 1/4.",
    );
  });

  it('says a list nested deeper than rank 4 is no list of numbers or rows, in each language', async () => {
    const answers = { 'dL/dz': [[[[[dLdz]]]]] };
    expect((await grade({ neuron, answers })).results[0].feedback).toBe(
      'dL/dz: the answer is neither a list of numbers nor rows of equal length.',
    );
    expect((await grade({ neuron, answers }, 'pt-BR')).results[0].feedback).toBe(
      'dL/dz: a resposta não é uma lista de números nem linhas de mesmo comprimento.',
    );
  });

  it('takes an odd value inside the {value, tolerance} form as an unparseable answer too', async () => {
    const body = await grade({ neuron, answers: { y_hat: { value: null, tolerance: { decimals: 2 } }, u: -0.6 } });
    expect(body.results[0]).toMatchObject({
      diagnosis: 'unparseable',
      feedback: 'y_hat: no answer was given.',
      tolerance: { decimals: 2 },
    });
    expect(body.results[1].correct).toBe(true);
  });

  it('still refuses a {value, tolerance} form whose tolerance is wrong: a 400 naming the answer', async () => {
    const res = await post({ neuron, answers: { y_hat: { value: 0.45, tolerance: { sigfigs: 99 } }, u: -0.6 } });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .join(' '),
    ).toContain('answers.y_hat');
  });

  it('echoes at most 100 characters of an answer nested thousands deep, and grades the others', async () => {
    // Written as text: JSON.stringify itself cannot write such a value.
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    const object = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const payload = `{"neuron":${JSON.stringify(neuron)},"answers":{"dL/dz":${deep},"dL/dw":${object},"u":-0.6}}`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/grade',
      payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const r = byKey(res.json().results);
    expect(r['dL/dz'].diagnosis).toBe('unparseable');
    expect(JSON.stringify(r['dL/dz'].submitted).length).toBeLessThan(2 * 110);
    expect(r['dL/dw']).toMatchObject({
      diagnosis: 'unparseable',
      submitted: expect.stringMatching(/^\{"a":\{"a":.*…$/),
    });
    expect((r['dL/dw'].submitted as string).length).toBe(100);
    expect(r.u.correct).toBe(true);
  });
});

describe('POST /v1/grade: shapes count', () => {
  /** L = sum(x · W), x 1×3, W 3×2: h = x · W = [[2.2, 2.8]], dL/dW = xᵀ · [1, 1] = [[1, 1], [2, 2], [3, 3]]. */
  const matrix = {
    graph: {
      inputs: { x: [[1, 2, 3]] },
      params: {
        W: [
          [0.1, 0.2],
          [0.3, 0.4],
          [0.5, 0.6],
        ],
      },
      expr: 'h = matmul(x, W); L = sum(h)',
    },
  };
  /** L = sum(b · b), b = [1, 2]: dL/db = 2b = [2, 4], a vector of shape [2]. */
  const vector = { graph: { params: { b: [1, 2] }, expr: 'L = sum(b * b)' } };

  it('gives a transposed 3×2 gradient no element credit and diagnoses it transposed', async () => {
    const [r] = (
      await grade({
        ...matrix,
        answers: {
          'dL/dW': [
            [1, 2, 3],
            [1, 2, 3],
          ],
        },
      })
    ).results;
    // Flattened, two of its six elements would fall on right ones: no such credit.
    expect(r).toMatchObject({ correct: false, credit: 0, absError: null, diagnosis: 'transposed' });
  });

  it('gives an answer of another shape no rounding either, whatever its elements', async () => {
    // x = [[0.5, 1.5, 2.5]]: dL/dW = [[0.5, 0.5], [1.5, 1.5], [2.5, 2.5]]; its elements in their
    // order, the last one rounded, but written 2×3: flattened, a rounding of the value.
    const halves = { graph: { ...matrix.graph, inputs: { x: [[0.5, 1.5, 2.5]] } } };
    const [r] = (
      await grade({
        ...halves,
        answers: {
          'dL/dW': [
            [0.5, 0.5, 1.5],
            [1.5, 2.5, 2.6],
          ],
        },
      })
    ).results;
    expect(r).toMatchObject({ correct: false, credit: 0, diagnosis: null });
    expect(r.feedback).toBe('dL/dW: expected a tensor of shape [3, 2], but the answer has shape [2, 3].');
  });

  it('diagnoses a transposed value of any matrix-valued key: h = x · W, [1, 2], written as a column', async () => {
    const [r] = (await grade({ ...matrix, answers: { h: [[2.2], [2.8]] } }, 'pt-BR')).results;
    expect(r).toMatchObject({ credit: 0, diagnosis: 'transposed' });
    expect(r.feedback).toBe(
      'h: a resposta está transposta: as suas linhas são as colunas do valor esperado. h tem formato [1, 2].',
    );
  });

  it('diagnoses a transposed square matrix, crediting only its elements that are right where they stand', async () => {
    // x = [[1, 2]], W 2×2: dL/dW = [[1, 1], [2, 2]]; transposed, [[1, 2], [1, 2]] has its diagonal right.
    const square = {
      graph: {
        inputs: { x: [[1, 2]] },
        params: {
          W: [
            [0.1, 0.2],
            [0.3, 0.4],
          ],
        },
        expr: 'L = sum(matmul(x, W))',
      },
    };
    const [r] = (
      await grade({
        ...square,
        answers: {
          'dL/dW': [
            [1, 2],
            [1, 2],
          ],
        },
      })
    ).results;
    expect(r).toMatchObject({ correct: false, credit: 0.5, diagnosis: 'transposed' });
  });

  it("diagnoses a transposed answer that follows from the student's wrong earlier answer", async () => {
    // With the student's h = [[3, 5]] (wrong), dL/dh = 1 still, so dL/dW is unchanged; take y = sum(h * h):
    // dL/dh = 2h = [[6, 10]] from the student's h, dL/dW = xᵀ · dL/dh = [[6, 10], [12, 20], [18, 30]].
    const squared = { graph: { ...matrix.graph, expr: 'h = matmul(x, W); L = sum(h * h)' } };
    const body = await grade({
      ...squared,
      answers: {
        h: [[3, 5]],
        'dL/dW': [
          [6, 12, 18],
          [10, 20, 30],
        ],
      },
    });
    expect(body.results[1]).toMatchObject({ credit: 0, diagnosis: 'transposed' });
  });

  it('refuses a vector [n] written as a 1×n row or an n×1 column: no credit, both shapes named', async () => {
    for (const written of [[[2, 4]], [[2], [4]]]) {
      const [r] = (await grade({ ...vector, answers: { 'dL/db': written } })).results;
      expect(r).toMatchObject({ correct: false, credit: 0, absError: null, diagnosis: null });
      expect(r.feedback).toMatch(
        /^dL\/db: expected a tensor of shape \[2\], but the answer has shape \[(1, 2|2, 1)\]\. Write a vector as one flat list of its 2 numbers/,
      );
    }
    const [ok] = (await grade({ ...vector, answers: { 'dL/db': [2, 4] } })).results;
    expect(ok).toMatchObject({ correct: true, credit: 1 });
  });

  it('reads one number written as x, [x] or [[x]] alike, for a value of one element', async () => {
    // The 2-2-1 network on one example: z2 = -0.125, a2 = σ(z2), L = (a2 − 1)²; dL/dz2 (shape [1, 1]) = 2(a2 − 1) · a2 (1 − a2).
    const a2 = sigmoid(-0.125);
    const dLdz2 = 2 * (a2 - 1) * a2 * (1 - a2);
    const network = { network: exampleSpecs.network };
    for (const written of [dLdz2, [dLdz2], [[dLdz2]]]) {
      expect(
        (await grade({ ...network, answers: { 'dL/dz2': written } })).results[0],
        JSON.stringify(written),
      ).toMatchObject({ correct: true });
    }
    expect((await grade({ neuron, answers: { y_hat: [[yHat]] } })).results[0].correct).toBe(true);
  });

  it('lists transposed among the diagnoses of GET /v1/ops, with its definition', async () => {
    const { diagnoses } = (await app.inject({ method: 'GET', url: '/v1/ops' })).json();
    const transposed = diagnoses.find((d: { code: string }) => d.code === 'transposed');
    expect(transposed.definition).toMatch(/transpose/);
  });
});

describe('POST /v1/grade: answer keys', () => {
  it('reads ∂ as d, and echoes the key as sent', async () => {
    const body = await grade({ neuron, answers: { '∂L/∂w': 3 * dLdz, '∂L / ∂z': dLdz } });
    expect(body.results.map((r) => [r.key, r.correct])).toEqual([
      ['∂L/∂w', true],
      ['∂L / ∂z', true],
    ]);
  });

  it('suggests the nearest key for an unknown one, in errors[].message and suggestions, in each language', async () => {
    const en = await post({ neuron, answers: { yhat: 0.45, 'dL/dyhat': 0.45, u: -0.6 } });
    expect(en.statusCode).toBe(422);
    const problem = en.json();
    expect(problem.code).toBe('UNKNOWN_ANSWER_KEY');
    expect(problem.errors).toEqual([
      { path: 'answers.yhat', message: expect.stringMatching(/; did you mean y_hat\?$/) },
      {
        path: 'answers.dL/dyhat',
        message: "answer key 'dL/dyhat' names no id 'yhat' of this problem; did you mean dL/dy_hat?",
      },
    ]);
    expect(problem.suggestions).toEqual(['y_hat', 'dL/dy_hat']);
    const pt = (await post({ neuron, answers: { 'dL/dyhat': 0.45 } }, 'pt-BR')).json();
    expect(pt.errors[0].message).toBe(
      "a chave de resposta 'dL/dyhat' cita 'yhat', que não é um id deste problema; você quis dizer dL/dy_hat?",
    );
  });

  it('suggests the same letter in the other case for a one-letter id, and no other letter', async () => {
    const problem = (await post({ neuron, answers: { 'dl/dw': 1, 'dL/dq': 1 } })).json();
    expect(problem.suggestions).toEqual(['dL/dw']);
    expect(problem.errors[0].message).toBe("answer key 'dl/dw' names no id 'l' of this problem; did you mean dL/dw?");
    expect(problem.errors[1].message).toBe("answer key 'dL/dq' names no id 'q' of this problem");
  });

  it('suggests nothing for a key far from every id, nor for one much longer than every id', async () => {
    const problem = (await post({ neuron, answers: { 'dL/dbanana': 1 } })).json();
    expect(problem.suggestions).toEqual([]);
    expect(problem.errors[0].message).not.toMatch(/did you mean/);
    const long = (await post({ neuron, answers: { [`dL/d${'y'.repeat(260)}`]: 1 } })).json();
    expect(long).toMatchObject({ code: 'UNKNOWN_ANSWER_KEY', suggestions: [] });
    expect(long.errors[0].message).toBe(
      `answer key 'dL/d${'y'.repeat(95)}…' names no id '${'y'.repeat(99)}…' of this problem`,
    );
  });
});

describe('POST /v1/grade format coderunner', () => {
  type Row = [boolean, string, ...string[]];
  async function table(body: object, locale: Locale = 'en'): Promise<Row[]> {
    const res = await post({ neuron, format: 'coderunner', ...body }, locale);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    return res.json().testresults;
  }

  it('shows Expected rounded to what the tolerance asks, not float noise', async () => {
    // Default rtol 1e-3: half a unit of the last decimal within 1e-3 · |e|: 3 decimals for 0.6, 4 for 0.45.
    const rows = await table({ answers: { u: -0.6, y_hat: 0.4502 } });
    expect(rows[0]).toEqual(['iscorrect', 'Answer', 'Expected', 'Got', 'Feedback']);
    expect(rows.slice(1).map((r) => r[2])).toEqual(['-0.600', '0.4502']);
    // sigfigs 3: 0.450 (3 significant figures); decimals 2: 0.45.
    expect((await table({ tolerance: { sigfigs: 3 }, answers: { y_hat: 0.45 } }))[1][2]).toBe('0.450');
    expect((await table({ tolerance: { decimals: 2 }, answers: { y_hat: 0.45 } }))[1][2]).toBe('0.45');
    expect((await table({ answers: { y_hat: 0.4502 } }, 'pt-BR'))[1][2]).toBe('0,4502');
  });

  it('explains a follow-through ✓ in its Expected cell, in each language', async () => {
    // y_hat = 0.5 is wrong; from it dL/dz = 0.5 · 0.5 · 0.5 = 0.125.
    const answers = { y_hat: 0.5, 'dL/dz': 0.125 };
    const en = await table({ answers });
    expect(en[2].slice(0, 4)).toEqual([true, 'dL/dz', '0.1250 (follows from your y_hat)', '0.125']);
    const pt = await table({ answers }, 'pt-BR');
    expect(pt[2][2]).toBe('0,1250 (decorre da sua resposta para y_hat)');
  });

  it('leaves the Expected column out with showExpected: false', async () => {
    const rows = await table({ showExpected: false, answers: { u: -0.6, y_hat: 0.5 } });
    expect(rows[0]).toEqual(['iscorrect', 'Answer', 'Got', 'Feedback']);
    expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([
      [true, 'u', '-0.6'],
      [false, 'y_hat', '0.5'],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/0[.,]4502|0[.,]60{2}/);
  });
});
