/**
 * POST /v1/grade credits no answer unless it is within the stated tolerance of a FINITE expected
 * value (issue 13), whatever extreme numbers a student sends: huge, tiny, subnormal, ±1e308,
 * ±Number.MAX_VALUE, text that reads as infinite ("1e999", "inf", "NaN"), the JSON number 1e999,
 * and earlier answers chosen so that the values that follow from them overflow.
 *
 * The expected values are the tutorial's neuron by hand (x = 3, w = -0.2, b = 0.4, y = 0,
 * lr = 0.1), never the service's: u = w·x, z = u + b, y_hat = σ(z), L = ½(y_hat − y)²;
 * dL/dy_hat = y_hat − y, dy_hat/dz = y_hat (1 − y_hat), dL/dz = dL/dy_hat · dy_hat/dz, du/dw = x,
 * dL/dw = dL/dz · du/dw, dL/db = dL/dz, step(p) = p − lr · dL/dp. Follow-through recomputes the
 * same formulas with the student's other wrong answers written over the values they name (docs/api.md
 * §5): a value answer replaces that value, a gradient answer that gradient, a local derivative that
 * factor.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { Contract, runs } from './support.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
let contract: Contract;
beforeAll(async () => {
  app = await buildTestApp({ pool: false });
  contract = await Contract.of(app);
});
afterAll(() => app?.close());

const NEURON = { x: 3, w: -0.2, b: 0.4, y: 0 };
const LR = 0.1;

/** In the order of the computation: an answer's follow-through value depends on earlier keys only. */
const KEYS = [
  'u',
  'z',
  'y_hat',
  'L',
  'dL/dy_hat',
  'dy_hat/dz',
  'dL/dz',
  'du/dw',
  'dL/dw',
  'dL/db',
  'step(w)',
  'step(b)',
] as const;
type Key = (typeof KEYS)[number];
type Pins = Partial<Record<Key, number>>;

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Every key's value by hand, with the pinned ones written over what they name. */
function valuesGiven(pins: Pins): Record<Key, number> {
  const { x, w, b, y } = NEURON;
  const u = pins.u ?? w * x;
  const z = pins.z ?? u + b;
  const yHat = pins.y_hat ?? sigmoid(z);
  const L = pins.L ?? 0.5 * (yHat - y) ** 2;
  const dLdyHat = pins['dL/dy_hat'] ?? yHat - y;
  const dyHatdz = pins['dy_hat/dz'] ?? yHat * (1 - yHat);
  const dLdz = pins['dL/dz'] ?? dLdyHat * dyHatdz;
  const dudw = pins['du/dw'] ?? x;
  const dLdw = pins['dL/dw'] ?? dLdz * dudw;
  const dLdb = pins['dL/db'] ?? dLdz; // dz/db = 1
  return {
    u,
    z,
    y_hat: yHat,
    L,
    'dL/dy_hat': dLdyHat,
    'dy_hat/dz': dyHatdz,
    'dL/dz': dLdz,
    'du/dw': dudw,
    'dL/dw': dLdw,
    'dL/db': dLdb,
    'step(w)': w - LR * dLdw,
    'step(b)': b - LR * dLdb,
  };
}

const TRUE = valuesGiven({});

type Tolerance = { rtol: number; atol: number } | { sigfigs: number } | { decimals: number };
const TOLERANCES: Tolerance[] = [
  { rtol: 1e-3, atol: 1e-6 },
  { rtol: 1, atol: 1 },
  { sigfigs: 1 },
  { sigfigs: 3 },
  { decimals: 0 },
  { decimals: 2 },
];

/** docs/api.md §5: the largest |s − e| the tolerance accepts around e. */
function allowance(tol: Tolerance, e: number): number {
  if ('sigfigs' in tol) return 0.51 * 10 ** ((e === 0 ? 0 : Math.floor(Math.log10(Math.abs(e)))) - tol.sigfigs + 1);
  if ('decimals' in tol) return 0.51 * 10 ** -tol.decimals;
  return tol.atol + tol.rtol * Math.abs(e);
}

/** s is within the tolerance of e, with a little slack for the float error of computing e another way. */
const near = (tol: Tolerance, s: number, e: number, slack = 0): boolean =>
  Number.isFinite(e) && Number.isFinite(s) && Math.abs(s - e) <= allowance(tol, e) * (1 + slack) + slack * Math.abs(e);

/** What the student sends for one key, and the finite number it says (undefined: not a finite number). */
interface Sent {
  json: unknown;
  value: number | undefined;
}

/** Placeholders for JSON numbers beyond float64, which JSON.stringify cannot write. */
const OVERFLOW = '\u0000overflow',
  UNDERFLOW = '\u0000-overflow';
const literal = (text: string) =>
  text.replace(JSON.stringify(OVERFLOW), '1e999').replace(JSON.stringify(UNDERFLOW), '-1e999');

const NOT_FINITE = [
  '1e999',
  '-1e999',
  '1,5e400',
  'Infinity',
  '-Infinity',
  'NaN',
  'inf',
  '-inf',
  'nan',
  '∞',
  `1${'0'.repeat(320)}`,
  OVERFLOW,
  UNDERFLOW,
];
const EXTREMES = [
  1e308,
  -1e308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  1.7e308,
  5e-324,
  -5e-324,
  2.2250738585072014e-308,
  1e-300,
  -1e-300,
  1e200,
  -1e200,
  1e154,
  -1e154,
  0,
];

