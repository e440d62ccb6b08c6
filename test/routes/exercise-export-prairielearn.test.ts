/**
 * POST /v1/exercises/export, format prairielearn: the zip read back with fflate; info.json validated
 * against its documented fields, and against PrairieLearn's own schema where it is laid out; question.html's
 * pl-number-input tags read back and checked against each answer's elements and the exercise's
 * tolerance; server.py's table read back as JSON, and its generate() and grade() run by python3 on
 * the data dict PrairieLearn passes them (docs/question/server.md in PrairieLearn/PrairieLearn:
 * generate() gets `variant_seed`, `params` and `correct_answers`; grade() gets `submitted_answers`,
 * `partial_scores`, `score` and `feedback`).
 *
 * What PrairieLearn reads (apps/prairielearn/elements/pl-number-input/pl-number-input.py):
 * `answers-name` (unique), `label` (rendered as HTML, `{{{label}}}`), `comparison` (`relabs`,
 * `sigfig`, `decdig`), `rtol` and `atol` for relabs (its defaults 1e-2 and 1e-8 when absent),
 * `digits` for sigfig and decdig; question.html passes through Mustache with `data` before any
 * element reads it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCE } from '../../src/core/defaults.js';
import { generateAuthoredExercise } from '../../src/core/exercises/authored/index.js';
import { htmlOf } from '../../src/core/exercises/export/common.js';
import { exercise, exportExercises, gradients } from '../../src/index.js';
import { tutorialActivity } from '../../src/schemas/examples.js';
import { buildTestApp } from '../support/app.js';
import { expectedElements, htmlText } from '../support/export.js';

const run = promisify(execFile);
const python = await run('python3', ['--version']).then(
  () => true,
  () => false,
);

/**
 * info.json's fields as PrairieLearn's documentation gives them (docs/question/overview.md: uuid,
 * type "v3", title and topic required; tags, gradingMethod, singleVariant, partialCredit), each of
 * the type it says, and nothing else.
 */
const documentedInfo = {
  type: 'object',
  required: ['uuid', 'type', 'title', 'topic'],
  additionalProperties: false,
  properties: {
    uuid: { type: 'string', format: 'uuid' },
    type: { const: 'v3' },
    title: { type: 'string', minLength: 1 },
    topic: { type: 'string', minLength: 1 },
    tags: { type: 'array', items: { type: 'string' } },
    gradingMethod: { enum: ['Internal', 'External', 'Manual'] },
    singleVariant: { type: 'boolean' },
    partialCredit: { type: 'boolean' },
  },
};

/**
 * PrairieLearn's own schema (apps/prairielearn/src/schemas/schemas/infoQuestion.json in
 * PrairieLearn/PrairieLearn) is not part of this repository, which commits no file taken from
 * another: where it is laid out ($PL_INFO_SCHEMA, or shared/prairielearn/ beside the clone), every
 * info.json is validated against it too.
 */
const officialSchema = [
  process.env.PL_INFO_SCHEMA,
  fileURLToPath(new URL('../../../shared/prairielearn/infoQuestion.json', import.meta.url)),
].find((path) => path && existsSync(path));
if (!officialSchema) {
  console.warn(
    "test/routes/exercise-export-prairielearn.test.ts: PrairieLearn's infoQuestion.json not found (PL_INFO_SCHEMA, shared/prairielearn/): info.json is checked against its documented fields only",
  );
}
const ajv = new Ajv({ allErrors: true, strict: false });
formats.default(ajv);
const schemas = [documentedInfo, ...(officialSchema ? [JSON.parse(readFileSync(officialSchema, 'utf8'))] : [])].map(
  (schema) => ajv.compile(schema),
);
/** The errors of the first schema at hand that info.json fails; undefined when it passes them all. */
const infoErrors = (info: unknown): string | undefined => {
  const failed = schemas.find((valid) => !valid(info));
  return failed && JSON.stringify(failed.errors);
};

/** Each `<pl-number-input>` tag's attributes, values read once as an HTML parser reads an attribute. */
const numberInputs = (html: string) =>
  [...html.matchAll(/<pl-number-input\s([^>]*)><\/pl-number-input>/g)].map((m) =>
    Object.fromEntries([...m[1].matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1], htmlText(a[2])])),
  );

interface PrairieLearnFolder {
  stem: string;
  info: Record<string, unknown>;
  questionHtml: string;
  serverPy: string;
}

