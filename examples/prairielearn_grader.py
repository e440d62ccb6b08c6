#!/usr/bin/env python3
"""PrairieLearn external grader backed by the gradient service.

    prairielearn_grader.py [data.json] [results.json]
    (defaults: /grade/data/data.json and /grade/results/results.json)

Question setup (see README.md): the question's server.py puts the grading request in
data["params"] (the /v1/grade fields: neuron, graph or network, learningRate, epsilon, optimizer,
tolerance, followThrough; other params are ignored), plus two fields for this script:
  - "keys": the answers to grade, either a list of grading keys (["u", "dL/dw"]) or a map from
    the question's answers-name to the grading key ({"dL_dw": "dL/dw", "step_w": "step(w)"}).
    A listed answer that is missing is graded as empty (0 points); unlisted ones are ignored.
    Without "keys", every submitted answer is graded under its own name.
  - "language": "pt-BR" or "en" (Accept-Language), else $GRADIENT_LANGUAGE, else en.
data["submitted_answers"] holds the student's answers (e.g. from pl-string-input elements, so
that "0,45" and "1/8" reach the service as typed).

Results: the service's PrairieLearn shape (gradable, score 0..1, message, tests[]). All of it is
text, which PrairieLearn escapes when it shows it (messages through ansi2html, names and
format_errors through mustache {{ }}), so nothing is escaped here.
  - gradable: false (PrairieLearn shows the format errors and does not count the attempt) only
    when the submission itself cannot be read: data.json unreadable, submitted_answers not an
    object, or no answers at all.
  - Service errors (unreachable, timeout, a problem+json answer) give gradable: true, score 0
    and the problem's detail as the message, so the failure is visible and recorded; regrade the
    affected submissions once the service is back.
It always writes results.json and exits 0, without a traceback.
"""
import json
import math
import os
import sys
import urllib.error
import urllib.request

DATA_PATH = sys.argv[1] if len(sys.argv) > 1 else "/grade/data/data.json"
RESULTS_PATH = sys.argv[2] if len(sys.argv) > 2 else "/grade/results/results.json"
# Set it in info.json: "externalGradingOptions": {"environment": {"GRADIENT_SERVICE_URL": ...}}
SERVICE_URL = os.environ.get("GRADIENT_SERVICE_URL", "http://127.0.0.1:3000").rstrip("/")
TIMEOUT_S = 20
REQUEST_FIELDS = ("neuron", "graph", "network", "learningRate", "epsilon", "optimizer", "tolerance", "followThrough")
MESSAGES = {
    "en": {
        "unreadable": "Your answers could not be read: {why}.",
        "unreachable": "The grading service could not be reached ({why}). This attempt scored 0; ask your instructor to regrade it.",
        "refused": "The grading service refused this submission: {why}",
        "failed": "The grader failed ({why}). Tell your instructor.",
    },
    "pt-BR": {
        "unreadable": "Não foi possível ler suas respostas: {why}.",
        "unreachable": "Não foi possível contatar o serviço de correção ({why}). Esta tentativa ficou com 0; peça ao professor para corrigi-la de novo.",
        "refused": "O serviço de correção recusou esta submissão: {why}",
        "failed": "O corretor falhou ({why}). Avise o professor.",
    },
}


class Failure(Exception):
    def __init__(self, kind, why):
        super().__init__(why)
        self.kind, self.why = kind, why


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
    if keys is None:  # PrairieLearn's own entries (_files, ...) start with "_"
        return {k: clean(v) for k, v in submitted.items() if not k.startswith("_")}
    pairs = keys.items() if isinstance(keys, dict) else [(k, k) for k in keys]
    return {key: clean(submitted.get(name, "")) for name, key in pairs}


def post_grade(body, language):
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
        try:
            why = json.load(e)["detail"]
        except Exception:
            why = f"HTTP {e.code} {e.reason}"
        raise Failure("refused", why)
    except (urllib.error.URLError, OSError) as e:  # connection refused, timeout, DNS...
        raise Failure("unreachable", str(getattr(e, "reason", e)))


def grade():
    language = os.environ.get("GRADIENT_LANGUAGE", "en")
    try:
        try:
            with open(DATA_PATH, encoding="utf-8") as f:
                data = json.load(f)
            params = data.get("params") or {}
            submitted = data["submitted_answers"]
            if not isinstance(submitted, dict) or not isinstance(params, dict):
                raise ValueError("submitted_answers is not an object")
        except (OSError, ValueError, KeyError, AttributeError) as e:
            raise Failure("unreadable", f"{type(e).__name__}: {e}")
        language = params.get("language", language)
        answers = select(submitted, params.get("keys"))
        if not answers:
            raise Failure("unreadable", "no answers were submitted")
        body = {k: params[k] for k in REQUEST_FIELDS if k in params}
        body.update(answers=answers, format="prairielearn")
        return post_grade(body, language)
    except Failure as f:
        return failure(f.kind, f.why, language)
    except Exception as e:  # never a traceback
        return failure("failed", f"{type(e).__name__}: {e}", language)


def failure(kind, why, language):
    message = MESSAGES.get(language, MESSAGES["en"])[kind].format(why=why)
    if kind == "unreadable":
        return {"gradable": False, "score": 0.0, "message": message, "format_errors": [message], "tests": []}
    return {"gradable": True, "score": 0.0, "message": message, "tests": []}


if __name__ == "__main__":
    results = grade()
    try:
        os.makedirs(os.path.dirname(os.path.abspath(RESULTS_PATH)), exist_ok=True)  # PL does not create it
        with open(RESULTS_PATH, "w", encoding="utf-8") as f:
            json.dump(results, f)
    except OSError as e:
        print(f"cannot write {RESULTS_PATH}: {e}", file=sys.stderr)
        sys.exit(1)