/** A finite number as a student may write it: a JSON number, or text with a decimal comma. */
const written = (x: number, asText: boolean): Sent => ({ json: asText ? String(x).replace('.', ',') : x, value: x });
/** A value computed by hand, sent as is when finite, and as an overflowing number when not. */
const sending = (x: number, asText: boolean, overflow: string): Sent =>
  Number.isFinite(x) ? written(x, asText) : { json: overflow, value: undefined };

type Choice =
  | { kind: 'omit' }
  | { kind: 'true'; scale: number; asText: boolean }
  | { kind: 'follow'; asText: boolean; overflow: string }
  | { kind: 'extreme'; x: number; asText: boolean }
  | { kind: 'double'; x: number; asText: boolean }
  | { kind: 'scaled'; power: number; overflow: string }
  | { kind: 'notFinite'; text: string };

const overflow = fc.constantFrom(...NOT_FINITE);
const choice: fc.Arbitrary<Choice> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'omit' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('true' as const),
      scale: fc.constantFrom(1, 1 + 1e-4, 1 - 3e-3, 1.05, 2, -1),
      asText: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('follow' as const), asText: fc.boolean(), overflow }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('extreme' as const),
      x: fc.constantFrom(...EXTREMES),
      asText: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('double' as const),
      x: fc.double({ noNaN: true, noDefaultInfinity: true }),
      asText: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('scaled' as const),
      power: fc.integer({ min: -330, max: 330 }),
      overflow,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('notFinite' as const), text: overflow }) },
);

/** A submission: keys answered in the order of the computation, each answer chosen knowing the earlier ones. */
const submission = fc
  .record({
    choices: fc.array(choice, { minLength: KEYS.length, maxLength: KEYS.length }),
    tolerance: fc.constantFrom(...TOLERANCES),
    followThrough: fc.boolean(),
  })
  .map(({ choices, tolerance, followThrough }) => {
    const sent = new Map<Key, Sent>();
    KEYS.forEach((key, i) => {
      const c = choices[i];
      if (c.kind === 'omit') return;
      const ft = valuesGiven(pinsFor(key, sent, tolerance))[key];
      const answer: Sent =
        c.kind === 'true'
          ? written(TRUE[key] * c.scale, c.asText)
          : c.kind === 'follow'
            ? sending(ft, c.asText, c.overflow)
            : c.kind === 'extreme' || c.kind === 'double'
              ? written(c.x, c.asText)
              : c.kind === 'scaled'
                ? sending(TRUE[key] * 10 ** c.power, false, c.overflow)
                : { json: c.text, value: undefined };
      sent.set(key, answer);
    });
    return { sent, tolerance, followThrough };
  })
  .filter(({ sent }) => sent.size > 0);

/** The student's other answers that follow-through writes over the computation: finite and not right. */
function pinsFor(key: Key, sent: ReadonlyMap<Key, Sent>, tolerance: Tolerance): Pins {
  const pins: Pins = {};
  for (const [other, s] of sent)
    if (other !== key && s.value !== undefined && !near(tolerance, s.value, TRUE[other])) pins[other] = s.value;
  return pins;
}

interface Result {
  key: Key;
  submitted: unknown;
  correct: boolean;
  credit: number;
  diagnosis: string | null;
  feedback: string;
  followThrough: boolean;
  followThroughExpected?: unknown;
}

describe('POST /v1/grade with extreme answers (property)', () => {
  it('credits an answer only within the tolerance of a finite expected value, true or followed through', async () => {
    // That the runs reach what they are about: credit by follow-through, and follow-through that overflows.
    const seen = { followThrough: 0, notFinite: 0 };
    await fc.assert(
      fc.asyncProperty(submission, async ({ sent, tolerance, followThrough }) => {
        const answers = Object.fromEntries([...sent].map(([key, s]) => [key, s.json]));
        const text = literal(JSON.stringify({ neuron: NEURON, learningRate: LR, tolerance, followThrough, answers }));
        const res = await contract.post('/v1/grade', text);
        expect(res.statusCode, res.body).toBe(200);
        const results = JSON.parse(res.body).results as Result[];
        expect(results.map((r) => r.key)).toEqual([...sent.keys()]);

        for (const r of results) {
          const s = sent.get(r.key)!;
          const why = `${r.key} = ${JSON.stringify(s.json)} (${r.feedback}), given ${literal(JSON.stringify(answers))}, tolerance ${JSON.stringify(tolerance)}`;
          if (s.value === undefined) {
            // Text or a JSON number that is not finite: unparseable, never credited.
            expect(r.diagnosis, why).toBe('unparseable');
            expect(r.credit, why).toBe(0);
            continue;
          }
          expect(r.credit, why).toBe(r.correct ? 1 : 0);
          if (r.correct) {
            const ft = followThrough ? valuesGiven(pinsFor(r.key, sent, tolerance))[r.key] : NaN;
            const right = near(tolerance, s.value, TRUE[r.key], 1e-9) || near(tolerance, s.value, ft, 1e-9);
            expect(right, `credited: ${why}; true ${TRUE[r.key]}, followed through ${ft}`).toBe(true);
            if (r.followThrough) expect(Number.isFinite(r.followThroughExpected), why).toBe(true);
          }
          // A rounding is of a finite value, to a finite digit.
          if (r.diagnosis === 'rounding') expect(r.feedback, why).not.toMatch(/Infinity|NaN/);
          if (r.followThrough) seen.followThrough++;
          if (r.diagnosis === 'not_finite') seen.notFinite++;
        }
      }),
      runs(150),
    );
    expect(seen.followThrough).toBeGreaterThan(0);
    expect(seen.notFinite).toBeGreaterThan(0);
  });
});
