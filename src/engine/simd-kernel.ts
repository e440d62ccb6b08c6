/**
 * The matrix product's inner kernel as a small WebAssembly module with 128-bit SIMD, written out
 * here opcode by opcode (no toolchain, 667 bytes). Plain JavaScript on float64 stops at about
 * 1.9 G multiply-adds per second on this machine class, whatever the register blocking; f64x2
 * lanes reach 8 to 10.
 *
 * kernel(a, b, c, m, n, p), byte offsets into `memory` and counts, m and p multiples of 4:
 * c (m x p) = a (m x n) @ b (n x p), all row-major. Each output is one lane of one register,
 * summed from 0 over ascending k by a multiply then an add (no fused multiply-add), so every
 * element is bit for bit the plain dot product `s = 0; for k: s += a[i, k] * b[k, j]`. The lanes
 * run along j: a block of 4 rows of a (each element splatted) against 4 columns of b (two
 * registers), 8 sums in registers.
 */

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    const low = n & 0x7f;
    n >>>= 7;
    out.push(n ? low | 0x80 : low);
  } while (n);
  return out;
};
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];

// The opcodes used (WebAssembly core and SIMD specifications).
const I32 = 0x7f,
  V128 = 0x7b;
const get = (local: number) => [0x20, local];
const set = (local: number) => [0x21, local];
const tee = (local: number) => [0x22, local];
const i32 = (v: number) => [0x41, ...uleb(v)]; // small non-negative constants only (< 64)
const i32Add = [0x6a],
  i32Mul = [0x6c],
  i32Shl = [0x74],
  i32LtU = [0x49],
  i32Eqz = [0x45];
const simd = (op: number) => [0xfd, ...uleb(op)];
const v128Load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)]; // align 2^4
const v128Store = (offset: number) => [...simd(0x0b), 4, ...uleb(offset)];
const v128Load64Splat = [...simd(0x0a), 3, 0];
const v128Zero = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const f64x2Add = simd(0xf0),
  f64x2Mul = simd(0xf2);
/** `while (local < end) { ...body }` */
const whileBelow = (local: number, end: number, body: number[]) => [
  ...[0x02, 0x40, 0x03, 0x40], // block, loop
  ...get(local),
  ...get(end),
  ...i32LtU,
  ...i32Eqz,
  ...[0x0d, 1], // br_if to the end of the block
  ...body,
  ...[0x0c, 0, 0x0b, 0x0b], // br to the loop, end, end
];

// Locals: the parameters, then i32 pointers, then v128 registers.
const [A, B, C, M, N, P] = [0, 1, 2, 3, 4, 5];
const [N8, P8, A_ROW, C_END, C_ROW, J, A_K, A_K_END, B_K] = [6, 7, 8, 9, 10, 11, 12, 13, 14];
const SUM = 15; // SUM + 2r, SUM + 2r + 1: row r of the block, columns j..j+1 and j+2..j+3
const [B_LO, B_HI, X] = [23, 24, 25];

const rowOf = (base: number, stride: number, r: number) => [
  ...get(base),
  ...(r ? [...get(stride), ...i32(r), ...i32Mul, ...i32Add] : []),
];

