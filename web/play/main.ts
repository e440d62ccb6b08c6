/**
 * The student page (GET /play): a graph in the tutorial's notation, or a spec in JSON, or a
 * template exercise drawn with a seed, sent to POST /v1/explain and POST /v1/render; the picture
 * and the explanation shown, the service's errors at the place they name, in the page's
 * language; the answers hidden on demand and graded by POST /v1/grade. It opens on the
 * tutorial's worked example, computed, or on what a shared URL holds.
 */
import type { Locale } from '../../src/text.js';
import { type Problem, keepApiKey, post } from './api.js';
import { drawExercise, templates } from './exercises.js';
import { type Explanation, revealUpTo, showExplanation } from './explanation.js';
import { applyWords, initialLocale, rememberLocale, word } from './language.js';
import { showNodeDetails } from './node-details.js';
import { highlight, onBoxChosen, showPicture } from './picture.js';
import { type GradedAnswer, addPractice, answersTyped, retype, showGrades, typedByField } from './practice.js';
import {
  type Fields,
  fillExample,
  fillJson,
  fillLearningRate,
  fillShared,
  fillSpec,
  mode,
  readFields,
  rewriteNumbers,
  setMode,
  sharedFields,
} from './fields.js';
import { JSON_PRESETS } from './presets.js';
import { clearProblems, selectPlace, showProblem } from './problems.js';
import { type Shared, readHash, writeHash } from './share.js';
import { showStatement } from './statement.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const form = byId<HTMLFormElement>('graph-form');
const start = byId<HTMLSelectElement>('start');
const seed = byId<HTMLInputElement>('seed');
const templateOptions = byId<HTMLOptGroupElement>('template-options');
const exerciseSection = byId<HTMLElement>('exercise');
const statement = byId<HTMLElement>('statement');
const languageSelect = byId<HTMLSelectElement>('language');
const general = byId<HTMLElement>('problems');
const picture = byId<HTMLElement>('picture');
const stepList = byId<HTMLElement>('steps');
const keySection = byId<HTMLElement>('key-section');
const keyForm = byId<HTMLFormElement>('key-form');
const keyInput = byId<HTMLInputElement>('api-key');
const previous = byId<HTMLButtonElement>('previous');
const next = byId<HTMLButtonElement>('next');
const stepCount = byId<HTMLElement>('step-count');
const status = byId<HTMLElement>('status');
const practice = byId<HTMLInputElement>('practice');
const showPictureButton = byId<HTMLButtonElement>('show-picture');
const shareLink = byId<HTMLAnchorElement>('share-link');
const nodeDetails = byId<HTMLElement>('node-details');

let locale: Locale = initialLocale();
/** The step items shown, and the last one revealed in step-by-step mode. */
let items: HTMLLIElement[] = [];
let revealed = 0;
/** Each computation's number: an answer to an older one is dropped. */
let computation = 0;
/** What the steps on the page were computed from (sent again to POST /v1/grade), and the steps. */
let computed: Fields | undefined;
let explanation: Explanation | undefined;
/** The picture as the service drew it, to save as a file. */
let drawing: string | undefined;
/** The exercise open, until its fields are edited: its template, seed and grading fields. */
let exercise: { template: string; seed: number; grading: Record<string, unknown> } | undefined;

/** The fields from a shared URL's hash; false when it holds no graph. */
async function openShared(): Promise<boolean> {
  const shared = readHash(location.hash);
  if (!shared) return false;
  if (shared.kind === 'exercise') return openExercise(shared.template, Number(shared.seed) || 0);
  exercise = undefined;
  exerciseSection.hidden = true;
  fillShared(shared, locale);
  return true;
}

/** What is on screen, as the URL's hash. */
function shared(): Shared {
  if (exercise) return { kind: 'exercise', template: exercise.template, seed: String(exercise.seed) };
  return sharedFields();
}

/** The URL of what is computed on screen, in the address bar and in the link to share. */
function share(): void {
  const hash = writeHash(shared());
  history.replaceState(null, '', hash);
  shareLink.href = hash;
}

const stepwise = (): boolean =>
  (document.querySelector<HTMLInputElement>('input[name="show"]:checked')?.value ?? '') === 'stepwise';

function showSteps(): void {
  const last = stepwise() ? revealed : items.length - 1;
  revealUpTo(items, last);
  previous.disabled = !stepwise() || revealed <= 0;
  next.disabled = !stepwise() || revealed >= items.length - 1;
  stepCount.textContent = items.length ? `${last + 1} / ${items.length}` : '';
  // Step by step, the box of the step reached is highlighted in the picture.
  highlight(picture, stepwise() ? items[revealed]?.dataset.id : undefined);
}

