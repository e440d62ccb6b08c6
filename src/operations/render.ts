/** POST /v1/render: a picture of the computational graph, with each value and gradient. */
import {
  DEFAULT_RENDER_FORMAT,
  MAX_RENDER_VALUES,
  MAX_RENDER_WORK,
  RENDER_CONTENT_TYPES,
  RENDER_SIGFIGS,
  type RenderJob,
  drawPicture,
  pictureWork,
  preparePicture,
} from '../core/render/index.js';
import { problemResponses } from '../schemas/problem-details.js';
import { RenderBody, RenderQuery, RenderResponse, RenderText } from '../schemas/render.js';
import { ASK_FOR_SMALLER_GRAPH } from './include.js';
import { FileAnswer, operation } from './operation.js';

/** A picture drawn by Graphviz needs no script, image or font: opened by itself in a browser, an SVG may run nothing. */
const PICTURE_CSP = "default-src 'none'; style-src 'unsafe-inline'";

export const renderOperation = operation({
  path: '/v1/render',
  body: RenderBody,
  query: RenderQuery,
  response: RenderText,
  responseDocument: RenderResponse,
  errors: problemResponses,
  largeBodies: true,
  headers: { 'content-security-policy': PICTURE_CSP },
  askForLess: ASK_FOR_SMALLER_GRAPH,
  docs: {
    tags: ['teaching'],
    summary: 'A picture of the computational graph, with each value and gradient',
    description: `The graph as micrograd's users draw it, left to right: a box per value (\`id | value | gradient\`; inputs blue, params yellow, the output green, literals grey) and a small ellipse per op (\`+\`, \`×\`, \`σ\`, ...) between its args and its result; in SVG and DOT an op's args enter it from top to bottom in their order (\`c - a\`: c above a). Gradients are dOutput/dId as POST /v1/gradients computes them; when the output is not a scalar the picture shows values only and its caption says why. Numbers are rounded to ${RENDER_SIGFIGS} significant figures (the exact ones: POST /v1/gradients), with a decimal comma under \`Accept-Language: pt-BR\`, whose labels are in Portuguese. A rank 3 or 4 value shows its shape and its first matrix (\`[0, 0, :, :]\`); in SVG and DOT an image-like value or a matrix larger than 4×4 is also a heat map of at most 8×8 cells. Op labels carry their attrs as a course writes them (\`conv2d s=2 p=1\`, \`maxpool 2×2\`, \`dropout p=0.25\`). \`format\`: \`svg\` (by default, \`image/svg+xml\`, drawn by Graphviz in WebAssembly), \`dot\` (\`text/vnd.graphviz\`) or \`mermaid\` (\`text/plain\`, a \`flowchart LR\`). A graph of more than ${MAX_RENDER_VALUES} values (inputs, params, nodes and literals) is a 413, refused before it is compiled (an \`expr\` is counted before it is parsed). A picture whose drawing (evaluation and layout: Graphviz's grows about as the cube of the values) is estimated above OFFLOAD_WORK is drawn on a compute worker, under COMPUTE_BUDGET_MS, as the compute routes are.`,
    responseDocs: {
      413: {
        description: `Too large to draw: more than ${MAX_RENDER_VALUES} values (MAX_RENDER_VALUES: inputs, params, nodes and literals), or more than ${MAX_RENDER_WORK} element operations to evaluate (MAX_RENDER_WORK), or over a limit of every route (a body over BODY_LIMIT_BYTES, too many nodes or elements); a drawing stopped after COMPUTE_BUDGET_MS (\`TIME_BUDGET\`). The detail names the limit and the count.`,
      },
    },
  },
  prepare: (body, { query, limits, locale }): RenderJob =>
    preparePicture(body, query?.format ?? DEFAULT_RENDER_FORMAT, { limits, locale }),
  work: pictureWork,
  run: async (job): Promise<FileAnswer> => new FileAnswer(await drawPicture(job), RENDER_CONTENT_TYPES[job.format]),
});
