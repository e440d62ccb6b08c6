/**
 * POST /v1/grade gives credit only for finite numbers (issue 13). The audit's two submissions are
 * replayed as sent: answers that read as infinite ("1e999") earned follow-through credit, and a
 * finite 1e308 made the follow-through value of the next step overflow, so that any number was
 * "correct given your earlier answers". Neither may earn anything now, and each result says why,
 * in English and in Portuguese.
 *
 * Expected values are the tutorial's neuron by hand (x = 3, w = -0.2, b = 0.4, y = 0, lr = 0.1):
 * z = -0.2, y_hat = σ(z), dL/dy_hat = y_hat, dy_hat/dz = y_hat (1 − y_hat), dL/dz = their product,
 * dL/dw = 3 · dL/dz, dL/db = dL/dz.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp({ pool: false });
});
afterAll(() => app.close());

type Locale = 'en' | 'pt-BR';
type Json = Record<string, any>;

const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };
const yHat = 1 / (1 + Math.exp(0.2));
const dLdz = yHat * yHat * (1 - yHat);
/** The forward values, right. */
const forward = { u: -0.6, z: -0.2, y_hat: yHat, L: 0.5 * yHat * yHat };

/** Posts a grade as text, so that a JSON number beyond float64 (1e999) can be sent as such. */
async function grade(payload: string | object, locale: Locale = 'en'): Promise<Json> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/grade',
    headers: { 'content-type': 'application/json', 'accept-language': locale },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const resultOf = (report: Json, key: string): Json => report.results.find((r: Json) => r.key === key);

/** What a student sees of one result. */
const seen = (r: Json) => ({
  correct: r.correct,
  credit: r.credit,
  followThrough: r.followThrough,
  diagnosis: r.diagnosis,
});
const noCredit = (diagnosis: string | null) => ({ correct: false, credit: 0, followThrough: false, diagnosis });

const NOT_FINITE = {
  en: (key: string, text: string) =>
    `${key}: '${text}' is not a finite number (it is infinite, NaN, or beyond ±1.8e308). Write a finite number: a decimal such as 0.25 or 0,25, or a fraction such as 1/4.`,
  'pt-BR': (key: string, text: string) =>
    `${key}: '${text}' não é um número finito (é infinito, NaN ou passa de ±1,8e308). Escreva um número finito: um decimal como 0,25 ou 0.25, ou uma fração como 1/4.`,
};

