import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MAX_RENDER_VALUES, MAX_RENDER_WORK, RENDER_SIGFIGS } from '../core/render/index.js';
import type { Computer } from '../http/compute.js';
import { problemResponses } from '../schemas/problem-details.js';
import { RenderBody, RenderQuery, RenderResponse, RenderText } from '../schemas/render.js';

const PICTURE_CSP = "default-src 'none'; style-src 'unsafe-inline'";

export const renderRoute: FastifyPluginAsyncZod<{ computer: Computer }> = async (app, { computer }) => {
  app.post(
    '/v1/render',
    {
      config: { rawLargeBodies: true },
      schema: {
        tags: ['teaching'],
        summary: 'A picture of the computational graph, with each value and gradient',
        description: `The graph as micrograd's users draw it, left to right: a box per value (\`id | value | gradient\`; inputs blue, params yellow, the output green, literals grey) and a small ellipse per op (\`+\`, \`×\`, \`σ\`, ...) between its args and its result; in SVG and DOT an op's args enter it from top to bottom in their order (\`c - a\`: c above a). Gradients are dOutput/dId as POST /v1/gradients computes them; when the output is not a scalar the picture shows values only and its caption says why. Numbers are rounded to ${RENDER_SIGFIGS} significant figures (the exact ones: POST /v1/gradients), with a decimal comma under \`Accept-Language: pt-BR\`, whose labels are in Portuguese. \`format\`: \`svg\` (by default, \`image/svg+xml\`, drawn by Graphviz in WebAssembly), \`dot\` (\`text/vnd.graphviz\`) or \`mermaid\` (\`text/plain\`, a \`flowchart LR\`). A graph of more than ${MAX_RENDER_VALUES} values (inputs, params, nodes and literals) is a 413, refused before it is compiled (an \`expr\` is counted before it is parsed). A picture whose drawing (evaluation and layout: Graphviz's grows about as the cube of the values) is estimated above OFFLOAD_WORK is drawn on a compute worker, under COMPUTE_BUDGET_MS, as the compute routes are.`,
        querystring: RenderQuery,
        body: RenderBody,
        response: { 200: RenderResponse, ...problemResponses },
        responseDocs: {
          413: {
            description: `Too large to draw: more than ${MAX_RENDER_VALUES} values (MAX_RENDER_VALUES: inputs, params, nodes and literals), or more than ${MAX_RENDER_WORK} element operations to evaluate (MAX_RENDER_WORK), or over a limit of every route (a body over BODY_LIMIT_BYTES, too many nodes or elements); a drawing stopped after COMPUTE_BUDGET_MS (\`TIME_BUDGET\`). The detail names the limit and the count.`,
          },
        },
      },
    },
    async (request, reply) => {
      // A picture drawn by Graphviz needs no script, image or font: opened by itself in a browser, an SVG may run nothing.
      reply.header('content-security-policy', PICTURE_CSP);
      return computer.respond('render', request, reply, RenderText, { format: request.query.format });
    },
  );
};