function folder(zip: Uint8Array): PrairieLearnFolder {
  const files = Object.fromEntries(
    Object.entries(unzipSync(zip)).map(([name, bytes]) => [name, Buffer.from(bytes).toString('utf8')]),
  );
  const stem = Object.keys(files)[0].split('/')[0];
  expect(Object.keys(files).sort()).toEqual([`${stem}/info.json`, `${stem}/question.html`, `${stem}/server.py`]);
  return {
    stem,
    info: JSON.parse(files[`${stem}/info.json`]),
    questionHtml: files[`${stem}/question.html`],
    serverPy: files[`${stem}/server.py`],
  };
}

/** server.py's VARIANTS, read by JSON alone: each row is `json.loads(<a JSON string literal>)`. */
const variantRows = (serverPy: string) =>
  [...serverPy.matchAll(/^ {4}json\.loads\((".*")\),$/gm)].map((m) => JSON.parse(JSON.parse(m[1])));

/**
 * server.py imported by python3 in a directory of its own, with every socket refused while
 * generate() runs; then each call's data dict, as JSON.
 */
async function runServerPy(serverPy: string, script: string): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'pl-export-'));
  try {
    writeFileSync(join(dir, 'server.py'), serverPy);
    const prelude = [
      'import importlib.util, json, socket, sys',
      'spec = importlib.util.spec_from_file_location("server", "server.py")',
      'server = importlib.util.module_from_spec(spec)',
      'spec.loader.exec_module(server)',
    ].join('\n');
    const { stdout } = await run('python3', ['-I', '-c', `${prelude}\n${script}`], { cwd: dir, timeout: 15_000 });
    return JSON.parse(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** generate() on PrairieLearn's data dict for each variant_seed, with no network: a socket is an error. */
const generated = (serverPy: string, seeds: number[]) =>
  runServerPy(
    serverPy,
    [
      'def no_network(*args, **kwargs):',
      '    raise RuntimeError("generate() opened a socket")',
      'socket.socket = no_network',
      'socket.create_connection = no_network',
      'out = []',
      `for k in ${JSON.stringify(seeds)}:`,
      '    data = {"variant_seed": k, "params": {}, "correct_answers": {}}',
      '    server.generate(data)',
      '    out.append(data)',
      'print(json.dumps(out))',
    ].join('\n'),
  ) as Promise<{ params: Record<string, unknown>; correct_answers: Record<string, number> }[]>;

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/exercises/export', payload });
const bytes = (res: { rawPayload: Buffer }): Uint8Array => new Uint8Array(res.rawPayload);

describe('POST /v1/exercises/export, prairielearn', () => {
  it('answers a zip of one question folder whose info.json PrairieLearn’s own schema accepts', async () => {
    const res = await post({ template: 'network-2-2-1', count: 3, locale: 'en', format: 'prairielearn' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe('attachment; filename="network-2-2-1-prairielearn.zip"');
    const { stem, info } = folder(bytes(res));
    expect(stem).toBe('network-2-2-1');
    expect(infoErrors(info)).toBeUndefined();
    expect(info).toMatchObject({
      title: 'A 2-2-1 network',
      topic: 'Backpropagation',
      type: 'v3',
      singleVariant: false,
    });
    // A v4-shaped UUID: version 4, variant 10xx.
    expect(info.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('derives the UUID from the exercise, the seeds and the language: the same export keeps it, another changes it', async () => {
    const uuid = async (body: object) =>
      folder(bytes(await post({ format: 'prairielearn', ...body }))).info.uuid as string;
    const first = await uuid({ template: 'neuron-sigmoid', seeds: [1, 2], locale: 'en' });
    expect(await uuid({ template: 'neuron-sigmoid', count: 2, locale: 'en' })).toBe(first);
    const others = [
      await uuid({ template: 'neuron-sigmoid', seeds: [1, 3], locale: 'en' }),
      await uuid({ template: 'neuron-sigmoid', seeds: [1, 2], locale: 'pt-BR' }),
      await uuid({ template: 'neuron-relu', seeds: [1, 2], locale: 'en' }),
      await uuid({ exercise: tutorialActivity, seeds: [1, 2], locale: 'en' }),
    ];
    expect(new Set([first, ...others]).size).toBe(5);
  });

  it('asks each element of every answer with a pl-number-input of the exercise’s rtol and atol', async () => {
    const res = await post({ template: 'network-2-2-1', count: 2, locale: 'en', format: 'prairielearn' });
    const { questionHtml } = folder(bytes(res));
    const expected = expectedElements(exercise({ template: 'network-2-2-1', seed: 1, locale: 'en' }));
    const inputs = numberInputs(questionHtml);
    expect(inputs.map((i) => i.label)).toEqual(expected.map((e) => e.label));
    expect(inputs.map((i) => i['answers-name'])).toEqual(expected.map((_, j) => `a${j + 1}`));
    for (const input of inputs) {
      expect(input).toMatchObject({ comparison: 'relabs', display: 'block' });
      expect(Number(input.rtol)).toBe(DEFAULT_TOLERANCE.rtol);
      expect(Number(input.atol)).toBe(DEFAULT_TOLERANCE.atol);
    }
    expect(questionHtml).toContain('<pl-question-panel>\n  {{{params.statement}}}');
    expect(questionHtml).toContain('<pl-answer-panel>\n  {{{params.solution}}}\n</pl-answer-panel>');
    expect(questionHtml).toContain('<strong>Your answers</strong>');
  });

  it('maps sigfigs and decimals to pl-number-input’s sigfig and decdig comparisons, and a lone rtol beside the default atol', async () => {
    const cases = [
      [{ sigfigs: 3 }, { comparison: 'sigfig', digits: '3' }],
      [{ decimals: 2 }, { comparison: 'decdig', digits: '2' }],
      [{ rtol: 0.01 }, { comparison: 'relabs', rtol: '0.01', atol: String(DEFAULT_TOLERANCE.atol) }],
    ] as const;
    for (const [tolerance, attributes] of cases) {
      const res = await post({ exercise: { ...tutorialActivity, tolerance }, count: 1, format: 'prairielearn' });
      expect(res.statusCode, res.body).toBe(200);
      const inputs = numberInputs(folder(bytes(res)).questionHtml);
      expect(inputs).toHaveLength(tutorialActivity.ask.length);
      for (const input of inputs) {
        expect(input).toMatchObject(attributes);
        if (!('rtol' in attributes)) expect(input).not.toHaveProperty('rtol');
      }
    }
  });

  it('holds every variant’s numbers exactly as the library and POST /v1/gradients give them', async () => {
    const res = await post({ template: 'network-2-2-1', seeds: [4, 'b-2', 9], locale: 'en', format: 'prairielearn' });
    const rows = variantRows(folder(bytes(res)).serverPy);
    expect(rows.map((r) => r.seed)).toEqual([4, 'b-2', 9]);
    for (const row of rows) {
      const expected = expectedElements(exercise({ template: 'network-2-2-1', seed: row.seed, locale: 'en' }));
      expect(row.correct_answers).toEqual(Object.fromEntries(expected.map((e, j) => [`a${j + 1}`, e.value])));
    }
    const sigmoid = variantRows(
      folder(bytes(await post({ template: 'neuron-sigmoid', seeds: [5], format: 'prairielearn' }))).serverPy,
    )[0];
    const labels = numberInputs(
      folder(bytes(await post({ template: 'neuron-sigmoid', seeds: [5], format: 'prairielearn' }))).questionHtml,
    );
    const byLabel = new Map(labels.map((i) => [i.label, sigmoid.correct_answers[i['answers-name']]]));
    const { neuron } = exercise({ template: 'neuron-sigmoid', seed: 5 }).problem as { neuron: object };
    const direct = gradients({ neuron } as never) as { gradients: Record<string, number> };
    expect(byLabel.get('dL/dw')).toBe(direct.gradients.w);
    expect(byLabel.get('dL/db')).toBe(direct.gradients.b);
  });

  it.runIf(python)(
    'generate() picks variant_seed mod the count, offline, and sets its statement, solution and answers',
    async () => {
      const seeds = [3, 'x-1'] as const;
      const res = await post({ exercise: tutorialActivity, seeds, locale: 'en', format: 'prairielearn' });
      const { serverPy } = folder(bytes(res));
      expect(serverPy).not.toMatch(/\btorch\b/);
      const out = await generated(serverPy, [0, 1, 2, 7, 2 ** 31 - 1]);
      for (const [i, k] of [0, 1, 2, 7, 2 ** 31 - 1].entries()) {
        const seed = seeds[k % seeds.length];
        const variant = exercise({ exercise: tutorialActivity, seed, locale: 'en' } as never);
        // The statement as a question bank words it: each number in a field of its own.
        const fields = generateAuthoredExercise(tutorialActivity as never, seed, 'en', { answering: 'fields' });
        const { params, correct_answers } = out[i];
        expect(params.seed).toBe(seed);
        expect(params.statement).toBe(htmlOf(fields.statement));
        expect(params.statement).toMatch(/^<h3>Practice: one tanh neuron<\/h3>/);
        expect(params.solution).toMatch(/<h3>Solution<\/h3>/);
        expect(Object.values(correct_answers)).toEqual(expectedElements(variant).map((e) => e.value));
      }
    },
  );

  it.runIf(python)('asks each variant its own inputs when a choice of tensors changes their shape', async () => {
    const shapes = {
      graph: {
        inputs: { x: 2 },
        params: { w: { choices: [0.5, [0.5, -0.3]] } },
        expr: 'u = w*x; L = sum(u)',
        output: 'L',
      },
      ask: ['u', 'dL/dw'],
    };
    const res = await post({ exercise: shapes, count: 12, locale: 'en', format: 'prairielearn' });
    expect(res.statusCode, res.body).toBe(200);
    const { questionHtml, serverPy } = folder(bytes(res));
    // One Mustache section per set of inputs: a number w asks 2 of them, a vector w 4.
    const sections = [...questionHtml.matchAll(/\{\{#params\.(layout_\d+)\}\}([\s\S]*?)\{\{\/params\.\1\}\}/g)];
    const inputsOf = new Map(sections.map((m) => [m[1], numberInputs(m[2]).map((i) => i.label)]));
    expect([...inputsOf.values()].map((labels) => labels.length).sort()).toEqual([2, 4]);
    const out = await generated(serverPy, [...Array(12).keys()]);
    for (const [k, data] of out.entries()) {
      const expected = expectedElements(exercise({ exercise: shapes, seed: k + 1, locale: 'en' } as never));
      const open = Object.keys(data.params).filter((p) => p.startsWith('layout_'));
      expect(open).toHaveLength(1);
      expect(inputsOf.get(open[0])).toEqual(expected.map((e) => e.label));
      expect(Object.values(data.correct_answers)).toEqual(expected.map((e) => e.value));
    }
  });

  it.runIf(python)(
    'escapes <, &, quotes, triple quotes and backslashes: Python reads back the text written',
    async () => {
      const title = `Neuron <tanh> & "quotes" 'too' ''' """ \\ ção`;
      const statement = `If a < b & c > "d" then 'e'; ''' and """ end a Python string, C:\\path a backslash, 😀 an emoji.`;
      const authored = { ...tutorialActivity, title: { en: title }, statement: { en: statement } };
      const res = await post({ exercise: authored, seeds: ['s-1', 7], locale: 'en', format: 'prairielearn' });
      expect(res.statusCode, res.body).toBe(200);
      const { info, serverPy, questionHtml } = folder(bytes(res));
      expect(infoErrors(info)).toBeUndefined();
      expect(info.title).toBe(title);
      expect(serverPy).toMatch(/^[ -~\n]*$/);
      expect(questionHtml).not.toContain('tanh>');
      const [first, second] = await generated(serverPy, [0, 1]);
      expect(first.params.seed).toBe('s-1');
      expect(second.params.seed).toBe(7);
      expect(htmlText(first.params.statement as string)).toContain(title);
      expect(htmlText(first.params.statement as string)).toContain(statement);
      expect(first.params.statement).not.toContain('<tanh>');
      // EXERCISE, sent to POST /v1/grade, is the authored exercise itself.
      const exerciseRead = (await runServerPy(serverPy, 'print(json.dumps(server.EXERCISE))')) as typeof authored;
      expect(exerciseRead).toEqual(authored);
    },
  );

  it.runIf(python)(
    'grade() takes the service’s score and feedback when it answers, and leaves PrairieLearn’s grading when it does not',
    async () => {
      const live = await buildTestApp();
      let closed = false;
      try {
        const address = await live.listen({ port: 0, host: '127.0.0.1' });
        const res = await post({ template: 'network-2-2-1', seeds: [6], locale: 'pt-BR', format: 'prairielearn' });
        const { serverPy } = folder(bytes(res));
        // Every answer right but the last element, the data dict as PrairieLearn hands it to grade().
        const grade = (url: string) =>
          runServerPy(
            serverPy,
            [
              `server.SERVICE_URL = ${JSON.stringify(url)}`,
              'data = {"variant_seed": 0, "params": {}, "correct_answers": {}}',
              'server.generate(data)',
              'names = list(data["correct_answers"])',
              'data["submitted_answers"] = dict(data["correct_answers"])',
              'data["submitted_answers"][names[-1]] += 1',
              'data["partial_scores"] = {n: {"score": 1.0 if n != names[-1] else 0.0, "weight": 1} for n in names}',
              'data["score"] = (len(names) - 1) / len(names)',
              'data["feedback"] = {}',
              'server.grade(data)',
              'print(json.dumps({"names": names, "score": data["score"], "feedback": data["feedback"], "partial_scores": data["partial_scores"]}))',
            ].join('\n'),
          ) as Promise<{
            names: string[];
            score: number;
            feedback: Record<string, string>;
            partial_scores: Record<string, { score: number; feedback?: string }>;
          }>;
        const graded = await grade(address);
        // step(b2) is one number of 15 keys: the service's score is the mean credit of the keys.
        expect(graded.score).toBeCloseTo(14 / 15, 12);
        // In the bank's language: server.py asks for it with Accept-Language.
        expect(graded.feedback.service).toBe('14 de 15 respostas corretas.');
        const last = graded.partial_scores[graded.names.at(-1)!];
        expect(last.score).toBe(0);
        expect(last.feedback).toBeTypeOf('string');
        // The tensors were sent back in their shapes: every other key is right.
        for (const name of graded.names.slice(0, -1)) expect(graded.partial_scores[name].score).toBe(1);

        await live.close();
        closed = true;
        const offline = await grade(address);
        expect(offline.score).toBe((offline.names.length - 1) / offline.names.length);
        expect(offline.feedback).toEqual({});
        expect(offline.partial_scores[offline.names.at(-1)!]).toEqual({ score: 0, weight: 1 });
      } finally {
        if (!closed) await live.close();
      }
    },
  );

  it.runIf(python)(
    "grade() sends API_KEY to a service that has API_KEYS, and keeps PrairieLearn's grade without it",
    async () => {
      const key = 'k'.repeat(32);
      const keyed = await buildTestApp({ pool: false, auth: { apiKeys: [key] } });
      try {
        const address = await keyed.listen({ port: 0, host: '127.0.0.1' });
        const res = await post({ template: 'neuron-sigmoid', seeds: [2], locale: 'en', format: 'prairielearn' });
        const { serverPy } = folder(bytes(res));
        const grade = (apiKey: string) =>
          runServerPy(
            serverPy,
            [
              `server.SERVICE_URL = ${JSON.stringify(address)}`,
              `server.API_KEY = ${JSON.stringify(apiKey)}`,
              'data = {"variant_seed": 0, "params": {}, "correct_answers": {}}',
              'server.generate(data)',
              'data["submitted_answers"] = dict(data["correct_answers"])',
              'data["partial_scores"] = {n: {"score": 1.0, "weight": 1} for n in data["correct_answers"]}',
              'data["score"] = 1.0',
              'data["feedback"] = {}',
              'server.grade(data)',
              'print(json.dumps({"feedback": data["feedback"]}))',
            ].join('\n'),
          ) as Promise<{ feedback: Record<string, string> }>;
        // With the key, the service's feedback arrives; without it (a 401), nothing changes.
        expect((await grade(key)).feedback.service).toMatch(/^\d+ of \d+ answers correct\.$/);
        expect((await grade('')).feedback).toEqual({});
      } finally {
        await keyed.close();
      }
    },
  );

  it('answers the same bytes from the library, in pt-BR', async () => {
    const body = {
      template: 'neuron-relu',
      seeds: [2, 's-3'],
      locale: 'pt-BR' as const,
      format: 'prairielearn' as const,
    };
    const res = await post(body);
    const answer = exportExercises(body);
    expect(answer.body).toEqual(bytes(res));
    expect(answer.headers).toEqual({ 'content-disposition': 'attachment; filename="neuron-relu-prairielearn.zip"' });
    const { info, questionHtml } = folder(bytes(res));
    expect(info.topic).toBe('Retropropagação');
    expect(info.tags).toContain('pt-BR');
    expect(infoErrors(info)).toBeUndefined();
    expect(questionHtml).toContain('<strong>Suas respostas</strong>');
    const [row] = variantRows(folder(bytes(res)).serverPy);
    expect(row.solution).toMatch(/<h3>Solução<\/h3>/);
  });
});
