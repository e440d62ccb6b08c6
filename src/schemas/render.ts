/** Request and response schemas of POST /v1/render: a spec in, a picture of its graph out. */
import { z } from 'zod';
import { DEFAULT_RENDER_FORMAT, RENDER_FORMATS } from '../core/render/index.js';
import { problemExamples } from './examples.js';
import { exactlyOneSpec, oneSpec, specFields } from './spec.js';

export const RenderBody = z
  .strictObject(specFields)
  .superRefine(exactlyOneSpec)
  .meta({
    description: 'One problem spec: graph, neuron or network (as POST /v1/gradients takes them).',
    ...oneSpec,
    ...problemExamples(),
  });

export const RenderQuery = z.strictObject({
  format: z.enum(RENDER_FORMATS).optional().meta({
    description: `svg (by default): the picture, drawn by Graphviz; dot: its Graphviz source; mermaid: a Mermaid flowchart, for pages and LMS editors that render Mermaid.`,
    default: DEFAULT_RENDER_FORMAT,
  }),
});

const Picture = (description: string) => ({ schema: z.string().meta({ description }) });

/** A picture as text: what an answer drawn on a worker thread is checked against (checkResponses); RenderResponse documents it. */
export const RenderText = z.string();

/** The 200 answer in each format's content type. */
export const RenderResponse = {
  description: 'The computational graph, laid out left to right, in the requested format.',
  content: {
    'image/svg+xml': Picture('format=svg: an SVG document.'),
    'text/vnd.graphviz': Picture('format=dot: Graphviz DOT source (HTML-like labels), UTF-8.'),
    'text/plain': Picture(
      'format=mermaid: a Mermaid `flowchart LR` with the caption as its front-matter title, UTF-8.',
    ),
  },
};
