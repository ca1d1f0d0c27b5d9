import type { Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { batchedProduct, gemm as jsGemm, productInto, type Operand } from '../js/matmul.js';
import { gemmKernels, kernelMemory } from './kernels.js';

// float32 products run in gemm.wat's SIMD kernels; float64 and int32 stay in
// TypeScript (the kernels are single precision). Operands live in JavaScript memory,
// so every product copies them into the module's memory and the result back: O(MK + KN
// + MN) against O(MNK) arithmetic. Below SMALL multiply-adds the JavaScript kernel wins.
//
// Three layouts, chosen by shape (measured with scripts/bench-matmul.mjs):
// - x·Wᵀ with few rows (an RNN step, batch-1 sampling): `gemmNT`, dot products over
//   rows of both operands as stored — nothing is rearranged;
// - medium products: A as stored (strides absorb its transpose), B as stored when it
//   is row-major, else packed into 8-column panels;
// - large products (≥ PACKED multiply-adds): B packed into panels, and A too when it is
//   transposed, so each tile streams contiguous memory; A is processed in blocks of
//   rows that stay in the L2 cache while every panel of B passes.

const SMALL = 2048;
/** The module's memory is 32-bit addressed; larger products stay in TypeScript. */
const MAX_FLOATS = 1 << 28;
const NT_MAX_ROWS = 16;
const PACKED = 1 << 21;
/** Floats of A per block of rows: 256 KB, well inside a core's L2 cache. */
const L2_FLOATS = 1 << 16;

/** Matrix product in the wasm-simd backend: float32 through WebAssembly, the rest in TypeScript. */
export function matmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean, outShape: Shape): Tensor {
  return batchedProduct(a.dtype === 'float32' ? product : jsGemm, a, b, transA, transB, outShape);
}

/** {@link Backend.matmulInto} in the wasm-simd backend. */
export function matmulInto(a: Tensor, b: Tensor, transA: boolean, transB: boolean, out: Tensor, accumulate: boolean): void {
  productInto(a.dtype === 'float32' ? product : jsGemm, a, b, transA, transB, out, accumulate);
}

function product(A: Operand, B: Operand, c: TypedArray, cOff: number, M: number, N: number, K: number): void {
  const footprint = (M + 4) * K + K * (N + 8) + (M + 4) * (N + 8);
  if (M * N * K < SMALL || footprint > MAX_FLOATS) jsGemm(A, B, c, cOff, M, N, K);
  else if (M <= NT_MAX_ROWS && B.rowStride === 1 && A.colStride === 1) productNT(A, B, c, cOff, M, N, K);
  else productTiled(A, B, c, cOff, M, N, K);
}

const roundUp = (x: number, m: number) => Math.ceil(x / m) * m;

/** `C = A · Bᵀ` with A and Bᵀ's rows contiguous: rows of A against rows of the stored B. */
function productNT(A: Operand, B: Operand, c: TypedArray, cOff: number, M: number, N: number, K: number): void {
  const Np = roundUp(N, 4);
  const aAt = 0, bAt = roundUp(M * K, 4), cAt = bAt + roundUp(Np * K, 4);
  const mem = kernelMemory(cAt + M * Np);
  copyRows(A, M, K, mem, aAt);
  copyRows({ data: B.data, offset: B.offset, rowStride: B.colStride, colStride: 1 }, N, K, mem, bAt);
  mem.fill(0, bAt + N * K, bAt + Np * K);
  gemmKernels().gemmNT(aAt * 4, K * 4, bAt * 4, K * 4, cAt * 4, Np * 4, M, Np, K);
  copyOut(mem, cAt, Np, c, cOff, M, N);
}

