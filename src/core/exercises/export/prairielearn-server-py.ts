/**
 * The PrairieLearn question's server.py: every variant as data, generate() that picks one from
 * `variant_seed` without the network, and grade() that asks the service for follow-through credit
 * when the instructor set its address and it answers in time. The text of a bank reaches Python only
 * as JSON inside a string literal (`json.loads("...")`), written in ASCII, so that no quote, backslash,
 * `'''` or line separator of an author's statement can end the literal or change the program.
 */
import type { Bank } from './common.js';

/** One variant as server.py holds it: the statement and solution as HTML, and each input's expected number. */
export interface ServerVariant {
  seed: number | string;
  statement: string;
  solution: string;
  /** Which set of inputs it asks: an index into the layouts. */
  layout: number;
  correctAnswers: Record<string, number>;
}

/** One input of question.html: its answers-name, and the answer key and element it stands for. */
export interface ServerInput {
  name: string;
  key: string;
  index: number[];
}

/**
 * A value as a Python expression: JSON with every character past ASCII as a `\uXXXX` escape (a
 * character beyond the BMP as its surrogate pair, which json.loads joins back), then that ASCII text
 * as a JSON string literal, which Python reads as the same string (its escapes, `\"`, `\\`, `\n` and
 * `\u00XX`, are Python's too).
 */
const pythonJson = (value: unknown): string => {
  const ascii = JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `json.loads(${JSON.stringify(ascii)})`;
};

const GRADE = `
def generate(data):
    variant = VARIANTS[data["variant_seed"] % len(VARIANTS)]
    data["params"]["seed"] = variant["seed"]
    data["params"]["statement"] = variant["statement"]
    data["params"]["solution"] = variant["solution"]
    data["params"]["layout"] = variant["layout"]
    if len(LAYOUTS) > 1:
        # question.html opens the section of this variant's inputs only.
        data["params"]["layout_%d" % variant["layout"]] = True
    for name, value in variant["correct_answers"].items():
        data["correct_answers"][name] = value


def grade(data):
    if not SERVICE_URL:
        return
    inputs = LAYOUTS[data["params"]["layout"]]
    try:
        graded = _service_grade(data["params"]["seed"], _answers(inputs, data["submitted_answers"]))
        _apply(graded, inputs, data)
    except Exception:
        # Unreachable, too slow, or an answer it refuses: PrairieLearn's own grading stands.
        return


def _answers(inputs, submitted):
    """The submitted numbers as POST /v1/grade takes them: each key's elements back in its tensor."""
    by_key = {}
    for entry in inputs:
        by_key.setdefault(entry["key"], []).append((entry["index"], submitted.get(entry["name"])))
    return {key: _tensor(elements) for key, elements in by_key.items()}


def _tensor(elements):
    """[(index, value)] in row-major order: the value of the index [], else the list of its rows."""
    if len(elements) == 1 and not elements[0][0]:
        return elements[0][1]
    rows = {}
    for index, value in elements:
        rows.setdefault(index[0], []).append((index[1:], value))
    return [_tensor(rows[i]) for i in sorted(rows)]


def _service_grade(seed, answers):
    body = json.dumps({"exercise": EXERCISE, "seed": seed, "answers": answers}, allow_nan=False)
    headers = {"Content-Type": "application/json", "Accept-Language": LOCALE}
    if API_KEY:
        headers["Authorization"] = "Bearer " + API_KEY
    request = urllib.request.Request(
        SERVICE_URL.rstrip("/") + "/v1/grade",
        data=body.encode("utf-8"),
        headers=headers,
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return json.loads(response.read().decode("utf-8"))


def _apply(graded, inputs, data):
    """The service's score, each key's credit and feedback on its inputs, and its overall feedback."""
    scores = {}
    feedback = {}
    for result in graded["results"]:
        names = [entry["name"] for entry in inputs if entry["key"] == result["key"]]
        for name in names:
            # A number takes its key's credit. The elements of a tensor keep the scores pl-number-input
            # gave each, unless the service credits the whole tensor (by follow-through, say).
            if len(names) == 1 or result["credit"] == 1:
                scores[name] = result["credit"]
        if names and result.get("feedback"):
            feedback[names[0]] = result["feedback"]
    for name, score in scores.items():
        data["partial_scores"].setdefault(name, {"weight": 1})["score"] = score
    for name, text in feedback.items():
        data["partial_scores"].setdefault(name, {"weight": 1})["feedback"] = text
    data["score"] = graded["score"]
    data["feedback"]["service"] = graded["feedback"]
`;

/** server.py: the tables, then the functions PrairieLearn calls. */
export function serverPy(variants: readonly ServerVariant[], layouts: readonly ServerInput[][], bank: Bank): string {
  const rows = variants.map(
    (v) =>
      `    ${pythonJson({ seed: v.seed, statement: v.statement, solution: v.solution, layout: v.layout, correct_answers: v.correctAnswers })},`,
  );
  return `# A PrairieLearn question written by the gradient service (POST /v1/exercises/export, format
# prairielearn). The folder holds every exported variant: generate() picks one from the variant
# seed, without network access, and pl-number-input grades each number against it.
import json
import urllib.request

# The gradient service, for follow-through credit: a wrong answer that is right given the student's
# own earlier answers. For example "https://backprop.example.edu" (its address, without /v1).
# Empty (the default): grade() never calls it, and each number is graded on its own.
# Set: grade() sends the answers to POST {SERVICE_URL}/v1/grade with this exercise and the variant's
# seed, and takes its score and feedback; when the service does not answer within TIMEOUT_SECONDS,
# or answers with an error, PrairieLearn's own grading stands.
SERVICE_URL = ""
# The service's API key, when it has API_KEYS set (sent as Authorization: Bearer ...); empty: none.
API_KEY = ""
TIMEOUT_SECONDS = 3

# The exercise as POST /v1/grade takes it by reference, and the language of the service's feedback.
EXERCISE = ${pythonJson(bank.exercise)}
LOCALE = ${pythonJson(bank.locale)}

# Each set of inputs in question.html: every input's answers-name, and the answer key and element
# (row, column, ...) it stands for.
LAYOUTS = ${pythonJson(layouts)}

# One entry per variant: its seed, statement and worked solution (HTML), its set of inputs, and the
# expected number of each input, exactly as POST /v1/gradients gives it.
VARIANTS = [
${rows.join('\n')}
]

${GRADE}`;
}
