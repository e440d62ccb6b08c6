/**
 * The student page, GET /play, as a student uses it, in headless Chromium (Debian's chromium,
 * driven by playwright-core): it opens on the tutorial's worked example computed, and every
 * number on it (the explanation's steps and the picture's labels) is what the routes answer for
 * the same body; an error in the statements is shown at its line and column; the explanation
 * goes step by step from the keyboard; the language switches and is remembered; with API_KEYS the
 * page asks for a key; axe-core finds no serious or critical violation, on a laptop's width and a
 * phone's; the picture's labels are readable at both widths. The page is built from web/play into
 * a directory of this test's own. Screenshots go to test-artifacts/play*.png (play-top.png: the
 * first screen of a laptop, README's docs/play.png); the time from the service's answer to the page
 * drawn is printed.
 *
 * Without Chromium the test is skipped, unless REQUIRE_BROWSER=1 (.ci/run sets it, after
 * installing chromium): then a missing browser is a failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleSpecs } from '../../src/schemas/examples.js';
import { buildTestApp } from '../support/app.js';
import { ARTIFACTS, launchChromium, skipBrowser } from '../support/chromium.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const KEY = 'course-platform-key-0001';

/** The tutorial's worked example, as the page sends it (web/play/example.ts). */
const WORKED = {
  graph: {
    inputs: { x: 2, y: 1 },
    params: { w: 0.5, b: -1 },
    expr: 'u = w*x\nz = u + b\ny_hat = sigmoid(z)\nL = 0.5*(y_hat - y)^2',
  },
};

/** The text of each <text> of an SVG, as a browser reads it. */
function svgTexts(svg: string): string[] {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1].replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => entities[name]),
  );
}

