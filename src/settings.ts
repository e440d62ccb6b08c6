/**
 * The environment setting each of the engine's limits is read from, written once: src/config.ts
 * reads each limit from it, and an answer over a limit names it (src/http/problem.ts: `... more
 * than the limit of 6 (MAX_NODES)`). The engine itself names no setting.
 */
import type { Limits } from './engine/limits.js';

export const LIMIT_SETTINGS = {
  maxNodes: 'MAX_NODES',
  maxElements: 'MAX_ELEMENTS',
  maxTotalElements: 'MAX_TOTAL_ELEMENTS',
  maxWork: 'MAX_WORK',
  maxResponseValues: 'MAX_RESPONSE_VALUES',
  maxResponseBytes: 'MAX_RESPONSE_BYTES',
  maxExportVariants: 'MAX_EXPORT_VARIANTS',
} as const satisfies Record<keyof Limits, string>;
