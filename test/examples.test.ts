/**
 * examples/ as an integrator runs them: each script is a child process talking to the app over
 * HTTP (GRADIENT_SERVICE_URL), with temp paths for its inputs and outputs. One child per test, with
 * a limit far above what a child needs on a slow machine; a child still running when its test ends
 * (it failed or timed out) is killed, with its process group, and so is any left at the end.
 *
 * The sample submission (answers.json, gradescope/answers.json, prairielearn/data.json) is the
 * tutorial's neuron with dL/dw's sign flipped (0 points) and step(w) = -0.2 - 0.1 * (-0.3343)
 * right from it: follow-through gives it its point, so five of six, and four without it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const noPython = !has('python3');
const noCurl = !has('curl');

/** Per test: a child takes well under a second; this only bounds a hung one. */
const LIMIT = { timeout: 120_000 };
/** No server can listen on port 0 (binding to 0 takes some free port), so a connection to it is always refused. */
const UNREACHABLE = 'http://127.0.0.1:0';

let app: Awaited<ReturnType<typeof buildApp>>;
let url: string;
let tmp: string;
const children = new Set<ChildProcess>();

/** Ends the children still running, each with its process group (a shell script's curl or python too). */
function killChildren() {
  for (const child of children) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  children.clear();
}

beforeAll(async () => {
  app = await buildApp();
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  tmp = mkdtempSync(join(tmpdir(), 'gradient-examples-'));
}, LIMIT.timeout);
afterEach(killChildren);
afterAll(async () => {
  killChildren();
  await app?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Async on purpose: a sync spawn would block the in-process server the script talks to. */
function run(
  cmd: string,
  args: string[],
  options: { env?: Record<string, string>; input?: string; serviceUrl?: string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: EXAMPLES,
      env: { ...process.env, GRADIENT_LANGUAGE: 'en', GRADIENT_SERVICE_URL: options.serviceUrl ?? url, ...options.env },
      detached: true, // its own process group, so that killChildren ends what it started too
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

const noTraceback = (r: Run) => {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout + r.stderr).not.toMatch(/Traceback/);
};
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const file = (name: string, content: string) => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};
const sampleProblem = readJson(join(EXAMPLES, 'gradescope/problem.json'));
const sampleAnswers = readJson(join(EXAMPLES, 'answers.json'));
/** The sample submission's keys and which of them earn their point (step(w) by follow-through). */
const SAMPLE_KEYS = ['u', 'y_hat', 'dL/dy_hat', 'dL/dz', 'dL/dw', 'step(w)'];
const SAMPLE_RIGHT = [true, true, true, true, false, true];
const STEP_FOLLOWED = /^step\(w\): correct given your earlier answer for dL\/dw\b/;

// ---------------------------------------------------------------------------------------------
// What a student sees. Escaping is tested where the student's text appears: on the page the LMS
// makes of the grader's output, rendered as the LMS's own source renders it.

/** Moodle's s(): htmlspecialchars with ENT_QUOTES. */
const moodleText = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' })[c]!);
/** ansi2html (escaped=True), which PrairieLearn runs messages through: & < > only. */
const ansi2htmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** chevron's {{ }}: & " < >. */
const mustacheText = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * CodeRunner's page for a combinator grader result (renderer.php build_results_table,
 * combinator_grader_outcome.php format_table): prologuehtml as it is (HTML); each testresults
 * cell but iscorrect and ishidden through s() into <pre>, unless `columnformats` (one entry per
 * such column) marks its column '%h', HTML as it is.
 */
function codeRunnerPage(out: { prologuehtml?: string; testresults?: unknown[][]; columnformats?: string[] }): string {
  const [head = [], ...rows] = out.testresults ?? [];
  const table = rows.map((row) => {
    let column = 0;
    return row
      .map((cell, i) => {
        if (head[i] === 'iscorrect' || head[i] === 'ishidden') return '';
        return out.columnformats?.[column++] === '%h'
          ? String(cell)
          : `<pre class="tablecell">${moodleText(String(cell))}</pre>`;
      })
      .join('');
  });
  return [out.prologuehtml ?? '', ...table].join('\n');
}

/**
 * PrairieLearn's page for external grader results (pl-external-grader-results): the message and
 * each test's message through ansi2html into {{{ }}}; test names and format_errors into {{ }}.
 */
function prairieLearnPage(out: {
  message?: string;
  format_errors?: string[];
  tests?: { name: string; message?: string }[];
}): string {
  return [
    ...(out.format_errors ?? []).map(
      (e) => `<div class="alert alert-danger"><strong>Error:</strong> ${mustacheText(e)}</div>`,
    ),
    `<pre><code>${ansi2htmlText(out.message ?? '')}</code></pre>`,
    ...(out.tests ?? []).map((t) => `<span>${mustacheText(t.name)}</span><pre>${ansi2htmlText(t.message ?? '')}</pre>`),
  ].join('\n');
}

/** The text a person reads on an HTML page: its tags dropped, its character references decoded once. */
const readable = (html: string) =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|#0*39|#x0*27);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"' })[e] ?? "'")
    .replace(/&amp;/g, '&');

/** What a student typed, with markup and every character HTML escapes. */
const MARKUP = '<b>x</b>';
const QUOTES = `"&'`;
/** The page shows the text as typed: not as markup (bold x), not escaped twice (&lt;b&gt; on screen). */
const showsAsTyped = (page: string, text: string) => {
  expect(page).not.toContain('<b>');
  expect(readable(page)).toContain(text);
};

// ---------------------------------------------------------------------------------------------
describe('examples/curl-grade.sh', LIMIT, () => {
  it.skipIf(noCurl)(
    'grades the tutorial neuron: four of six, step(w) by follow-through from the flipped dL/dw, the blank dL/db unparseable',
    async () => {
      const r = await run('bash', ['curl-grade.sh']);
      expect(r.code, r.stderr).toBe(0);
      const body = JSON.parse(r.stdout);
      expect(body).toMatchObject({ correct: 4, total: 6 });
      expect(body.score).toBeCloseTo(4 / 6, 12);
      const outcome = body.results.map(
        ({ key, correct, followThrough, followedFrom, diagnosis }: Record<string, unknown>) => ({
          key,
          correct,
          followThrough,
          followedFrom,
          diagnosis,
        }),
      );
      const right = (key: string) => ({ key, correct: true, followThrough: false, followedFrom: [], diagnosis: null });
      expect(outcome).toEqual([
        right('u'),
        right('y_hat'), // "0,4502": a decimal comma
        right('dL/dz'),
        { key: 'dL/dw', correct: false, followThrough: false, followedFrom: [], diagnosis: 'sign_error' },
        { key: 'step(w)', correct: true, followThrough: true, followedFrom: ['dL/dw'], diagnosis: null },
        { key: 'dL/db', correct: false, followThrough: false, followedFrom: [], diagnosis: 'unparseable' },
      ]);
      expect(body.results[1].submitted).toBe(0.4502);
      expect(body.results[5]).toMatchObject({ submitted: null, feedback: 'dL/db: no answer was given.' });
    },
  );
});

describe.skipIf(noPython)('examples/coderunner_grader.py', LIMIT, () => {
  const cr = (args: string[], options?: Parameters<typeof run>[2]) =>
    run('python3', ['coderunner_grader.py', ...args], options);
  const rows = (out: { testresults: unknown[][] }) => out.testresults.slice(1);

  it('prints a combinator grader result for answers.json: five of six, step(w) by follow-through', async () => {
    const r = await cr(['answers.json']);
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['fraction', 'prologuehtml', 'testresults']);
    expect(out.fraction).toBeCloseTo(5 / 6, 12);
    expect(out.testresults[0]).toEqual(['iscorrect', 'Answer', 'Expected', 'Got', 'Feedback']);
    expect(rows(out).map((row) => row[1])).toEqual(SAMPLE_KEYS);
    expect(rows(out).map((row) => row[0])).toEqual(SAMPLE_RIGHT);
    expect(rows(out)[5][4]).toMatch(STEP_FOLLOWED);
    expect(out.prologuehtml).toBe('<p>5 of 6 answers correct.</p>');
  });

  it('passes followThrough: false on: the same answers are then four of six', async () => {
    const r = await cr([
      'answers.json',
      file('cr-no-ft.json', JSON.stringify({ ...sampleProblem, followThrough: false })),
    ]);
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    expect(out.fraction).toBeCloseTo(4 / 6, 12);
    expect(rows(out).map((row) => row[0])).toEqual([true, true, true, true, false, false]);
  });

  it('sends a blank field (null) on: that answer scores 0 with its feedback, the others are graded', async () => {
    const r = await cr(['-'], { input: JSON.stringify({ u: -0.6, y_hat: null, 'dL/dw': true }) });
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    expect(rows(out).map((row) => [row[0], row[1]])).toEqual([
      [true, 'u'],
      [false, 'y_hat'],
      [false, 'dL/dw'],
    ]);
    expect(rows(out)[1][4]).toBe('y_hat: no answer was given.');
    expect(out.fraction).toBeCloseTo(1 / 3, 12);
  });

  it('passes showExpected: false on: the table has no Expected column', async () => {
    const r = await cr([
      'answers.json',
      file('cr-hidden.json', JSON.stringify({ ...sampleProblem, showExpected: false })),
    ]);
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    expect(out.testresults[0]).toEqual(['iscorrect', 'Answer', 'Got', 'Feedback']);
    expect(out.fraction).toBeCloseTo(5 / 6, 12);
  });

  it('reads `key = value` lines from stdin, with a problem file', async () => {
    const r = await cr(['-', file('cr-problem.json', JSON.stringify(sampleProblem))], {
      input: 'u = -0.6\n# a comment\ndL/dw = 0,3343\n',
    });
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    // keys lists six answers: the four not given count as wrong.
    expect(rows(out).map((row) => row[1])).toEqual(SAMPLE_KEYS);
    expect(rows(out).map((row) => row[0])).toEqual([true, false, false, false, true, false]);
    expect(out.fraction).toBeCloseTo(2 / 6, 12);
  });

  it('runs as CodeRunner renders it: Twig fills in the answer and the template parameters', async () => {
    const source = readFileSync(join(EXAMPLES, 'coderunner_grader.py'), 'utf8');
    // Nothing else in the file may look like Twig, or CodeRunner would choke on it.
    expect(source.match(/\{[{%#]/g)).toHaveLength(2);
    const py = (s: string) => s.replace(/[\\"]/g, (c) => `\\${c}`); // Twig's e('py')
    const params = {
      neuron: { x: 3, w: -0.2, b: 0.4, y: 0 },
      learningRate: 0.1,
      keys: ['u', 'dL/dw', 'step(w)'],
      language: 'pt-BR',
      other: 1,
    };
    const rendered = source
      .replace("{{ STUDENT_ANSWER | e('py') }}", py('u = -0.6\ndL/dw = "-0.3343\\"\nextra = 1\n'))
      .replace("{{ QUESTION.parameters | json_encode | e('py') }}", py(JSON.stringify(params).replaceAll('/', '\\/'))); // PHP escapes '/'
    const r = await run('python3', [file('rendered.py', rendered)]);
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    expect(out.testresults.map((x: unknown[]) => x[1])).toEqual(['Answer', 'u', 'dL/dw', 'step(w)']);
    expect(out.fraction).toBeCloseTo(1 / 3, 12);
    expect(out.prologuehtml).toBe('<p>1 de 3 respostas corretas.</p>');
  });

  it("shows the student's answers as typed in the result table: text cells, escaped once by CodeRunner", async () => {
    const r = await cr(['-'], { input: `u = ${MARKUP}\ny_hat = ${QUOTES}\n` });
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    // The cells hold the text as typed; CodeRunner escapes them (escaping here too would show &lt;b&gt;).
    expect(rows(out)[0][3]).toBe(JSON.stringify(MARKUP));
    const page = codeRunnerPage(out);
    showsAsTyped(page, `"${MARKUP}"`); // Got
    showsAsTyped(page, `u: '${MARKUP}' is not a number`); // Feedback
    showsAsTyped(page, `y_hat: '${QUOTES}' is not a number`);
  });

  it('shows a refused answer key as typed in prologuehtml, which is HTML: escaped by the grader', async () => {
    const r = await cr(['-'], { input: `${MARKUP}${QUOTES} = 1\n` });
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    expect(out.fraction).toBe(0);
    showsAsTyped(
      codeRunnerPage(out),
      `The grading service refused this submission: answers.${MARKUP}${QUOTES}: answer key '${MARKUP}${QUOTES}'`,
    );
  });

  it('prints fraction 0 and the problem detail when the service refuses the request', async () => {
    const r = await cr(['-'], { input: 'u = -0.6\nbanana = 1\n' });
    noTraceback(r);
    const out = JSON.parse(r.stdout);
    expect(out.fraction).toBe(0);
    expect(out.prologuehtml).toMatch(/banana/);
  });

  it.each([
    ['the service is unreachable', ['answers.json'], '', /could not be reached/],
    ['the answer is not key = value', ['-'], 'this is not key value', /could not be read/],
    ['the answers file is missing', ['missing.json'], '', /could not be read/],
  ] as const)('prints fraction 0 with a message, not a traceback, when %s', async (_, args, input, message) => {
    const r = await cr([...args], { input, serviceUrl: UNREACHABLE });
    noTraceback(r);
    expect(JSON.parse(r.stdout)).toMatchObject({ fraction: 0, prologuehtml: expect.stringMatching(message) });
  });
});

describe.skipIf(noPython)('examples/prairielearn_grader.py', LIMIT, () => {
  const pl = async (data: string, serviceUrl?: string) => {
    const results = join(tmp, `pl-${Math.random().toString(36).slice(2)}`, 'results.json'); // dir not created yet
    const r = await run('python3', ['prairielearn_grader.py', data, results], { serviceUrl });
    noTraceback(r);
    return readJson(results);
  };
  const sample = readJson(join(EXAMPLES, 'prairielearn/data.json'));

  it('writes results.json for the sample data.json, mapping answer names to grading keys: five of six', async () => {
    const out = await pl(join(EXAMPLES, 'prairielearn/data.json'));
    expect(out).toMatchObject({ gradable: true, message: '5 of 6 answers correct.' });
    expect(out.score).toBeCloseTo(5 / 6, 12);
    expect(out.tests.map((t: { name: string }) => t.name)).toEqual(SAMPLE_KEYS);
    expect(out.tests.map((t: { points: number }) => t.points)).toEqual(SAMPLE_RIGHT.map(Number));
    for (const t of out.tests) expect(t.max_points).toBe(1);
    expect(out.tests[5].message).toMatch(STEP_FOLLOWED);
  });

  it('sends a blank field (null) on: that answer scores 0 with its feedback, the others are graded', async () => {
    const out = await pl(
      file(
        'pl-blank.json',
        JSON.stringify({ ...sample, submitted_answers: { ...sample.submitted_answers, y_hat: null } }),
      ),
    );
    expect(out.score).toBeCloseTo(4 / 6, 12);
    expect(out.tests.map((t: { points: number }) => t.points)).toEqual([1, 0, 1, 1, 0, 1]);
    expect(out.tests[1].message).toBe('y_hat: no answer was given.');
  });

  it('passes followThrough: false on: the sample is then four of six', async () => {
    const out = await pl(
      file('pl-no-ft.json', JSON.stringify({ ...sample, params: { ...sample.params, followThrough: false } })),
    );
    expect(out.score).toBeCloseTo(4 / 6, 12);
    expect(out.tests.map((t: { points: number }) => t.points)).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('grades answers.json as submitted_answers when params have no keys: five of six', async () => {
    const data = file(
      'pl-data.json',
      JSON.stringify({
        params: { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 }, learningRate: 0.1 },
        submitted_answers: sampleAnswers,
      }),
    );
    const out = await pl(data);
    expect(out.tests.map((t: { name: string }) => t.name)).toEqual(Object.keys(sampleAnswers));
    expect(out.score).toBeCloseTo(5 / 6, 12);
  });

  it("shows the student's answers and a refused key as typed: text that PrairieLearn escapes", async () => {
    const answers = file(
      'pl-markup.json',
      JSON.stringify({
        params: { ...sample.params, keys: undefined },
        submitted_answers: { u: MARKUP, y_hat: QUOTES },
      }),
    );
    const graded = await pl(answers);
    expect(graded.tests[0].message).toContain(MARKUP); // as typed: PrairieLearn escapes it
    showsAsTyped(prairieLearnPage(graded), `u: '${MARKUP}' is not a number`);
    showsAsTyped(prairieLearnPage(graded), `y_hat: '${QUOTES}' is not a number`);
    const refused = await pl(
      file(
        'pl-key.json',
        JSON.stringify({
          params: { ...sample.params, keys: undefined },
          submitted_answers: { [MARKUP + QUOTES]: '1' },
        }),
      ),
    );
    expect(refused).toMatchObject({ gradable: true, score: 0 });
    showsAsTyped(prairieLearnPage(refused), `answer key '${MARKUP}${QUOTES}'`);
  });

  it('is gradable: true with score 0 and a message when the service is unreachable', async () => {
    const out = await pl(join(EXAMPLES, 'prairielearn/data.json'), UNREACHABLE);
    expect(out).toMatchObject({ gradable: true, score: 0, message: expect.stringMatching(/could not be reached/) });
  });

  it('is gradable: false with format_errors when the submission cannot be read', async () => {
    const out = await pl(file('pl-bad.json', '{"params": {}, "submitted_answers": "u = 1"}'));
    expect(out).toMatchObject({ gradable: false, format_errors: [expect.stringMatching(/could not be read/)] });
    expect(readable(prairieLearnPage(out))).toContain(out.format_errors[0]);
  });
});

describe.skipIf(noPython)('examples/gradescope/run_autograder', LIMIT, () => {
  const gs = async (answers: string, options: { serviceUrl?: string; problem?: string } = {}) => {
    const results = join(tmp, `gs-${Math.random().toString(36).slice(2)}`, 'results.json');
    const env = {
      ANSWERS_FILE: answers,
      PROBLEM_FILE: options.problem ?? join(EXAMPLES, 'gradescope/problem.json'),
      RESULTS_FILE: results,
    };
    const r = await run(join(EXAMPLES, 'gradescope/run_autograder'), [], { env, serviceUrl: options.serviceUrl });
    noTraceback(r);
    return readJson(results);
  };

  it('is executable and writes results.json: the sample submission scores 5 of 6, step(w) by follow-through', async () => {
    expect(statSync(join(EXAMPLES, 'gradescope/run_autograder')).mode & 0o111).not.toBe(0);
    const out = await gs(join(EXAMPLES, 'gradescope/answers.json'));
    expect(out).toMatchObject({ score: 5, max_score: 6, output: '5 of 6 answers correct.', output_format: 'text' });
    expect(out.tests.map((t: { name: string }) => t.name)).toEqual(SAMPLE_KEYS);
    for (const t of out.tests) expect(t.output_format).toBe('text');
    expect(out.tests.map((t: { status: string }) => t.status)).toEqual(
      SAMPLE_RIGHT.map((right) => (right ? 'passed' : 'failed')),
    );
    expect(out.tests.map((t: { score: number }) => t.score)).toEqual(SAMPLE_RIGHT.map(Number));
    for (const t of out.tests) expect(t.max_score).toBe(1);
    expect(out.tests[5].output).toMatch(STEP_FOLLOWED);
  });

  it('sends a blank field (null) on: that answer scores 0 with its feedback, the others are graded', async () => {
    const out = await gs(file('gs-blank.json', JSON.stringify({ ...sampleAnswers, y_hat: null })));
    expect(out).toMatchObject({ score: 4, max_score: 6 });
    expect(out.tests[1]).toMatchObject({
      name: 'y_hat',
      score: 0,
      status: 'failed',
      output: 'y_hat: no answer was given.',
    });
  });

  it('passes followThrough: false on: the sample submission then scores 4 of 6', async () => {
    const out = await gs(join(EXAMPLES, 'gradescope/answers.json'), {
      problem: file('gs-no-ft.json', JSON.stringify({ ...sampleProblem, followThrough: false })),
    });
    expect(out).toMatchObject({ score: 4, max_score: 6 });
  });

  it('writes score 0 with an explanation when the service is unreachable', async () => {
    expect(await gs(join(EXAMPLES, 'gradescope/answers.json'), { serviceUrl: UNREACHABLE })).toMatchObject({
      score: 0,
      output: expect.stringMatching(/could not be reached/),
      output_format: 'text',
    });
  });

  it('writes score 0 with an explanation when answers.json is missing', async () => {
    expect(await gs(join(tmp, 'nothing.json'))).toMatchObject({
      score: 0,
      output: expect.stringMatching(/answers\.json/),
    });
  });
});
