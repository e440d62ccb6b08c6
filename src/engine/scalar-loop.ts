/**
 * Forward, backward and local derivatives of an all-scalar tape, each one tight loop over op
 * codes. The loops are generated once, when this module loads, from the op table's scalar
 * kernels: each case of the switch calls one op's own rule from its own call site, which V8 sees
 * as monomorphic and inlines. A call through an array of kernels (`kernels[op](a, b)`) would be
 * megamorphic at one site and about twice as slow (bench/scalar-dispatch.ts: 1.8 to 2.0 times on
 * the 1M-node DAG; the generated loops are within 1.25 times of a hand-written flat tape). The
 * generated text is dispatch only: every formula stays in the op's table entry.
 *
 * All-scalar tapes keep each slot at its own index of the arena (offset = slot). Node k's args
 * start at `args[argAt[k]]` (one or two: every op with a scalar kernel takes one or two), and its
 * attr, for an op that has one, is `attrs[attrAt[k]]`; the cases read only what their op takes.
 */
import { opList } from './ops.js';

type Forward = (
  v: Float64Array,
  op: Uint8Array,
  args: Int32Array,
  argAt: Int32Array,
  attrs: Float64Array,
  attrAt: Int32Array,
  nodeSlot: Int32Array,
  n: number,
) => void;
type Backward = (
  v: Float64Array,
  g: Float64Array,
  reach: Uint8Array,
  op: Uint8Array,
  args: Int32Array,
  argAt: Int32Array,
  attrs: Float64Array,
  attrAt: Int32Array,
  nodeSlot: Int32Array,
  n: number,
) => void;
type Local = (
  v: Float64Array,
  op: Uint8Array,
  args: Int32Array,
  argAt: Int32Array,
  attrs: Float64Array,
  attrAt: Int32Array,
  nodeSlot: Int32Array,
  n: number,
  da: Float64Array,
  db: Float64Array,
) => void;

/** What a case of the generated switch knows of its op: its code, whether it reads a second arg and an attr. */
interface Case {
  code: number;
  /** The second operand's expression: `b` for a two-arg op, `a` again for a one-arg op (ScalarKernel's rule). */
  b: string;
  /** The attr's expression: `attrs[attrAt[k]]` for an op with attrs (the first), `0` for one without. */
  p: string;
  binary: boolean;
}

const scalarOps = opList.flatMap((def, code) => {
  if (!def.scalar) return [];
  // The loops read a node's args at fixed places: a scalar kernel is for ops of one or two args.
  if (def.args.length > 2 || def.minArgs !== undefined || def.variadic)
    throw new Error(`op ${code}: a scalar kernel needs a fixed arity of 1 or 2`);
  return [{ code, kernel: def.scalar, binary: def.args.length === 2, hasAttr: def.attrs.length > 0 }];
});

function generate<T>(body: (cases: (make: (c: Case) => string) => string) => string): T {
  const cases = (make: (c: Case) => string): string =>
    scalarOps
      .map(
        ({ code, binary, hasAttr }) =>
          `case ${code}: ${make({ code, binary, b: binary ? 'b' : 'a', p: hasAttr ? 'attrs[attrAt[k]]' : '0' })} break;`,
      )
      .join('\n        ');
  const names = scalarOps.flatMap(({ code }) => [`f${code}`, `da${code}`, `db${code}`]);
  const kernels = scalarOps.flatMap(({ kernel }) => [kernel.f, kernel.da, kernel.db]);
  return new Function(...names, `"use strict";\nreturn ${body(cases)};`)(...kernels) as T;
}

export const scalarForward = generate<Forward>(
  (cases) => `function scalarForward(v, op, args, argAt, attrs, attrAt, nodeSlot, n) {
    for (let k = 0; k < n; k++) {
      const at = argAt[k], a = v[args[at]];
      let y = NaN;
      switch (op[k]) {
        ${cases(({ code, binary, b, p }) => `{ ${binary ? 'const b = v[args[at + 1]]; ' : ''}y = f${code}(a, ${b}, ${p}); }`)}
      }
      v[nodeSlot[k]] = y;
    }
  }`,
);

/** Adds each node's g · dy/dx into its args' gradients, from the last node back; a node no gradient has reached is skipped. */
export const scalarBackward = generate<Backward>(
  (cases) => `function scalarBackward(v, g, reach, op, args, argAt, attrs, attrAt, nodeSlot, n) {
    for (let k = n - 1; k >= 0; k--) {
      const s = nodeSlot[k];
      if (reach[s] === 0) continue;
      const at = argAt[k], i = args[at];
      const gy = g[s], a = v[i], y = v[s];
      switch (op[k]) {
        ${cases(({ code, binary, p }) =>
          binary
            ? `{ const j = args[at + 1], b = v[j], p = ${p}; g[i] += gy * da${code}(a, b, y, p); g[j] += gy * db${code}(a, b, y, p); reach[j] = 1; }`
            : `g[i] += gy * da${code}(a, a, y, ${p});`,
        )}
      }
      reach[i] = 1;
    }
  }`,
);

/** dy/da and dy/db of every node (by evaluation position) at the forward values. */
export const scalarLocal = generate<Local>(
  (cases) => `function scalarLocal(v, op, args, argAt, attrs, attrAt, nodeSlot, n, da, db) {
    for (let k = 0; k < n; k++) {
      const at = argAt[k], a = v[args[at]], y = v[nodeSlot[k]];
      switch (op[k]) {
        ${cases(({ code, binary, b, p }) => `{ ${binary ? 'const b = v[args[at + 1]]; ' : ''}const p = ${p}; da[k] = da${code}(a, ${b}, y, p); db[k] = db${code}(a, ${b}, y, p); }`)}
      }
    }
  }`,
);