describe.skipIf(skipBrowser)('the student page at /play, in Chromium', () => {
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let keyed: Awaited<ReturnType<typeof buildTestApp>>;
  let browser: Browser;
  let base: string;
  let keyedBase: string;
  const dir = mkdtempSync(join(tmpdir(), 'gradient-service-play-browser-'));

  const listen = async (server: typeof app): Promise<string> => {
    await server.listen({ host: '127.0.0.1', port: 0 });
    return `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  };

  // Launching a browser is slow on one busy core: the bounds are for a browser that never starts.
  beforeAll(async () => {
    execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-play.mjs', import.meta.url)), dir]);
    app = await buildTestApp({ pool: false, play: { dir } });
    keyed = await buildTestApp({ pool: false, play: { dir }, auth: { apiKeys: [KEY] } });
    base = await listen(app);
    keyedBase = await listen(keyed);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await keyed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A page in a context of its own (its storage empty), that fails the test on any request to
   * another origin and on any Content-Security-Policy refusal.
   */
  async function open(url: string, options: BrowserContextOptions = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', ...options });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const foreign: string[] = [];
    const refused: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== new URL(url).origin) foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(url);
    return { page, context, foreign, refused };
  }

  const settled = (page: Page, state: 'ready' | 'problem' = 'ready') =>
    page.locator(`body[data-state="${state}"]`).waitFor();

  /** What the routes answer for the body the page sends, in a language. */
  async function routes(language: string, body: object = WORKED) {
    const headers = { 'accept-language': language };
    const explained = await app.inject({
      method: 'POST',
      url: '/v1/explain',
      headers,
      payload: { ...body, learningRate: 0.1, gradcheck: true },
    });
    const drawn = await app.inject({ method: 'POST', url: '/v1/render?format=svg', headers, payload: body });
    expect(explained.statusCode).toBe(200);
    expect(drawn.statusCode).toBe(200);
    return { steps: explained.json().steps as { key: string; latex: string; value: unknown }[], svg: drawn.body };
  }

  /**
   * The height on screen of the picture's smallest label, in CSS px, and whether the picture is
   * wider than its box (then it scrolls there). Graphviz writes 11 pt labels: at the size it drew
   * them, about 15 px tall; squeezed into the column, a wide graph's were about 6 px.
   */
  const pictureScale = (page: Page) =>
    page.locator('#picture').evaluate((frame: any) => {
      const labels = [...frame.querySelectorAll('g.node text')].map((t: any) => t.getBoundingClientRect().height);
      return { smallest: Math.min(...labels), scrolls: frame.scrollWidth > frame.clientWidth };
    });

  /** Every step on the page and every label of its picture equal the routes' answers. */
  async function expectShownAsAnswered(page: Page, language: string) {
    const answered = await routes(language);
    const items = page.locator('#steps .step');
    expect(await items.count()).toBe(answered.steps.length);
    const shown = await items.evaluateAll((elements) =>
      elements.map((e: any) => ({
        key: e.dataset.key,
        value: JSON.parse(e.dataset.value),
        latex: e.querySelector('annotation')?.textContent,
      })),
    );
    expect(shown).toEqual(answered.steps.map((s) => ({ key: s.key, value: s.value, latex: s.latex })));
    expect(await page.locator('#picture svg text').allTextContents()).toEqual(svgTexts(answered.svg));
    return answered;
  }

  it("opens on the tutorial's worked example computed: each number is the routes' answer", async () => {
    const { page, context, foreign, refused } = await open(`${base}/play`);
    await settled(page);
    const answered = await expectShownAsAnswered(page, 'en');
    // By hand: z = 0.5·2 − 1 = 0, ŷ = σ(0) = 0.5, L = ½(0.5 − 1)² = 0.125;
    // dL/dw = (ŷ − y)·ŷ(1 − ŷ)·x = −0.5·0.25·2 = −0.25, dL/db = −0.125; w ← 0.5 − 0.1·(−0.25) = 0.525.
    const value = (key: string) => answered.steps.find((s) => s.key === key)?.value;
    expect(value('L')).toBe(0.125);
    expect(value('dL/dw')).toBe(-0.25);
    expect(value('dL/db')).toBe(-0.125);
    expect(value('step(w)')).toBe(0.525);
    expect(await page.locator('[data-key="dL/dw"] .katex-html').innerText()).toMatch(/−0\.25$/);
    expect(await page.locator('h1').innerText()).toBe('Backpropagation, step by step');
    const timing = async () =>
      `${await page.locator('body').getAttribute('data-render-ms')} ms (DOM work ${await page.locator('body').getAttribute('data-dom-ms')} ms)`;
    console.log(`test/browser/play: drawn ${await timing()} after the answers`);

    // A change in the graph is drawn again (tanh instead of σ, and back), timed from the answers
    // to the paint: reported, not asserted (a test machine's load is not a student's laptop).
    const redrawn: number[] = [];
    for (const activation of ['tanh', 'sigmoid', 'tanh', 'sigmoid', 'tanh']) {
      await page.locator('#expr').fill(`u = w*x\nz = u + b\ny_hat = ${activation}(z)\nL = 0.5*(y_hat - y)^2`);
      await page.locator('#compute').click();
      await settled(page);
      await expect
        .poll(() => page.locator('[data-key="y_hat"] annotation').textContent())
        .toContain(activation === 'tanh' ? 'tanh' : 'sigma');
      redrawn.push(Number(await page.locator('body').getAttribute('data-render-ms')));
    }
    redrawn.sort((a, b) => a - b);
    console.log(`test/browser/play: redrawn in ${redrawn.join(', ')} ms after the answers (median ${redrawn[2]})`);

    expect(foreign).toEqual([]);
    expect(refused).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#expr').fill(WORKED.graph.expr);
    await page.locator('#compute').click();
    await settled(page);
    // Readable at a laptop's width: the tutorial's fourteen boxes left to right at the size
    // Graphviz drew them, scrolling sideways in their box rather than shrunk to the column.
    const scale = await pictureScale(page);
    expect(scale.smallest).toBeGreaterThanOrEqual(10);
    expect(scale.scrolls).toBe(true);
    await page.screenshot({ path: new URL('play.png', ARTIFACTS).pathname, fullPage: true });
    // What a student first sees, for the README: the title, the graph's editor and the picture, on one screen.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate('window.scrollTo(0, 0)');
    const firstBox = await page.locator('#picture g.node[data-id="w"]').boundingBox();
    expect(firstBox!.y + firstBox!.height).toBeLessThanOrEqual(800);
    await page.screenshot({ path: new URL('play-top.png', ARTIFACTS).pathname });
    await context.close();
  }, 180_000);

  it('shows an error in the statements at its line and column, in the words the service wrote', async () => {
    const { page, context } = await open(`${base}/play`);
    await settled(page);
    await page.locator('#expr').fill('u = w x\nz = u + b\ny_hat = sigmoid(z)\nL = 0.5*(y_hat - y)^2');
    // Sent from the keyboard: Enter in the next field submits the form.
    await page.locator('#expr').press('Tab');
    await page.keyboard.press('Enter');
    await settled(page, 'problem');
    const answer = await app.inject({
      method: 'POST',
      url: '/v1/explain',
      headers: { 'accept-language': 'en' },
      payload: { graph: { ...WORKED.graph, expr: 'u = w x\nz = u + b\ny_hat = sigmoid(z)\nL = 0.5*(y_hat - y)^2' } },
    });
    const error = answer.json().errors[0];
    expect(error.path).toBe('graph.expr');
    expect(error.message).toMatch(/line 1, column 7/);
    const slot = page.locator('#expr-error');
    expect(await slot.locator('span').innerText()).toBe(error.message);
    expect(await slot.locator('.excerpt').innerText()).toBe('u = w x\n      ^');
    expect(await page.locator('#expr').getAttribute('aria-invalid')).not.toBeNull();
    // The text is selected at the place named, and the cursor is there.
    expect(await page.locator('#expr').evaluate((e: any) => [e.selectionStart, e.selectionEnd])).toEqual([6, 7]);
    await context.close();
  }, 120_000);

  it('goes through the explanation step by step from the keyboard, the picture following it, and details a box chosen', async () => {
    const { page, context } = await open(`${base}/play`);
    await settled(page);
    await page.locator('input[value="stepwise"]').focus();
    await page.keyboard.press('Space');
    const visible = () => page.locator('#steps .step:visible').count();
    expect(await visible()).toBe(1);
    await page.locator('#next').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect(await visible()).toBe(3);
    expect(await page.locator('#step-count').innerText()).toMatch(/^3 \/ \d+$/);
    // The box of the step reached (the third, y_hat = σ(z)) is highlighted in the picture.
    expect(await page.locator('#steps .step:visible').last().getAttribute('data-id')).toBe('y_hat');
    expect(await page.locator('#picture g.node.current').getAttribute('data-id')).toBe('y_hat');
    // The fourth, L: its box, at the far right of a picture wider than its frame, is scrolled into view.
    await page.keyboard.press('Enter');
    expect(await page.locator('#picture g.node.current').getAttribute('data-id')).toBe('L');
    const frame = (await page.locator('#picture').boundingBox())!;
    const box = (await page.locator('#picture g.node.current').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(frame.x);
    expect(box.x + box.width).toBeLessThanOrEqual(frame.x + frame.width);
    await page.locator('#previous').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect(await visible()).toBe(2);
    await page.locator('input[value="all"]').check();
    expect(await visible()).toBe(await page.locator('#steps .step').count());
    expect(await page.locator('#picture g.node.current').count()).toBe(0);

    // A box chosen from the keyboard: its value, its local derivatives and its gradient, as explained.
    const { steps } = await routes('en');
    const latexOf = (key: string) => steps.find((s) => s.key === key)?.latex;
    await page.locator('#picture g.node[data-id="w"]').focus();
    await page.keyboard.press('Enter');
    const details = page.locator('#node-details');
    await details.waitFor();
    expect(await details.locator('h3').innerText()).toBe('w');
    expect(await details.locator('p[data-key="w"]').innerText()).toBe('w = 0.5');
    expect(await details.locator('[data-key="du/dw"] annotation').textContent()).toBe(latexOf('du/dw'));
    expect(await details.locator('[data-key="dL/dw"] annotation').textContent()).toBe(latexOf('dL/dw'));
    // And one clicked: z, a node, with its forward step and both local derivatives.
    await page.locator('#picture g.node[data-id="z"]').click();
    await expect.poll(() => details.locator('h3').innerText()).toBe('z');
    expect(await details.locator('[data-key="z"] annotation').textContent()).toBe(latexOf('z'));
    expect(await details.locator('li').evaluateAll((e: any[]) => e.map((li) => li.dataset.key))).toEqual([
      'z',
      'dz/du',
      'dz/db',
      'dL/dz',
    ]);
    // A part of L = 0.5*(y_hat - y)^2: its box says its formula, never the generated id _t1 the
    // student did not write; chosen, it shows that formula and the lines of L, which write it out.
    const labels = await page.locator('#picture svg text').allTextContents();
    expect(labels.filter((label) => label.startsWith('_t'))).toEqual([]);
    const part = page.locator('#picture g.node[data-id="_t1"]');
    expect(await part.locator('text[font-weight="bold"]').textContent()).toBe('y_hat − y');
    await part.click();
    await expect.poll(() => details.locator('h3').innerText()).toBe('y_hat − y');
    expect(await details.locator('.part-of').innerText()).toBe(
      "A part of the statement of L: the explanation writes it inside L's lines.",
    );
    expect(await details.locator('li').evaluateAll((e: any[]) => e.map((li) => li.dataset.key))).toEqual([
      'L',
      'dL/dy_hat',
      'dL/dy',
    ]);
    expect(await details.locator('[data-key="L"] annotation').textContent()).toBe(latexOf('L'));
    expect(await page.locator('#picture g.node[data-id="_t2"] text[font-weight="bold"]').textContent()).toBe(
      '(y_hat − y)²',
    );
    await page.screenshot({ path: new URL('play-node.png', ARTIFACTS).pathname, fullPage: true });
    await context.close();
  }, 120_000);

  it("hides the answers, grades the student's own, key by key, with /v1/grade's feedback, and shows one when asked", async () => {
    const { page, context } = await open(`${base}/play`);
    await settled(page);
    await page.locator('#practice').focus();
    await page.keyboard.press('Space');
    // No number of the answers is on screen: neither the worked lines nor the picture.
    expect(await page.locator('#steps .worked:visible').count()).toBe(0);
    expect(await page.locator('#steps .note:visible').count()).toBe(0);
    expect(await page.locator('#picture').isVisible()).toBe(false);
    expect(await page.locator('[data-key="dL/dw"] .formula-only annotation').textContent()).not.toMatch(/\d/);

    const graded = async (answers: Record<string, string>, language: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/grade',
        headers: { 'accept-language': language },
        payload: { ...WORKED, learningRate: 0.1, answers },
      });
      expect(res.statusCode).toBe(200);
      return res.json().results as { key: string; feedback: string; diagnosis: string | null }[];
    };
    const answer = async (key: string, typed: string) => {
      const before = Number((await page.locator('body').getAttribute('data-graded')) ?? 0);
      const field = page.locator(`.step[data-key="${key}"] input.answer`);
      await field.fill(typed);
      await field.press('Enter');
      await expect.poll(async () => Number(await page.locator('body').getAttribute('data-graded'))).toBe(before + 1);
      return page.locator(`.step[data-key="${key}"]`);
    };
    // The sign of dL/dw flipped: not yet, and the service says why.
    const wrong = await answer('dL/dw', '0.25');
    expect(await wrong.getAttribute('data-graded')).toBe('wrong');
    const [signError] = await graded({ 'dL/dw': '0.25' }, 'en');
    expect(signError.diagnosis).toBe('sign_error');
    expect(await wrong.locator('.feedback').innerText()).toBe(`✗ Not yet. ${signError.feedback}`);
    expect(await wrong.locator('.worked').isVisible()).toBe(false);
    const right = await answer('y_hat', '0.5');
    expect(await right.getAttribute('data-graded')).toBe('correct');
    // The answer, when the student asks for it.
    await wrong.locator('.reveal').click();
    expect(await wrong.locator('.worked').isVisible()).toBe(true);
    await page.locator('#show-picture').click();
    expect(await page.locator('#picture svg').isVisible()).toBe(true);

    // In Portuguese, with a decimal comma, as a student there types it; the answers typed stay.
    await page.locator('#language').selectOption('pt-BR');
    await settled(page);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('pt-BR');
    expect(await page.locator('.step[data-key="dL/dw"] input.answer').inputValue()).toBe('0.25');
    const step = await answer('step(w)', '0,525');
    expect(await step.getAttribute('data-graded')).toBe('correct');
    const [stepGraded] = await graded({ 'step(w)': '0,525' }, 'pt-BR');
    expect(await step.locator('.feedback').innerText()).toBe(`✓ Certo. ${stepGraded.feedback}`);
    await page.screenshot({ path: new URL('play-practice.png', ARTIFACTS).pathname, fullPage: true });
    await context.close();
  }, 120_000);

  it('shares what is on screen as a URL, and a shared URL opens that graph computed', async () => {
    // The tutorial's exercise (x = 3, w = −0.2, b = 0.4, y = 0) with tanh, a decimal comma and η = 0.05.
    const exercise = {
      graph: {
        inputs: { x: 3, y: 0 },
        params: { w: -0.2, b: 0.4 },
        expr: 'u = w*x; z = u + b; y_hat = tanh(z); L = 0.5*(y_hat - y)^2',
      },
    };
    const hash = new URLSearchParams({
      expr: exercise.graph.expr,
      inputs: 'x = 3; y = 0',
      params: 'w = −0,2; b = 0.4',
      lr: '0,05',
    }).toString();
    const { page, context } = await open(`${base}/play#${hash}`);
    await settled(page);
    expect(await page.locator('#expr').inputValue()).toBe(exercise.graph.expr);
    const explained = await app.inject({
      method: 'POST',
      url: '/v1/explain',
      headers: { 'accept-language': 'en' },
      payload: { ...exercise, learningRate: 0.05, gradcheck: true },
    });
    const steps = explained.json().steps as { key: string; value: unknown }[];
    const shown = await page
      .locator('#steps .step')
      .evaluateAll((elements) =>
        elements.map((e: any) => ({ key: e.dataset.key, value: JSON.parse(e.dataset.value) })),
      );
    expect(shown).toEqual(steps.map((s) => ({ key: s.key, value: s.value })));
    // By hand: w ← w − η·dL/dw, with dL/dw = (ŷ − y)(1 − ŷ²)x and ŷ = tanh(−0.2·3 + 0.4).
    const yHat = Math.tanh(-0.2 * 3 + 0.4);
    expect(steps.find((s) => s.key === 'step(w)')?.value).toBeCloseTo(-0.2 - 0.05 * yHat * (1 - yHat ** 2) * 3, 15);

    // What is then computed is in the address bar and the link to share.
    await page.locator('#params').fill('w = 0.1; b = 0.4');
    await page.locator('#compute').click();
    await settled(page);
    await expect.poll(() => new URL(page.url()).hash).toContain('params=w+%3D+0.1%3B+b+%3D+0.4');
    expect(await page.locator('#share-link').getAttribute('href')).toBe(new URL(page.url()).hash);

    // The course pages hand the activity out as such a link (x = 3, w = −0.2, b = 0.4, y = 0, η = 0.1):
    // it opens that neuron, whose update is the one docs/api.md gives for POST /v1/step.
    for (const doc of ['course.md', 'curso.md']) {
      const text = readFileSync(new URL(`../../docs/${doc}`, import.meta.url), 'utf8');
      const link = /http:\/\/localhost:3000(\/play#expr=[^`\s]+)/.exec(text);
      expect(link, doc).not.toBeNull();
      // A new tab: the hash read as the page opens (a link followed within the page is a hashchange).
      const tab = await context.newPage();
      await tab.goto(`${base}${link![1]}`);
      await settled(tab);
      expect(JSON.parse((await tab.locator('[data-key="step(w)"]').getAttribute('data-value'))!), doc).toBe(
        -0.23342706384098405,
      );
      await tab.close();
    }
    await context.close();
  }, 120_000);

  it("shows each use's contribution to a gradient that sums several", async () => {
    // u is used by v = u·u and by L = v + u: dL/du = dL/dv · dv/du + dL/dL · dL/du = 1·2u + 1 = 3 at u = w·x = 1.
    const hash = new URLSearchParams({
      expr: 'u = w*x\nv = u*u\nL = v + u',
      inputs: 'x = 2',
      params: 'w = 0.5',
      lr: '0.1',
    });
    const { page, context } = await open(`${base}/play#${hash}`);
    await settled(page);
    const explained = await app.inject({
      method: 'POST',
      url: '/v1/explain',
      headers: { 'accept-language': 'en' },
      payload: {
        graph: { inputs: { x: 2 }, params: { w: 0.5 }, expr: 'u = w*x\nv = u*u\nL = v + u' },
        learningRate: 0.1,
        gradcheck: true,
      },
    });
    const step = (explained.json().steps as any[]).find((s) => s.key === 'dL/du' && s.phase === 'backward');
    expect(step.value).toBe(3);
    const uses = page.locator('.step-backward[data-key="dL/du"] .incoming li');
    expect(
      await uses.evaluateAll((items: any[]) =>
        items.map((li) => [li.dataset.from, JSON.parse(li.dataset.contribution)]),
      ),
    ).toEqual(step.incoming.map((use: any) => [use.from, use.contribution]));
    expect(await uses.allInnerTexts()).toEqual(['from v: 1 · 2 = 2', 'from L: 1 · 1 = 1']);
    await context.close();
  }, 120_000);

  it('saves the picture as the SVG the service drew, and prints the page without its controls', async () => {
    const { page, context } = await open(`${base}/play`);
    await settled(page);
    const saving = page.waitForEvent('download');
    await page.locator('#save-svg').click();
    const saved = await saving;
    expect(saved.suggestedFilename()).toBe('computational-graph.svg');
    expect(readFileSync(await saved.path(), 'utf8')).toBe((await routes('en')).svg);
    // window.print opens a dialog that headless Chromium has not: counted instead.
    await page.evaluate('window.print = () => { window.printed = (window.printed ?? 0) + 1; }');
    await page.locator('#print').click();
    expect(await page.evaluate('window.printed')).toBe(1);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#compute').isVisible()).toBe(false);
    expect(await page.locator('#picture svg').isVisible()).toBe(true);
    // On paper the whole picture, shrunk to the page's width: nothing of it scrolled out of sight.
    expect(await pictureScale(page)).toMatchObject({ scrolls: false });
    expect(await page.locator('#steps .step').last().isVisible()).toBe(true);
    await context.close();
  }, 120_000);

  it('computes a network written as JSON, and shows an error in JSON at its field', async () => {
    const { page, context } = await open(`${base}/play`);
    await settled(page);
    // docs/api.md's 2-2-1 network, a preset of the page's menu (Swagger UI's example).
    const network = { network: exampleSpecs.network };
    await page.locator('#start').selectOption('network');
    await page.locator('#open').click();
    await expect.poll(() => page.locator('#spec').isVisible()).toBe(true);
    await settled(page);
    expect(JSON.parse(await page.locator('#spec').inputValue())).toEqual(network);
    const explained = await app.inject({
      method: 'POST',
      url: '/v1/explain',
      headers: { 'accept-language': 'en' },
      payload: { ...network, learningRate: 0.1, gradcheck: true },
    });
    const steps = explained.json().steps as { key: string; latex: string; value: unknown }[];
    const shown = await page
      .locator('#steps .step')
      .evaluateAll((elements) =>
        elements.map((e: any) => ({ key: e.dataset.key, value: JSON.parse(e.dataset.value) })),
      );
    expect(shown).toEqual(steps.map((s) => ({ key: s.key, value: s.value })));
    expect(new URL(page.url()).hash).toMatch(/^#spec=/);

    // A misspelt field: the service's message under the JSON field.
    const misspelt = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0, activaton: 'sigmoid' } };
    await page.locator('#spec').fill(JSON.stringify(misspelt));
    await page.locator('#compute').click();
    await settled(page, 'problem');
    const refused = await app.inject({
      method: 'POST',
      url: '/v1/explain',
      headers: { 'accept-language': 'en' },
      payload: { ...misspelt, learningRate: 0.1, gradcheck: true },
    });
    expect(refused.statusCode).toBe(400);
    const error = refused.json().errors[0];
    expect(error.path).toMatch(/^neuron/);
    expect(await page.locator('#spec-error span').innerText()).toBe(`${error.path}: ${error.message}`);
    // Quoted at its place in the text: the key misspelt.
    const column = JSON.stringify(misspelt).indexOf('"activaton"');
    expect(await page.locator('#spec-error .excerpt').innerText()).toBe(
      `${JSON.stringify(misspelt)}\n${' '.repeat(column)}^`,
    );
    // An unknown id in graph nodes written over several lines: the line of that arg.
    const nodes = {
      graph: {
        inputs: { x: 3, y: 0 },
        params: { w: -0.2, b: 0.4 },
        nodes: [
          { id: 'u', op: 'mul', args: ['w', 'x'] },
          { id: 'z', op: 'add', args: ['q', 'b'] },
        ],
      },
    };
    const written = JSON.stringify(nodes, null, 2);
    await page.locator('#spec').fill(written);
    await page.locator('#compute').click();
    await settled(page, 'problem');
    expect(await page.locator('#spec-error span').innerText()).toMatch(/^graph\.nodes\[1\]\.args\[0\]: unknown id 'q'/);
    const line = written.split('\n').find((l) => l.includes('"q"'))!;
    expect(await page.locator('#spec-error .excerpt').innerText()).toBe(`${line}\n${' '.repeat(line.indexOf('"q"'))}^`);
    const offset = written.indexOf('"q"');
    expect(await page.locator('#spec').evaluate((e: any) => [e.selectionStart, e.selectionEnd])).toEqual([
      offset,
      offset + 1,
    ]);
    // Text that is not JSON is named before anything is sent.
    await page.locator('#spec').fill('{"neuron": ');
    await page.locator('#compute').click();
    await expect.poll(() => page.locator('#spec-error').innerText()).toMatch(/^not JSON: /);
    await context.close();
  }, 120_000);

  it('opens a template exercise with a seed: its statement, its answers hidden and graded, and its URL', async () => {
    const { page, context } = await open(`${base}/play`);
    await settled(page);
    await page.locator('#start option[value="neuron-sigmoid"]').waitFor({ state: 'attached' });
    await page.locator('#start').selectOption('neuron-sigmoid');
    await page.locator('#seed').fill('7');
    await page.locator('#open').click();
    await settled(page);
    await expect.poll(() => new URL(page.url()).hash).toBe('#template=neuron-sigmoid&seed=7');
    const drawn = (
      await app.inject({
        method: 'POST',
        url: '/v1/exercises',
        headers: { 'accept-language': 'en' },
        payload: { template: 'neuron-sigmoid', seed: 7, locale: 'en' },
      })
    ).json();
    // The statement's Markdown as text: its headings, list items and code, without their marks.
    const plain = (markdown: string) =>
      markdown
        .replace(/^#{1,6}\s+/gm, '')
        .replace(/^\s*(?:[-*]|\d+\.)\s+/gm, '')
        .replace(/`|\*\*/g, '')
        .replace(/\s+/g, ' ')
        .trim();
    const shownStatement = async (p: Page) => (await p.locator('#statement').innerText()).replace(/\s+/g, ' ').trim();
    expect(await shownStatement(page)).toBe(plain(drawn.statement));
    expect(await page.locator('#statement h3').first().innerText()).toBe(/^###\s+(.*)$/m.exec(drawn.statement)![1]);
    expect(await page.locator('#statement li').count()).toBe(drawn.statement.match(/^\s*(?:[-*]|\d+\.)\s/gm).length);
    expect(await page.locator('#practice').isChecked()).toBe(true);
    expect(await page.locator('#steps .worked:visible').count()).toBe(0);
    const { learningRate, ...spec } = drawn.problem;
    expect(JSON.parse(await page.locator('#spec').inputValue())).toEqual({ neuron: spec.neuron });
    const explained = await app.inject({
      method: 'POST',
      url: '/v1/explain',
      headers: { 'accept-language': 'en' },
      payload: { neuron: spec.neuron, learningRate, gradcheck: true },
    });
    const shown = await page
      .locator('#steps .step')
      .evaluateAll((elements) =>
        elements.map((e: any) => ({ key: e.dataset.key, value: JSON.parse(e.dataset.value) })),
      );
    expect(shown).toEqual(explained.json().steps.map((s: any) => ({ key: s.key, value: s.value })));

    // u right, then dL/dw with its sign flipped: graded as POST /v1/grade grades the exercise.
    const typed = { u: String(drawn.answers.u), 'dL/dw': String(-drawn.answers['dL/dw']) };
    for (const [key, value] of Object.entries(typed)) {
      const before = Number((await page.locator('body').getAttribute('data-graded')) ?? 0);
      await page.locator(`.step[data-key="${key}"] input.answer`).fill(value);
      await page.locator(`.step[data-key="${key}"] input.answer`).press('Enter');
      await expect.poll(async () => Number(await page.locator('body').getAttribute('data-graded'))).toBe(before + 1);
    }
    const graded = await app.inject({
      method: 'POST',
      url: '/v1/grade',
      headers: { 'accept-language': 'en' },
      payload: { ...drawn.problem, answers: typed },
    });
    const results = graded.json().results as { key: string; correct: boolean; feedback: string }[];
    for (const result of results) {
      const step = page.locator(`.step[data-key="${result.key}"]`);
      expect(await step.getAttribute('data-graded')).toBe(result.correct ? 'correct' : 'wrong');
      expect(await step.locator('.feedback').innerText()).toContain(result.feedback);
    }
    expect(results.map((r) => r.correct)).toEqual([true, false]);
    await page.screenshot({ path: new URL('play-exercise.png', ARTIFACTS).pathname, fullPage: true });

    // The URL opens the same exercise, in another tab.
    const other = await context.newPage();
    await other.goto(page.url());
    await other.locator('body[data-state="ready"]').waitFor();
    expect(await shownStatement(other)).toBe(plain(drawn.statement));
    await context.close();
  }, 120_000);

  it("switches to Portuguese, whose numbers are the routes' in pt-BR, and remembers it", async () => {
    const { page, context } = await open(`${base}/play`);
    await settled(page);
    await page.locator('#language').selectOption('pt-BR');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('pt-BR');
    await settled(page);
    await expect.poll(() => page.locator('[data-key="u"] annotation').textContent()).toContain('0{,}5');
    await expectShownAsAnswered(page, 'pt-BR');
    expect(await page.locator('h1').innerText()).toBe('Retropropagação, passo a passo');
    expect(await page.locator('#params').inputValue()).toBe('w = 0,5; b = −1');
    await page.screenshot({ path: new URL('play-pt-BR.png', ARTIFACTS).pathname, fullPage: true });
    await page.reload();
    await settled(page);
    expect(await page.locator('html').getAttribute('lang')).toBe('pt-BR');
    await context.close();
  }, 120_000);

  it('opens in Portuguese for a browser that asks for it', async () => {
    const { page, context } = await open(`${base}/play`, { locale: 'pt-BR' });
    await settled(page);
    expect(await page.locator('html').getAttribute('lang')).toBe('pt-BR');
    await context.close();
  }, 120_000);

  it('with API_KEYS, asks for a key, keeps it in the tab, and computes with it', async () => {
    const { page, context } = await open(`${keyedBase}/play`);
    await settled(page, 'problem');
    await page.locator('#api-key').waitFor();
    await page.locator('#api-key').fill(KEY);
    await page.locator('#api-key').press('Enter');
    await settled(page);
    expect(await page.locator('#key-section').isHidden()).toBe(true);
    expect(await page.evaluate(`sessionStorage.getItem('play.apiKey')`)).toBe(KEY);
    expect(await page.evaluate(`localStorage.getItem('play.apiKey')`)).toBeNull();
    await context.close();
  }, 120_000);

  it.each([
    ['a laptop', 1280, 'play-axe.png'],
    ["a phone's width", 360, 'play-360.png'],
  ])(
    'has no serious or critical axe-core violation on %s',
    async (_name, width, screenshot) => {
      // axe-core is injected as a script: the page's own CSP would refuse it, so this context bypasses it.
      const { page, context } = await open(`${base}/play`, { bypassCSP: true, viewport: { width, height: 800 } });
      await settled(page);
      await page.addScriptTag({ content: AXE });
      const grave = async () => {
        const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
          violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
        };
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      };
      expect(await grave()).toEqual([]);
      // And with what the page adds: a box's details, the answers' fields, an error at its field.
      await page.locator('#picture g.node[data-id="w"]').click();
      await page.locator('#practice').check();
      await page.locator('#learning-rate').fill('fast');
      await page.locator('#compute').click();
      await page.locator('#learning-rate-error').waitFor();
      expect(await grave()).toEqual([]);
      await page.locator('#learning-rate').fill('0.1');
      // Readable at the width: nothing but the picture and the formulas (which scroll in their boxes) is wider.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await page.locator('#practice').uncheck();
      expect((await pictureScale(page)).smallest).toBeGreaterThanOrEqual(10);
      await page.screenshot({ path: new URL(screenshot, ARTIFACTS).pathname, fullPage: true });
      await context.close();
    },
    120_000,
  );
});