function problemAnswered(problem: Problem, focus: boolean): void {
  if (problem.status === 401) {
    keySection.hidden = false;
    if (focus) keyInput.focus();
  }
  const message = problem.status === 0 ? word(locale, 'unreachable') : problem.title;
  const place = showProblem(problem, mode(), general, message ?? String(problem.status));
  if (place) selectPlace(byId<HTMLTextAreaElement>(place.field), place, focus);
}

/** Sends the fields to the service and shows its answers; `focus` (a student's own submit) moves to an error. */
async function compute(focus: boolean): Promise<void> {
  const mine = ++computation;
  clearProblems(general);
  const fields = readFields(locale);
  if (!fields) return;
  document.body.dataset.state = 'computing';
  status.textContent = word(locale, 'computing');
  const epsilon = exercise?.grading.epsilon;
  const [explained, drawn] = await Promise.all([
    post<Explanation>(
      '/v1/explain',
      { ...fields.spec, learningRate: fields.learningRate, gradcheck: true, ...(epsilon !== undefined && { epsilon }) },
      locale,
      'json',
    ),
    post<string>('/v1/render?format=svg', fields.spec, locale, 'text'),
  ]);
  if (mine !== computation) return;
  // From the service's answer to the page drawn: the time the issue asks to measure.
  const answered = performance.now();
  if (explained.ok) {
    keySection.hidden = true;
    // The same graph again (its language switched): the answers typed stay, to be checked anew.
    const same = computed && JSON.stringify(computed) === JSON.stringify(fields);
    const typed = same ? typedByField(stepList) : undefined;
    computed = fields;
    explanation = explained.value;
    share();
    items = showExplanation(stepList, explained.value);
    if (practice.checked) addPractice(items, explanation.steps, locale);
    if (typed) retype(stepList, typed);
    revealed = Math.min(revealed, items.length - 1);
  } else {
    items = [];
    computed = undefined;
    explanation = undefined;
    stepList.replaceChildren();
    problemAnswered(explained.problem, focus);
  }
  nodeDetails.hidden = true;
  if (drawn.ok) {
    drawing = drawn.value;
    showPicture(picture, drawn.value, word(locale, 'pictureLabel'));
  } else {
    drawing = undefined;
    picture.replaceChildren();
    if (explained.ok) problemAnswered(drawn.problem, focus);
  }
  showSteps();
  status.textContent = '';
  document.body.dataset.domMs = (performance.now() - answered).toFixed(1);
  // Two frames: the first runs before the browser lays the page out, the second after it painted.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      if (mine !== computation) return;
      document.body.dataset.renderMs = (performance.now() - answered).toFixed(1);
      document.body.dataset.state = explained.ok && drawn.ok ? 'ready' : 'problem';
    }),
  );
}

/** Draws a template exercise with a seed, shows its statement and puts its problem into the fields. */
async function openExercise(template: string, chosenSeed: number): Promise<boolean> {
  clearProblems(general);
  document.body.dataset.state = 'computing';
  const drawn = await drawExercise(template, chosenSeed, locale);
  if (!drawn.ok) {
    problemAnswered(drawn.problem, true);
    document.body.dataset.state = 'problem';
    return false;
  }
  const { graph, neuron, network, learningRate: rate, ...grading } = drawn.value.problem;
  fillSpec(graph ? { graph } : neuron ? { neuron } : { network }, locale);
  if (typeof rate === 'number') fillLearningRate(rate, locale);
  exercise = { template, seed: chosenSeed, grading };
  start.value = template;
  seed.value = String(chosenSeed);
  showStatement(statement, drawn.value.statement);
  exerciseSection.hidden = false;
  // An exercise is for working out: the answers hidden, until asked for.
  practice.checked = true;
  showPractice();
  return true;
}

async function openChosen(): Promise<void> {
  const chosen = start.value;
  if (chosen === 'example') {
    exercise = undefined;
    exerciseSection.hidden = true;
    fillExample(locale);
  } else if (chosen in JSON_PRESETS) {
    exercise = undefined;
    exerciseSection.hidden = true;
    fillJson(JSON_PRESETS[chosen as keyof typeof JSON_PRESETS]);
  } else if (!(await openExercise(chosen, Math.max(0, Math.trunc(Number(seed.value) || 0))))) return;
  await compute(false);
}

