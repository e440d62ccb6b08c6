/**
 * Forward, backward and local derivatives of an all-scalar tape, each one tight loop over op
 * codes. The loops are generated once, when this module loads, from the op table's scalar
 * kernels: each case of the switch calls one op's own rule from its own call site, which V8 sees
 * as monomorphic and inlines. A call through an array of kernels (`kernels[op](a, b)`) would be
 * megamorphic at one site and about twice as slow (bench/scalar-dispatch.ts: 1.8 to 2.0 times on
 * the 1M-node DAG; the generated loops are within 1.25 times of a hand-written flat tape). The
 * generated text is dispatch only: every formula stays in the op's table entry.
 *
 * All-scalar tapes keep each slot at its own index of the arena (offset = slot).
 */
import { ARG_STRIDE } from './tape.js';
import { opList } from './ops.js';

type Forward = (
  v: Float64Array,
  op: Uint8Array,
  args: Int32Array,
  attr: Float64Array,
  nodeSlot: Int32Array,
  n: number,
) => void;
type Backward = (
  v: Float64Array,
  g: Float64Array,
  reach: Uint8Array,
  op: Uint8Array,
  args: Int32Array,
  attr: Float64Array,
  nodeSlot: Int32Array,
  n: number,
) => void;
type Local = (
  v: Float64Array,
  op: Uint8Array,
  args: Int32Array,
  attr: Float64Array,
  nodeSlot: Int32Array,
  n: number,
  da: Float64Array,
  db: Float64Array,
) => void;

const scalarOps = opList.flatMap((def, code) =>
  def.scalar ? [{ code, kernel: def.scalar, arity: def.args.length }] : [],
);

function generate<T>(body: (cases: (make: (code: number, arity: number) => string) => string) => string): T {
  const cases = (make: (code: number, arity: number) => string): string =>
    scalarOps.map(({ code, arity }) => `case ${code}: ${make(code, arity)} break;`).join('\n        ');
  const names = scalarOps.flatMap(({ code }) => [`f${code}`, `da${code}`, `db${code}`]);
  const kernels = scalarOps.flatMap(({ kernel }) => [kernel.f, kernel.da, kernel.db]);
  return new Function(...names, `"use strict";\nreturn ${body(cases)};`)(...kernels) as T;
}

const S = ARG_STRIDE;

export const scalarForward = generate<Forward>(
  (cases) => `function scalarForward(v, op, args, attr, nodeSlot, n) {
    for (let k = 0; k < n; k++) {
      const a = v[args[${S} * k]], b = v[args[${S} * k + 1]], p = attr[k];
      let y = NaN;
      switch (op[k]) {
        ${cases((c) => `y = f${c}(a, b, p);`)}
      }
      v[nodeSlot[k]] = y;
    }
  }`,
);

/** Adds each node's g · dy/dx into its args' gradients, from the last node back; a node no gradient has reached is skipped. */
export const scalarBackward = generate<Backward>(
  (cases) => `function scalarBackward(v, g, reach, op, args, attr, nodeSlot, n) {
    for (let k = n - 1; k >= 0; k--) {
      const s = nodeSlot[k];
      if (reach[s] === 0) continue;
      const i = args[${S} * k], j = args[${S} * k + 1];
      const gy = g[s], a = v[i], b = v[j], y = v[s], p = attr[k];
      switch (op[k]) {
        ${cases((c, arity) => `g[i] += gy * da${c}(a, b, y, p);${arity === 2 ? ` g[j] += gy * db${c}(a, b, y, p);` : ''}`)}
      }
      reach[i] = 1;
      reach[j] = 1;
    }
  }`,
);

/** dy/da and dy/db of every node (by evaluation position) at the forward values. */
export const scalarLocal = generate<Local>(
  (cases) => `function scalarLocal(v, op, args, attr, nodeSlot, n, da, db) {
    for (let k = 0; k < n; k++) {
      const a = v[args[${S} * k]], b = v[args[${S} * k + 1]], y = v[nodeSlot[k]], p = attr[k];
      switch (op[k]) {
        ${cases((c) => `da[k] = da${c}(a, b, y, p); db[k] = db${c}(a, b, y, p);`)}
      }
    }
  }`,
);
