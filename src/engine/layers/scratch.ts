/**
 * Scratch buffers reused from call to call (a convolution's patch matrix is a few megabytes at a
 * batch of 64: allocating it on every pass costs as much as filling it). One buffer per slot,
 * grown as needed and never shrunk; each thread (main or worker) has its own module instance.
 * A kernel must not call another kernel while it holds a slot's buffer.
 */
const buffers: Float64Array[] = [];

/** A buffer of at least `length` elements for `slot`; its contents are whatever was left there. */
export function scratch(slot: number, length: number): Float64Array {
  const held = buffers[slot];
  if (held && held.length >= length) return held;
  const grown = new Float64Array(Math.max(length, (held?.length ?? 0) * 2));
  buffers[slot] = grown;
  return grown;
}
