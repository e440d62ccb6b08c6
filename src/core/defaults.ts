/**
 * Each default of the service, written once: the code that applies it and the schema description
 * that documents it both read it from here. Imports nothing of src/, so that the schemas, the core
 * and the operations can all read it without an import cycle.
 */

/** The step of the central finite difference: POST /v1/gradcheck, fd(...) answers, explain's check. */
export const FD_EPSILON = 1e-4;

/** POST /v1/gradcheck: an element passes when absError <= atol + rtol * |numeric| (rtol and atol as torch.autograd.gradcheck). */
export const GRADCHECK_DEFAULTS = { epsilon: FD_EPSILON, rtol: 1e-3, atol: 1e-5 } as const;

/** Grading's {rtol, atol}: both apply, so an exact 0 is gradable. */
export const DEFAULT_TOLERANCE = { rtol: 1e-3, atol: 1e-6 } as const;

/** The optimizer when none is given: plain SGD. */
export const DEFAULT_OPTIMIZER = { name: 'sgd' } as const;

/** torch.optim.SGD's: no momentum. */
export const SGD_DEFAULTS = { momentum: 0 } as const;

/** torch.optim.Adam's. */
export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** POST /v1/step: one step unless `steps` says more. */
export const DEFAULT_STEPS = 1;

/** The most steps one request may ask for: the request schema's bound. */
export const MAX_STEPS = 100_000;

/** POST /v1/grade: the grade in the service's own shape, unless an LMS's is asked for. */
export const DEFAULT_GRADE_FORMAT = 'native';

/** POST /v1/step: the loss before every step. */
export const DEFAULT_HISTORY = 'all';

/**
 * A default as the descriptions write it: a small power of ten in exponent form (1e-4, 1e-8),
 * anything else as JavaScript writes it (0.999, 100000).
 */
export const docNumber = (x: number): string => (x !== 0 && Math.abs(x) < 0.01 ? x.toExponential() : String(x));
