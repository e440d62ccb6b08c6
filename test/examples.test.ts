/**
 * examples/ as an integrator runs them: each script is a child process talking to the app over
 * HTTP (GRADIENT_SERVICE_URL), with temp paths for its inputs and outputs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const noPython = !has('python3');
const noCurl = !has('curl');

let app: Awaited<ReturnType<typeof buildApp>>;
let url: string;
let closedUrl: string;
let tmp: string;

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  app = await buildApp();
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  closedUrl = await closedPort();
  tmp = mkdtempSync(join(tmpdir(), 'gradient-examples-'));
});
afterAll(async () => {
  await app?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Async on purpose: a sync spawn would block the in-process server the script talks to. */
function run(cmd: string, args: string[], options: { env?: Record<string, string>; input?: string; serviceUrl?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: EXAMPLES,
      env: { ...process.env, GRADIENT_LANGUAGE: 'en', GRADIENT_SERVICE_URL: options.serviceUrl ?? url, ...options.env },
      timeout: 10_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const noTraceback = (r: Run) => {
  expect(r.code).toBe(0);
  expect(r.stdout + r.stderr).not.toMatch(/Traceback/);
};
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const file = (name: string, content: string) => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};
const sampleProblem = readFileSync(join(EXAMPLES, 'gradescope/problem.json'), 'utf8');

describe('examples/curl-grade.sh', () => {
  it.skipIf(noCurl)('grades the tutorial neuron: a decimal comma is read, a flipped sign is diagnosed', async () => {
    const r = await run('bash', ['curl-grade.sh']);
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.score).toBeLessThan(1);
    const byKey = Object.fromEntries(body.results.map((x: { key: string }) => [x.key, x]));
    expect(byKey.y_hat).toMatchObject({ correct: true, submitted: 0.4502 });
    expect(byKey['dL/dw']).toMatchObject({ correct: false, diagnosis: 'sign_error' });
    expect(byKey['step(w)']).toMatchObject({ correct: true, followThrough: true, followedFrom: ['dL/dw'] });
  });
});

