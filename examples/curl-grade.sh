#!/usr/bin/env bash
# Grade a student's hand-computed answers for the tutorial's neuron (x=3, w=-0.2, b=0.4, y=0,
# sigmoid, L = 0.5*(y_hat - y)^2) with one curl call, and print the service's JSON answer.
#   ./curl-grade.sh                                  # service at http://127.0.0.1:3000
#   GRADIENT_SERVICE_URL=http://grader:3000 GRADIENT_LANGUAGE=pt-BR ./curl-grade.sh
# Try "format": "gradescope", "prairielearn" or "coderunner" for an LMS's own result shape.
set -eu

URL="${GRADIENT_SERVICE_URL:-http://127.0.0.1:3000}"

# Answers: "0,4502" uses a decimal comma; dL/dw has its sign flipped (diagnosis sign_error);
# step(w) = w - 0.1 * (-0.3343) is right given that wrong dL/dw, so it gets follow-through credit;
# dL/db is blank (null, as an LMS sends an empty field): that answer is unparseable ("no answer
# was given"), and the others are graded.
# --fail-with-body (curl >= 7.76) prints the RFC 9457 problem and exits non-zero on a 4xx/5xx.
curl -sS --fail-with-body --max-time 30 "${URL%/}/v1/grade" \
  -H 'Content-Type: application/json' \
  -H "Accept-Language: ${GRADIENT_LANGUAGE:-en}" \
  --data-binary @- <<'JSON'
{
  "neuron": { "x": 3, "w": -0.2, "b": 0.4, "y": 0 },
  "learningRate": 0.1,
  "tolerance": { "rtol": 1e-3, "atol": 1e-6 },
  "followThrough": true,
  "answers": {
    "u": -0.6,
    "y_hat": "0,4502",
    "dL/dz": 0.1114,
    "dL/dw": -0.3343,
    "step(w)": -0.1666,
    "dL/db": null
  }
}
JSON
echo