const body = [
  ...[...get(N), ...i32(3), ...i32Shl, ...set(N8)], // bytes per row of a
  ...[...get(P), ...i32(3), ...i32Shl, ...set(P8)], // bytes per row of b and c
  ...[...get(A), ...set(A_ROW), ...get(C), ...set(C_ROW)],
  ...[...get(C), ...get(M), ...get(P8), ...i32Mul, ...i32Add, ...set(C_END)], // rows counted on c: n may be 0
  ...whileBelow(C_ROW, C_END, [
    ...[...i32(0), ...set(J)],
    ...whileBelow(J, P8, [
      ...Array.from({ length: 8 }, (_, s) => [...v128Zero, ...set(SUM + s)]).flat(),
      ...[...get(A_ROW), ...set(A_K), ...get(A_ROW), ...get(N8), ...i32Add, ...set(A_K_END)],
      ...[...get(B), ...get(J), ...i32Add, ...set(B_K)],
      ...whileBelow(A_K, A_K_END, [
        ...[...get(B_K), ...v128Load(0), ...set(B_LO), ...get(B_K), ...v128Load(16), ...set(B_HI)],
        ...Array.from({ length: 4 }, (_, r) => [
          ...rowOf(A_K, N8, r),
          ...v128Load64Splat,
          ...tee(X),
          // sum += a[i + r, k] * b[k, j..j+1]; sum' += a[i + r, k] * b[k, j+2..j+3]
          ...[...get(SUM + 2 * r), ...get(X), ...get(B_LO), ...f64x2Mul, ...f64x2Add, ...set(SUM + 2 * r)],
          ...[...get(SUM + 2 * r + 1), ...get(X), ...get(B_HI), ...f64x2Mul, ...f64x2Add, ...set(SUM + 2 * r + 1)],
        ]).flat(),
        ...[...get(A_K), ...i32(8), ...i32Add, ...set(A_K), ...get(B_K), ...get(P8), ...i32Add, ...set(B_K)],
      ]),
      // c[i + r, j..j+3] = the sums
      ...Array.from({ length: 4 }, (_, r) => [
        ...[...rowOf(C_ROW, P8, r), ...get(J), ...i32Add, ...get(SUM + 2 * r), ...v128Store(0)],
        ...[...rowOf(C_ROW, P8, r), ...get(J), ...i32Add, ...get(SUM + 2 * r + 1), ...v128Store(16)],
      ]).flat(),
      ...[...get(J), ...i32(32), ...i32Add, ...set(J)],
    ]),
    ...[...get(A_ROW), ...get(N8), ...i32(4), ...i32Mul, ...i32Add, ...set(A_ROW)],
    ...[...get(C_ROW), ...get(P8), ...i32(4), ...i32Mul, ...i32Add, ...set(C_ROW)],
  ]),
  0x0b,
];

const kernelFunction = [
  ...vector([
    [9, I32],
    [11, V128],
  ]),
  ...body,
];
const I32_PARAMS = vector(Array.from({ length: 6 }, () => [I32]));
const moduleBytes = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0], // "\0asm", version 1
  ...section(1, vector([[0x60, ...I32_PARAMS, 0]])), // type 0: (i32 x 6) -> ()
  ...section(3, vector([[0]])), // function 0 has type 0
  ...section(5, vector([[0, 1]])), // one memory, at least 1 page
  ...section(
    7,
    vector([
      [...name('memory'), 2, 0],
      [...name('kernel'), 0, 0],
    ]),
  ),
  ...section(10, vector([[...uleb(kernelFunction.length), ...kernelFunction]])),
]);

// What this file uses of WebAssembly (its types come with the DOM library, which the project leaves out).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
  ) => { exports: { memory: { buffer: ArrayBuffer; grow(pages: number): number }; kernel: Kernel } };
};
type Kernel = (a: number, b: number, c: number, m: number, n: number, p: number) => void;

const { memory, kernel } = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes)).exports;

const PAGE = 65536;
let view = new Float64Array(memory.buffer);

/** The module's memory as float64, at least `elements` long (grown as needed, never shrunk). */
export function kernelMemory(elements: number): Float64Array {
  if (view.length < elements) {
    memory.grow(Math.ceil((elements * 8 - memory.buffer.byteLength) / PAGE));
    view = new Float64Array(memory.buffer);
  }
  return view;
}

/**
 * c = a @ b on kernelMemory(): a (m x n) at element a, b (n x p) at element b, c (m x p) at
 * element c; m and p multiples of 4, offsets even.
 */
export function runKernel(a: number, b: number, c: number, m: number, n: number, p: number): void {
  kernel(a * 8, b * 8, c * 8, m, n, p);
}