describe('POST /v1/grade: the audit\'s "1e999" submission', () => {
  const answers = {
    ...forward,
    'dL/dz': '1e999',
    'dL/dw': '-1e999',
    'dL/db': '-1e999',
    'step(w)': 123,
    'step(b)': -456,
  };

  it.each<Locale>(['en', 'pt-BR'])(
    'credits the forward values only, and says the infinite answers are not finite numbers (%s)',
    async (locale) => {
      const report = await grade({ neuron, learningRate: 0.1, answers }, locale);
      expect(report).toMatchObject({ correct: 4, total: 9, score: 4 / 9 });
      for (const key of ['dL/dz', 'dL/dw', 'dL/db']) {
        const r = resultOf(report, key);
        expect(seen(r), key).toEqual(noCredit('unparseable'));
        expect(r.submitted).toBe(answers[key as keyof typeof answers]);
        expect(r.feedback).toBe(NOT_FINITE[locale](key, answers[key as keyof typeof answers] as string));
      }
      // Nothing to follow through from: the steps are wrong against the true dL/dw and dL/db.
      expect(seen(resultOf(report, 'step(w)'))).toEqual(noCredit(null));
      expect(seen(resultOf(report, 'step(b)'))).toEqual(noCredit(null));
      expect(resultOf(report, 'step(w)').followedFrom).toEqual([]);
      expect(JSON.stringify(report)).not.toMatch(/10\^Infinity|10\^NaN/);
    },
  );

  it.each([
    ['Infinity'],
    ['-Infinity'],
    ['NaN'],
    ['inf'],
    ['-inf'],
    ['nan'],
    ['∞'],
    [' 1e400 '],
    ['−1e309'],
    ['1,5e999'],
  ])('reads %j as a number that is not finite: unparseable', async (text) => {
    const report = await grade({ neuron, answers: { 'dL/dz': text } });
    const r = resultOf(report, 'dL/dz');
    expect(seen(r)).toEqual(noCredit('unparseable'));
    expect(r.feedback).toBe(NOT_FINITE.en('dL/dz', text));
  });

  it.each([[`1${'0'.repeat(400)}`], [`-1${'0'.repeat(400)}/3`]])(
    'reads 401 digits (%s) as a number that is not finite: unparseable',
    async (text) => {
      const report = await grade({ neuron, answers: { 'dL/dz': text } });
      const r = resultOf(report, 'dL/dz');
      expect(seen(r)).toEqual(noCredit('unparseable'));
      // The quote of so long a text is cut short.
      expect(r.feedback).toMatch(
        /^dL\/dz: '-?10+\S*' is not a finite number \(it is infinite, NaN, or beyond ±1\.8e308\)\. /,
      );
    },
  );

  it('grades a JSON number beyond float64 (1e999) as unparseable, and reports it as "Infinity"', async () => {
    const text = `{"neuron": ${JSON.stringify(neuron)}, "answers": {"dL/dz": 1e999, "dL/dw": [-1e999], "u": -0.6}}`;
    for (const locale of ['en', 'pt-BR'] as const) {
      const report = await grade(text, locale);
      expect(report).toMatchObject({ correct: 1, total: 3 });
      const dz = resultOf(report, 'dL/dz');
      expect(seen(dz)).toEqual(noCredit('unparseable'));
      expect(dz.submitted).toBe('Infinity');
      expect(dz.feedback).toBe(NOT_FINITE[locale]('dL/dz', 'Infinity'));
      const dw = resultOf(report, 'dL/dw');
      expect(seen(dw)).toEqual(noCredit('unparseable'));
      expect(dw.submitted).toEqual(['-Infinity']);
    }
  });

  it('still reads 1e308 and the smallest subnormal as the finite numbers they are', async () => {
    const report = await grade({ neuron, answers: { 'dL/dz': '1e308', u: 5e-324, z: '-0,2' } });
    expect(resultOf(report, 'dL/dz')).toMatchObject({ submitted: 1e308, correct: false, diagnosis: null });
    expect(resultOf(report, 'u')).toMatchObject({ submitted: 5e-324, correct: false });
    expect(resultOf(report, 'z')).toMatchObject({ submitted: -0.2, correct: true });
  });
});