function setLocale(chosen: Locale, remember: boolean): void {
  locale = chosen;
  if (remember) rememberLocale(chosen);
  languageSelect.value = chosen;
  applyWords(chosen);
  templateOptions.label = word(chosen, 'exercises');
  for (const option of templateOptions.querySelectorAll<HTMLOptionElement>('option')) {
    option.textContent = JSON.parse(option.dataset.title!)[chosen];
  }
  rewriteNumbers(chosen);
}

/** Practice on: the answers hidden until asked for, the picture too (it shows them all). */
function showPractice(): void {
  document.body.toggleAttribute('data-practice', practice.checked);
  if (practice.checked && explanation) addPractice(items, explanation.steps, locale);
  picture.hidden = practice.checked;
  showPictureButton.hidden = !practice.checked;
}

async function grade(input: HTMLInputElement): Promise<void> {
  if (!computed || input.value.trim() === '') return;
  const answers = answersTyped(stepList, input);
  const graded = await post<{ results: GradedAnswer[] }>(
    '/v1/grade',
    { ...computed.spec, ...exercise?.grading, learningRate: computed.learningRate, answers },
    locale,
    'json',
  );
  if (graded.ok) showGrades(stepList, graded.value.results, locale);
  else problemAnswered(graded.problem, true);
  document.body.dataset.graded = String(Number(document.body.dataset.graded ?? 0) + 1);
}

async function listTemplates(): Promise<void> {
  for (const template of await templates(locale)) {
    const option = document.createElement('option');
    option.value = template.id;
    option.dataset.title = JSON.stringify(template.title);
    option.textContent = template.title[locale];
    templateOptions.append(option);
  }
  templateOptions.label = word(locale, 'exercises');
  if (exercise) start.value = exercise.template;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void compute(true);
});
// An exercise edited is a graph of the student's own: shared as its fields, no longer by its seed.
form.addEventListener('input', (event) => {
  if (exercise && event.target !== start && event.target !== seed) {
    exercise = undefined;
    exerciseSection.hidden = true;
  }
});
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="mode"]')) {
  radio.addEventListener('change', () => setMode(mode()));
}
byId<HTMLButtonElement>('open').addEventListener('click', () => void openChosen());
languageSelect.addEventListener('change', () => {
  setLocale(languageSelect.value as Locale, true);
  if (exercise) void openExercise(exercise.template, exercise.seed).then((ok) => (ok ? compute(false) : undefined));
  else void compute(false);
});
keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (keyInput.value.trim() === '') return;
  keepApiKey(keyInput.value.trim());
  keyInput.value = '';
  if (templateOptions.childElementCount === 0) void listTemplates();
  void compute(true);
});
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="show"]')) {
  radio.addEventListener('change', () => {
    revealed = 0;
    showSteps();
  });
}
previous.addEventListener('click', () => {
  revealed = Math.max(0, revealed - 1);
  showSteps();
});
next.addEventListener('click', () => {
  revealed = Math.min(items.length - 1, revealed + 1);
  showSteps();
  items[revealed]?.scrollIntoView({ block: 'nearest' });
});
practice.addEventListener('change', showPractice);
showPictureButton.addEventListener('click', () => {
  picture.hidden = false;
  showPictureButton.hidden = true;
  picture.focus();
});
onBoxChosen(picture, (box) => {
  if (explanation) showNodeDetails(nodeDetails, box, explanation.steps, explanation.given, locale);
});
byId<HTMLButtonElement>('save-svg').addEventListener('click', () => {
  if (!drawing) return;
  // A file made in the page: nothing is sent anywhere.
  const url = URL.createObjectURL(new Blob([drawing], { type: 'image/svg+xml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'computational-graph.svg';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});
byId<HTMLButtonElement>('print').addEventListener('click', () => window.print());
stepList.addEventListener('submit', (event) => {
  event.preventDefault();
  const input = (event.target as HTMLElement).querySelector<HTMLInputElement>('input.answer');
  if (input) void grade(input);
});
stepList.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest('.reveal');
  if (button) button.closest<HTMLElement>('.step')!.dataset.revealed = '';
});
window.addEventListener('hashchange', () => {
  if (readHash(location.hash) && location.hash !== writeHash(shared()))
    void openShared().then((ok) => (ok ? compute(false) : undefined));
});

setLocale(locale, false);
void listTemplates();
void openShared().then((ok) => {
  if (!ok) fillExample(locale);
  return compute(false);
});
