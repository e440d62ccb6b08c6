/** POST /v1/render: a picture of the computational graph, with each value and gradient. */
import { DEFAULT_RENDER_FORMAT, RENDER_CONTENT_TYPES, type RenderJob, drawPicture, pictureWork, preparePicture } from '../core/render/index.js';
import { RenderBody } from '../schemas/render.js';
import { TextAnswer, operation } from './operation.js';

export const renderOperation = operation({
  body: RenderBody,
  prepare: (body, context): RenderJob => preparePicture(body, context.format ?? DEFAULT_RENDER_FORMAT, context),
  work: pictureWork,
  run: async (job): Promise<TextAnswer> => new TextAnswer(await drawPicture(job), RENDER_CONTENT_TYPES[job.format]),
});
