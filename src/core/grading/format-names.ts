/**
 * The shapes a grade comes back in (formats.ts writes them), on their own: the request schema's
 * enum reads this list, and formats.ts takes its types from the response schemas, which an import
 * of formats.ts by the schema would make a cycle.
 */
export const formats = ['native', 'gradescope', 'prairielearn', 'coderunner'] as const;
export type Format = (typeof formats)[number];