describe.skipIf(noPython)('examples/coderunner_grader.py', () => {
  const cr = (args: string[], options?: Parameters<typeof run>[2]) => run('python3', ['coderunner_grader.py', ...args], options);

  it('prints a combinator grader result for answers.json; the flipped sign costs a mark', async () => {
    const r = await cr(['answers.json']);
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['fraction', 'prologuehtml', 'testresults']);
    expect(out.fraction).toBeGreaterThanOrEqual(0);
    expect(out.fraction).toBeLessThan(1);
    expect(out.testresults[0]).toContain('iscorrect');
    const col = out.testresults[0].indexOf('iscorrect');
    const row = out.testresults.find((x: unknown[]) => x.includes('dL/dw'));
    expect(row[col]).toBe(false);
  });

  it('reads `key = value` lines from stdin, with a problem file', async () => {
    const r = await cr(['-', file('cr-problem.json', sampleProblem)], { input: 'u = -0.6\n# a comment\ndL/dw = 0,3343\n' });
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    // keys lists six answers: the four not given count as wrong.
    expect(out.testresults).toHaveLength(7);
    expect(out.fraction).toBeCloseTo(2 / 6, 12);
  });

  it("runs as CodeRunner renders it: Twig fills in the answer and the template parameters", async () => {
    const source = readFileSync(join(EXAMPLES, 'coderunner_grader.py'), 'utf8');
    // Nothing else in the file may look like Twig, or CodeRunner would choke on it.
    expect(source.match(/\{[{%#]/g)).toHaveLength(2);
    const py = (s: string) => s.replace(/[\\"]/g, (c) => `\\${c}`); // Twig's e('py')
    const params = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 }, learningRate: 0.1, keys: ['u', 'dL/dw', 'step(w)'], language: 'pt-BR', other: 1 };
    const rendered = source
      .replace("{{ STUDENT_ANSWER | e('py') }}", py('u = -0.6\ndL/dw = "-0.3343\\"\nextra = 1\n'))
      .replace("{{ QUESTION.parameters | json_encode | e('py') }}", py(JSON.stringify(params).replaceAll('/', '\\/'))); // PHP escapes '/'
    const r = await run('python3', [file('rendered.py', rendered)]);
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    expect(out.testresults.map((x: unknown[]) => x[1])).toEqual(['Answer', 'u', 'dL/dw', 'step(w)']);
    expect(out.fraction).toBeCloseTo(1 / 3, 12);
    expect(out.prologuehtml).toContain('1 de 3 respostas corretas');
  });

  it('prints fraction 0 and the problem detail when the service refuses the request', async () => {
    const r = await cr(['-'], { input: 'u = -0.6\nbanana = 1\n' });
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    expect(out.fraction).toBe(0);
    expect(out.prologuehtml).toMatch(/banana/);
  });

  it('prints fraction 0 with a message, not a traceback, when the service is unreachable or the answer unreadable', async () => {
    for (const [args, input, message] of [
      [['answers.json'], '', /could not be reached/],
      [['-'], 'this is not key value', /could not be read/],
      [[join(tmp, 'missing.json')], '', /could not be read/],
    ] as const) {
      const r = await cr([...args], { input, serviceUrl: closedUrl });
      noTraceback(r);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ fraction: 0, prologuehtml: expect.stringMatching(message) });
    }
  });
});

describe.skipIf(noPython)('examples/prairielearn_grader.py', () => {
  const pl = async (data: string, serviceUrl?: string) => {
    const results = join(tmp, `pl-${Math.random().toString(36).slice(2)}`, 'results.json'); // dir not created yet
    const r = await run('python3', ['prairielearn_grader.py', data, results], { serviceUrl });
    noTraceback(r);
    return readJson(results);
  };

  it('writes results.json for the sample data.json, mapping answer names to grading keys', async () => {
    const out = await pl(join(EXAMPLES, 'prairielearn/data.json'));
    expect(out.gradable).toBe(true);
    expect(out.score).toBeGreaterThanOrEqual(0);
    expect(out.score).toBeLessThan(1);
    for (const t of out.tests) expect(t).toMatchObject({ name: expect.any(String), points: expect.any(Number), max_points: expect.any(Number) });
    expect(out.tests.find((t: { name: string }) => t.name === 'dL/dw').points).toBe(0);
  });

  it('grades answers.json as submitted_answers when params have no keys', async () => {
    const answers = readJson(join(EXAMPLES, 'answers.json'));
    const data = file('pl-data.json', JSON.stringify({ params: { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 }, learningRate: 0.1 }, submitted_answers: answers }));
    const out = await pl(data);
    expect(out.tests.map((t: { name: string }) => t.name)).toEqual(Object.keys(answers));
    expect(out.score).toBeCloseTo(5 / 6, 12);
  });

  it('is gradable: true with score 0 and a message when the service is unreachable', async () => {
    const out = await pl(join(EXAMPLES, 'prairielearn/data.json'), closedUrl);
    expect(out).toMatchObject({ gradable: true, score: 0, message: expect.stringMatching(/could not be reached/) });
  });

  it('is gradable: false with format_errors when the submission cannot be read', async () => {
    const out = await pl(file('pl-bad.json', '{"params": {}, "submitted_answers": "u = 1"}'));
    expect(out).toMatchObject({ gradable: false, format_errors: [expect.any(String)] });
  });
});

describe.skipIf(noPython)('examples/gradescope/run_autograder', () => {
  const gs = async (answers: string, serviceUrl?: string) => {
    const results = join(tmp, `gs-${Math.random().toString(36).slice(2)}`, 'results.json');
    const env = { ANSWERS_FILE: answers, PROBLEM_FILE: join(EXAMPLES, 'gradescope/problem.json'), RESULTS_FILE: results };
    const r = await run(join(EXAMPLES, 'gradescope/run_autograder'), [], { env, serviceUrl });
    noTraceback(r);
    return readJson(results);
  };

  it('is executable and writes results.json; the sample submission loses the flipped sign', async () => {
    expect(statSync(join(EXAMPLES, 'gradescope/run_autograder')).mode & 0o111).not.toBe(0);
    const out = await gs(join(EXAMPLES, 'gradescope/answers.json'));
    expect(out).toMatchObject({ score: expect.any(Number), max_score: 6, tests: expect.any(Array) });
    expect(out.score).toBeLessThan(out.max_score);
    for (const t of out.tests) expect(t).toEqual(expect.objectContaining({ name: expect.any(String), score: expect.any(Number), max_score: expect.any(Number), status: expect.stringMatching(/^(passed|failed)$/) }));
    expect(out.tests.find((t: { name: string }) => t.name === 'dL/dw').status).toBe('failed');
  });

  it('writes score 0 with an explanation when the service is unreachable or answers.json is missing', async () => {
    expect(await gs(join(EXAMPLES, 'gradescope/answers.json'), closedUrl)).toMatchObject({ score: 0, output: expect.stringMatching(/could not be reached/) });
    expect(await gs(join(tmp, 'nothing.json'))).toMatchObject({ score: 0, output: expect.stringMatching(/answers\.json/) });
  });
});
