import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Computer } from '../http/compute.js';
import { EXPLAIN_LIMITS } from '../operations/explain.js';
import { ExplainBody, ExplainResponse } from '../schemas/explain.js';
import { problemResponses } from '../schemas/problem-details.js';

export const explainRoute: FastifyPluginAsyncZod<{ computer: Computer }> = async (app, { computer }) => {
  app.post(
    '/v1/explain',
    {
      config: { rawLargeBodies: true },
      schema: {
        tags: ['teaching'],
        summary: 'Step-by-step explanation: the forward pass, the local derivatives and the chain rule, with the numbers put in',
        description: `The forward pass and then the backward pass as the tutorial teaches them, one step per line: each node's formula in the student's own notation (\`z = u + b\`, \`y_hat = σ(z)\`, \`L = ½(y_hat − y)²\`) with the numbers put in and the result; each local derivative; then each gradient as the gradient arriving from above times the local derivative (\`dL/dz = dL/dy_hat · dy_hat/dz = 0.450166 · 0.247517 = 0.111424\`), summed over the nodes that use the id. Networks are explained layer by layer (\`dL/dz = dL/da ⊙ f'(z)\`, \`dL/dW = (dL/dz)ᵀ a_prev\`, \`dL/db = Σ dL/dz\`, \`dL/da_prev = dL/dz W\`). With \`learningRate\`, one SGD step on every param; with \`gradcheck\` or \`epsilon\`, the finite-difference check. Every step comes as text and as LaTeX with its exact numbers in its own fields (the text rounds them to 6 significant figures), and the whole as Markdown, in English or Brazilian Portuguese (Accept-Language). Explanations are for reading: graphs over ${EXPLAIN_LIMITS.maxNodes} nodes or ${EXPLAIN_LIMITS.maxElements} numbers are refused with 413.`,
        body: ExplainBody,
        response: { 200: ExplainResponse, ...problemResponses },
        responseDocs: {
          200: {
            description:
              'The `steps` in order (forward, local, backward, then update and gradcheck when asked for), each with its `key` (as POST /v1/grade names the answer), its formula, its line as `text` and `latex` (numbers rounded), and its exact `value`; backward steps list each `incoming` gradient and local derivative. `markdown` is the whole explanation, ready to show.',
          },
          413: {
            description: `Too large to explain: more than ${EXPLAIN_LIMITS.maxNodes} nodes (EXPLAIN_LIMITS.maxNodes) or ${EXPLAIN_LIMITS.maxElements} numbers in the graph's tensors (EXPLAIN_LIMITS.maxElements), or over a limit of every route (a body over BODY_LIMIT_BYTES, work, numbers in the response); a computation stopped after COMPUTE_BUDGET_MS. The detail names the limit.`,
          },
        },
      },
    },
    async (request, reply) => computer.respond('explain', request, reply, ExplainResponse),
  );
};
