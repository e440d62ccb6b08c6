import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DEFAULT_RENDER_FORMAT, MAX_RENDER_VALUES, MAX_RENDER_WORK, RENDER_CONTENT_TYPES, RENDER_SIGFIGS, renderProblem } from '../core/render/index.js';
import type { Limits } from '../engine/limits.js';
import { requestLocale } from '../http/language.js';
import { problemResponses } from '../schemas/problem-details.js';
import { RenderBody, RenderQuery, RenderResponse } from '../schemas/render.js';

export const renderRoute: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  app.post(
    '/v1/render',
    {
      schema: {
        tags: ['teaching'],
        summary: 'A picture of the computational graph, with each value and gradient',
        description: `The graph as micrograd's users draw it, left to right: a box per value (\`id | value | gradient\`; inputs blue, params yellow, the output green, literals grey) and a small ellipse per op (\`+\`, \`×\`, \`σ\`, ...) between its args and its result; in SVG and DOT an op's args enter it from top to bottom in their order (\`c - a\`: c above a). Gradients are dOutput/dId as POST /v1/gradients computes them; when the output is not a scalar the picture shows values only and its caption says why. Numbers are rounded to ${RENDER_SIGFIGS} significant figures (the exact ones: POST /v1/gradients), with a decimal comma under \`Accept-Language: pt-BR\`, whose labels are in Portuguese. \`format\`: \`svg\` (by default, \`image/svg+xml\`, drawn by Graphviz in WebAssembly), \`dot\` (\`text/vnd.graphviz\`) or \`mermaid\` (\`text/plain\`, a \`flowchart LR\`). A graph of more than ${MAX_RENDER_VALUES} values (inputs, params, nodes and literals) is a 413.`,
        querystring: RenderQuery,
        body: RenderBody,
        // No 503: a picture is drawn on the event loop, never queued for a compute worker.
        response: { 200: RenderResponse, 400: problemResponses[400], 413: problemResponses[413], 415: problemResponses[415], 422: problemResponses[422] },
        responseDocs: {
          413: {
            description: `Too large to draw: more than ${MAX_RENDER_VALUES} values (MAX_RENDER_VALUES: inputs, params, nodes and literals), or more than ${MAX_RENDER_WORK} element operations to evaluate (MAX_RENDER_WORK), or over a limit of every route (a body over BODY_LIMIT_BYTES, too many nodes or elements). The detail names the limit and the count.`,
          },
        },
      },
    },
    async (request, reply) => {
      const format = request.query.format ?? DEFAULT_RENDER_FORMAT;
      const picture = await renderProblem(request.body, format, { limits, locale: requestLocale(request) });
      return reply.type(RENDER_CONTENT_TYPES[format]).send(picture);
    },
  );
};