describe('POST /v1/grade: follow-through that overflows', () => {
  it.each<[Locale, string]>([
    [
      'en',
      'dL/dw: not correct. Computed from your earlier answer for dL/dz, this step overflows (it is not a finite number), so it gets no credit for following from it.',
    ],
    [
      'pt-BR',
      'dL/dw: incorreto. Calculado a partir da sua resposta anterior para dL/dz, este passo estoura (não é um número finito), então não recebe crédito por decorrer dela.',
    ],
  ])(
    'gives no credit for dL/dw = 777 after dL/dz = 1e308, since 3 · 1e308 overflows (%s)',
    async (locale, sentence) => {
      const report = await grade(
        { neuron, learningRate: 0.1, answers: { ...forward, 'dL/dz': 1e308, 'dL/dw': 777 } },
        locale,
      );
      expect(report).toMatchObject({ correct: 4, total: 6 });
      expect(seen(resultOf(report, 'dL/dz'))).toEqual(noCredit(null));
      const dw = resultOf(report, 'dL/dw');
      expect(seen(dw)).toEqual(noCredit('not_finite'));
      expect(dw.followedFrom).toEqual([]);
      expect(dw).not.toHaveProperty('followThroughExpected');
      expect(dw.feedback).toBe(sentence);
    },
  );

  it.each<[Locale, string]>([
    [
      'en',
      'dL/dz: not correct. Computed from your earlier answers for dL/dy_hat and dy_hat/dz, this step overflows (it is not a finite number), so it gets no credit for following from them.',
    ],
    [
      'pt-BR',
      'dL/dz: incorreto. Calculado a partir das suas respostas anteriores para dL/dy_hat e dy_hat/dz, este passo estoura (não é um número finito), então não recebe crédito por decorrer delas.',
    ],
  ])('names every earlier answer the overflow needs: 1e308 · 10 (%s)', async (locale, sentence) => {
    // Alone, each is finite: 1e308 · 0.2475 and 0.4502 · 10; together, 1e309.
    const report = await grade({ neuron, answers: { 'dL/dy_hat': 1e308, 'dy_hat/dz': 10, 'dL/dz': 5 } }, locale);
    const dz = resultOf(report, 'dL/dz');
    expect(seen(dz)).toEqual(noCredit('not_finite'));
    expect(dz.feedback).toBe(sentence);
  });

  it('names only the earlier answer that overflows alone', async () => {
    // dL/dw = 3 · dL/dz: from dL/dz = 1.7e308 alone it overflows (5.1e308); from dL/dy_hat = 2 alone it is 3 · 2 · 0.2475.
    const report = await grade({
      neuron,
      learningRate: 0.1,
      answers: { 'dL/dz': 1.7e308, 'dL/dy_hat': 2, 'dL/dw': 7 },
    });
    expect(resultOf(report, 'dL/dw')).toMatchObject({
      correct: false,
      diagnosis: 'not_finite',
      feedback: expect.stringContaining('from your earlier answer for dL/dz,'),
    });
  });

  it('still credits follow-through from a huge answer when the value that follows is finite', async () => {
    // dL/dz = 1e300 (wrong), then dL/dw = 3e300 and step(w) = -0.2 - 0.1 · 3e300: right given it.
    const report = await grade({
      neuron,
      learningRate: 0.1,
      answers: { 'dL/dz': 1e300, 'dL/dw': 3e300, 'step(w)': -3e299 },
    });
    expect(resultOf(report, 'dL/dw')).toMatchObject({
      correct: true,
      followThrough: true,
      followedFrom: ['dL/dz'],
      followThroughExpected: 3e300,
    });
    expect(resultOf(report, 'step(w)')).toMatchObject({ correct: true, followThrough: true });
  });

  it('does not hide a mistake behind the overflow: a flipped sign is still a sign error', async () => {
    const report = await grade({ neuron, answers: { 'dL/dz': 1e308, 'dL/dw': -3 * dLdz } });
    expect(resultOf(report, 'dL/dw')).toMatchObject({ correct: false, diagnosis: 'sign_error' });
  });
});

describe('POST /v1/grade: an expected value that is not finite', () => {
  // L = exp(1000) overflows: the problem itself has no finite answer for L, nor for dL/dx = exp(1000).
  const overflowing = { graph: { inputs: { x: 1000 }, expr: 'L = exp(x)' } };

  it.each<[Locale, string]>([
    [
      'en',
      'L: not correct. The expected value is not a finite number (NaN or infinite) in this problem, so no answer can get credit for it.',
    ],
    [
      'pt-BR',
      'L: incorreto. O valor esperado não é um número finito (NaN ou infinito) neste problema, então nenhuma resposta pode receber crédito por ele.',
    ],
  ])('credits no number at all, however large, and says why (%s)', async (locale, sentence) => {
    const report = await grade(
      { ...overflowing, answers: { L: 5, 'dL/dx': 1.7976931348623157e308, 'dL/dL': 1 } },
      locale,
    );
    expect(report).toMatchObject({ correct: 1, total: 3 });
    const L = resultOf(report, 'L');
    expect(L).toMatchObject({
      expected: 'Infinity',
      correct: false,
      credit: 0,
      diagnosis: 'not_finite',
      feedback: sentence,
    });
    expect(resultOf(report, 'dL/dx')).toMatchObject({
      expected: 'Infinity',
      correct: false,
      credit: 0,
      diagnosis: 'not_finite',
    });
  });

  it.each([[{ rtol: 1 }], [{ sigfigs: 1 }], [{ decimals: 0 }]])(
    'credits nothing at the loosest tolerance %j either',
    async (tolerance) => {
      // Without follow-through: from the student's own L = 1e308, dL/dx = L would be finite (and -1e308 its sign flipped).
      const report = await grade({
        ...overflowing,
        tolerance,
        followThrough: false,
        answers: { L: 1e308, 'dL/dx': -1e308 },
      });
      expect(report.results.map((r: Json) => [r.correct, r.credit, r.diagnosis])).toEqual([
        [false, 0, 'not_finite'],
        [false, 0, 'not_finite'],
      ]);
    },
  );
});