/** `C = A · B` in 4×8 tiles, operands as stored or packed in panels. */
function productTiled(A: Operand, B: Operand, c: TypedArray, cOff: number, M: number, N: number, K: number): void {
  const Mp = roundUp(M, 4), Np = roundUp(N, 8);
  const large = M * N * K >= PACKED;
  const packA = large && A.colStride !== 1;
  const rowMajorB = B.colStride === 1 && !large;
  const aFloats = roundUp(Mp * K + 4, 4);
  const bFloats = roundUp(rowMajorB ? K * N + 8 : Np * K, 4);
  const aAt = 0, bAt = aFloats, cAt = aFloats + bFloats;
  const mem = kernelMemory(cAt + Mp * Np);
  let rsA: number, csA: number, panelA: number;
  if (packA) {
    packRowPanels(A, M, Mp, K, mem, aAt);
    [rsA, csA, panelA] = [4, 16, 16 * K];
  } else {
    // A as stored (a dense M×K block either way round): rows past M read its
    // neighbours or the zeroed tail into rows of C that are never copied out.
    mem.set(A.data.subarray(A.offset, A.offset + M * K), aAt);
    mem.fill(0, aAt + M * K, aFloats);
    [rsA, csA] = [A.rowStride * 4, A.colStride * 4];
    panelA = 4 * rsA;
  }
  let ldb: number, panelB: number;
  if (rowMajorB) {
    mem.set(B.data.subarray(B.offset, B.offset + K * N), bAt);
    mem.fill(0, bAt + K * N, bAt + bFloats);
    [ldb, panelB] = [B.rowStride * 4, 32];
  } else {
    packColumnPanels(B, N, Np, K, mem, bAt);
    [ldb, panelB] = [32, 32 * K];
  }
  // Blocks of rows whose slice of A stays in the L2 cache while every panel of B passes.
  const { gemm } = gemmKernels();
  const rowsPerBlock = Math.max(4, Math.floor(L2_FLOATS / K) & ~3);
  for (let i = 0; i < Mp; i += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, Mp - i);
    gemm((aAt * 4) + (i / 4) * panelA, rsA, csA, panelA, bAt * 4, ldb, panelB, (cAt + i * Np) * 4, Np * 4, rows, Np, K);
  }
  copyOut(mem, cAt, Np, c, cOff, M, N);
}

/** Copies an operand's `rows × cols` (contiguous along a row) into `mem` row-major. */
function copyRows(X: Operand, rows: number, cols: number, mem: Float32Array, at: number): void {
  if (X.rowStride === cols) {
    mem.set(X.data.subarray(X.offset, X.offset + rows * cols), at);
    return;
  }
  for (let i = 0; i < rows; i++) mem.set(X.data.subarray(X.offset + i * X.rowStride, X.offset + i * X.rowStride + cols), at + i * cols);
}

/** Packs A's M rows in panels of 4, k-major within a panel, padded with zero rows to Mp. */
function packRowPanels(A: Operand, M: number, Mp: number, K: number, mem: Float32Array, at: number): void {
  packPanels(A.data, A.offset, A.rowStride, A.colStride, M, Mp, K, 4, mem, at);
}

/** Packs B's N columns in panels of 8, k-major within a panel, padded with zero columns to Np. */
function packColumnPanels(B: Operand, N: number, Np: number, K: number, mem: Float32Array, at: number): void {
  packPanels(B.data, B.offset, B.colStride, B.rowStride, N, Np, K, 8, mem, at);
}

/**
 * (The TypeScript backend's `packLines` does the same into its Float64Array panels;
 * sharing one function would make its hot packing loop write two array types.)
 *
 * Writes lines `l < count` of a matrix (line l, position p at `offset + l·lineStride +
 * p·posStride`) as panels of `width` lines, position-major inside a panel, zero lines
 * up to `padded`. The loop runs along whichever index is contiguous in the source, so
 * a transposed operand is read in order too.
 */
function packPanels(
  src: TypedArray, offset: number, lineStride: number, posStride: number,
  count: number, padded: number, K: number, width: number, mem: Float32Array, at: number,
): void {
  const panel = width * K;
  const shift = Math.log2(width), mask = width - 1;
  if (lineStride === 1) {
    for (let p = 0; p < K; p++) {
      let from = offset + p * posStride;
      for (let l = 0; l < count; l++, from++) mem[at + (l >> shift) * panel + width * p + (l & mask)] = src[from];
    }
  } else {
    for (let l = 0; l < count; l++) {
      const to = at + (l >> shift) * panel + (l & mask);
      let from = offset + l * lineStride;
      for (let p = 0; p < K; p++, from += posStride) mem[to + width * p] = src[from];
    }
  }
  for (let l = count; l < padded; l++) {
    const to = at + (l >> shift) * panel + (l & mask);
    for (let p = 0; p < K; p++) mem[to + width * p] = 0;
  }
}

/** Copies the M×N block of the padded product (row stride Np) to `c` at `cOff`. */
function copyOut(mem: Float32Array, at: number, Np: number, c: TypedArray, cOff: number, M: number, N: number): void {
  if (Np === N) {
    c.set(mem.subarray(at, at + M * N), cOff);
    return;
  }
  for (let i = 0; i < M; i++) c.set(mem.subarray(at + i * Np, at + i * Np + N), cOff + i * N);
}
