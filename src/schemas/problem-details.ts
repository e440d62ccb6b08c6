import { z } from 'zod';

export const ProblemDetails = z
  .object({
    type: z.string().meta({ description: 'A URI naming the kind of problem.', example: 'urn:gradient-service:problem:unknown-id' }),
    title: z.string().meta({ example: 'Unknown id' }),
    status: z.number().int().meta({ example: 422 }),
    detail: z.string().meta({ example: "graph.nodes[2].args[0]: unknown id 'q': not an input, a param or a node" }),
    code: z.string().meta({ description: 'Machine-readable kind: UNKNOWN_ID, CYCLE, SHAPE_MISMATCH, VALIDATION, TOO_LARGE, TIME_BUDGET, BUSY, ...', example: 'UNKNOWN_ID' }),
    errors: z.array(z.object({ path: z.string().meta({ example: 'graph.nodes[2].args[0]' }), message: z.string().meta({ example: "unknown id 'q': not an input, a param or a node" }) })),
    requestId: z.string().optional(),
  })
  .catchall(z.unknown())
  .meta({ id: 'ProblemDetails', description: 'RFC 9457 problem details (application/problem+json).' });

/**
 * The error responses every compute route may give (see each route's description): 413 for a
 * request over a limit or over the compute-time budget, 503 (with Retry-After) when every
 * compute worker is busy and the queue is full.
 */
export const problemResponses = { 400: ProblemDetails, 413: ProblemDetails, 422: ProblemDetails, 503: ProblemDetails };
