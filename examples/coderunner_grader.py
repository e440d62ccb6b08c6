"""Moodle CodeRunner combinator template grader (Python3) backed by the gradient service.

In CodeRunner: paste this whole file as the question's template, tick "Is combinator" and set
the grader to "Template grader". Twig fills in the two marked lines below: the student's answer
box and the question's template parameters, which hold the grading request (see README.md):

    {"neuron": {"x": 3, "w": -0.2, "b": 0.4, "y": 0}, "learningRate": 0.1,
     "tolerance": {"sigfigs": 3}, "keys": ["u", "y_hat", "dL/dz", "dL/dw", "step(w)"],
     "language": "pt-BR", "showExpected": false}

The result table's Expected column shows each value rounded to what the tolerance asks (and, for
an answer right by follow-through, the value it follows from); "showExpected": false leaves it out.

The student answers with one `key = value` line per answer (`dL/dw = 0,3343`) or a JSON object.

Run locally, the marked lines stay unfilled and the script reads files instead:

    GRADIENT_SERVICE_URL=http://127.0.0.1:3000 python3 coderunner_grader.py answers.json [problem.json]
    printf 'u = -0.6\\ndL/dw = -0.3343\\n' | python3 coderunner_grader.py

It prints one JSON object, as CodeRunner expects: fraction, testresults, prologuehtml. It never
prints a traceback: any failure is a result with fraction 0 and a message saying why.
prologuehtml is HTML, so text put in it is escaped; testresults cells are text, which CodeRunner
escapes itself (no columnformats marks a column "%h"), so they are left as typed.
"""
import html
import json
import math
import os
import sys
import urllib.error
import urllib.request

# Filled in by CodeRunner's Twig. Keep these two lines as they are.
STUDENT_ANSWER = """{{ STUDENT_ANSWER | e('py') }}"""
PARAMETERS = """{{ QUESTION.parameters | json_encode | e('py') }}"""

# Jobe (CodeRunner's sandbox) does not pass your environment: edit the default for production.
SERVICE_URL = os.environ.get("GRADIENT_SERVICE_URL", "http://127.0.0.1:3000").rstrip("/")
TIMEOUT_S = 10
# Used for local runs only, when no problem file is given: the tutorial's neuron.
LOCAL_PROBLEM = {"neuron": {"x": 3, "w": -0.2, "b": 0.4, "y": 0}, "learningRate": 0.1}
# The /v1/grade fields taken from the template parameters; anything else there is ignored.
# showExpected: false leaves the Expected column out of the result table (it gives answers away).
REQUEST_FIELDS = ("neuron", "graph", "network", "learningRate", "epsilon", "optimizer", "tolerance", "followThrough", "showExpected")
MESSAGES = {
    "en": {
        "unreadable": "Your answers could not be read ({why}). Write one answer per line, such as: dL/dw = 0.3343",
        "unreachable": "The grading service could not be reached ({why}). Your answers were not graded: try again in a moment.",
        "refused": "The grading service refused this submission: {why}",
        "failed": "The grader failed ({why}). Tell your instructor.",
    },
    "pt-BR": {
        "unreadable": "Não foi possível ler suas respostas ({why}). Escreva uma resposta por linha, por exemplo: dL/dw = 0,3343",
        "unreachable": "Não foi possível contatar o serviço de correção ({why}). Suas respostas não foram corrigidas: tente de novo em instantes.",
        "refused": "O serviço de correção recusou esta submissão: {why}",
        "failed": "O corretor falhou ({why}). Avise o professor.",
    },
}


class Failure(Exception):
    """A reason to give fraction 0: kind is a MESSAGES key, why the detail."""

    def __init__(self, kind, why):
        super().__init__(why)
        self.kind, self.why = kind, why


def parse_answers(text):
    """A JSON object, or `key = value` lines (blank lines and # comments skipped)."""
    text = text.strip()
    if text.startswith("{"):
        try:
            answers = json.loads(text)
        except ValueError as e:
            raise Failure("unreadable", f"not valid JSON: {e}")
        if not isinstance(answers, dict):
            raise Failure("unreadable", "expected a JSON object")
        return answers
    answers = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise Failure("unreadable", f"line {n} is not key = value")
        answers[key.strip()] = value.strip()
    return answers


def clean(value):
    """What goes to the service: numbers, text, null, true/false and lists as sent. One that it
    cannot read (null for a blank field, true, "abc") is that answer's own result, 0 points, and
    the others are graded. An object goes as its JSON text, so that a student never sends their
    own {value, tolerance}."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or Infinity: the service reads the text as not finite
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def select(submitted, keys):
    """The answers to grade. With `keys` (a list, or {answer name: grading key}), exactly those:
    a missing one is sent empty and scores 0, extra ones are ignored. Without, all submitted."""
    if keys is None:
        return {k: clean(v) for k, v in submitted.items()}
    pairs = keys.items() if isinstance(keys, dict) else [(k, k) for k in keys]
    return {key: clean(submitted.get(name, "")) for name, key in pairs}


def post_grade(body, language):
    """POST /v1/grade: the service's JSON answer, or a Failure carrying the problem's detail."""
    request = urllib.request.Request(
        SERVICE_URL + "/v1/grade",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Accept-Language": language},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:  # non-2xx: an RFC 9457 application/problem+json body
        raise Failure("refused", problem_detail(e))
    except (urllib.error.URLError, OSError) as e:  # connection refused, timeout, DNS...
        raise Failure("unreachable", str(getattr(e, "reason", e)))


def problem_detail(e):
    try:
        return json.load(e)["detail"]
    except Exception:
        return f"HTTP {e.code} {e.reason}"


def inputs():
    """(answer text, question config) from CodeRunner's Twig, or from argv / stdin locally."""
    if not PARAMETERS.startswith("{" * 2):  # rendered by CodeRunner
        config = json.loads(PARAMETERS)
        return STUDENT_ANSWER, config if isinstance(config, dict) else {}
    answers_path = sys.argv[1] if len(sys.argv) > 1 else "-"
    with (sys.stdin if answers_path == "-" else open(answers_path, encoding="utf-8")) as f:
        text = f.read()
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as f:
            return text, json.load(f)
    return text, LOCAL_PROBLEM


def main():
    language = os.environ.get("GRADIENT_LANGUAGE", "en")
    try:
        try:
            text, config = inputs()
        except (OSError, ValueError) as e:
            raise Failure("unreadable", str(e))
        language = config.get("language", language)
        answers = select(parse_answers(text), config.get("keys"))
        if not answers:
            raise Failure("unreadable", "no answers")
        body = {k: config[k] for k in REQUEST_FIELDS if k in config}
        body.update(answers=answers, format="coderunner")
        result = post_grade(body, language)
    except Failure as f:
        result = failure(f.kind, f.why, language)
    except Exception as e:  # never a traceback in front of a student
        result = failure("failed", f"{type(e).__name__}: {e}", language)
    print(json.dumps(result))


def failure(kind, why, language):
    text = MESSAGES.get(language, MESSAGES["en"])[kind].format(why=why)
    return {"fraction": 0.0, "prologuehtml": f"<p>{html.escape(text)}</p>"}


if __name__ == "__main__":
    main()
