import type { TypedArray } from '../../tensor/dtype.js';
import { allocate } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { sizeOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { broadcastStrides } from './elementwise.js';

// C[M,N] = op(A)[M,K] · op(B)[K,N]. Thin products (fewer than 4 rows or columns, such
// as a batch-1 RNN step) and tiny ones use a direct loop that keeps four output columns
// in registers. Everything else follows the GotoBLAS scheme: B is packed into KC×NR
// column panels and A into MR×KC row panels (one copy, which also absorbs the
// transposes), and a 4×4 micro-kernel keeps 16 accumulators in registers while
// streaming through both panels. Packing costs O(MK + KN) against O(MNK) arithmetic, so
// it pays off from about 12×12×12 (measured: scripts/bench-matmul.mjs).

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 2048;
const SMALL = 12 * 12 * 12;

/** One matrix inside a tensor's data: element (i, j) is at `offset + i·rowStride + j·colStride`. */
export interface Operand {
  /** The tensor's storage. */
  data: TypedArray;
  /** Index of element (0, 0). */
  offset: number;
  /** Distance between rows. */
  rowStride: number;
  /** Distance between columns. */
  colStride: number;
}

/** Computes one product into `c` at `cOff` (which holds zeros): `C[M,N] = A[M,K] · B[K,N]`. */
export type Gemm = (A: Operand, B: Operand, c: TypedArray, cOff: number, M: number, N: number, K: number) => void;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);

/** Batched matrix product with broadcast batch axes; `transA`/`transB` transpose the last two axes. */
export function matmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean, outShape: Shape): Tensor {
  return batchedProduct(gemm, a, b, transA, transB, outShape);
}

/**
 * The batched product with broadcast batch axes, one `product` call per matrix of the
 * output; backends with another single-matrix kernel share this loop.
 */
export function batchedProduct(product: Gemm, a: Tensor, b: Tensor, transA: boolean, transB: boolean, outShape: Shape): Tensor {
  const rank = outShape.length;
  const M = outShape[rank - 2];
  const N = outShape[rank - 1];
  const K = transA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const out = allocate(a.dtype, sizeOf(outShape));
  const batchShape = outShape.slice(0, -2);
  const batches = sizeOf(batchShape);
  const aStrides = broadcastStrides(a.shape.slice(0, -2), batchShape);
  const bStrides = broadcastStrides(b.shape.slice(0, -2), batchShape);
  const index = new Array<number>(batchShape.length).fill(0);
  for (let batch = 0; batch < batches; batch++) {
    let aOff = 0, bOff = 0;
    for (let d = 0; d < index.length; d++) {
      aOff += index[d] * aStrides[d];
      bOff += index[d] * bStrides[d];
    }
    const A: Operand = transA ? { data: a.data, offset: aOff * M * K, rowStride: 1, colStride: M } : { data: a.data, offset: aOff * M * K, rowStride: K, colStride: 1 };
    const B: Operand = transB ? { data: b.data, offset: bOff * K * N, rowStride: 1, colStride: K } : { data: b.data, offset: bOff * K * N, rowStride: N, colStride: 1 };
    product(A, B, out, batch * M * N, M, N, K);
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d] < batchShape[d]) break;
      index[d] = 0;
    }
  }
  return new Tensor([...outShape], out);
}

/** One product into `c` at `cOff` (which must hold zeros). */
export function gemm(A: Operand, B: Operand, c: TypedArray, cOff: number, M: number, N: number, K: number): void {
  if (M < MR || N < NR || M * N * K <= SMALL) gemmDirect(A, B, c, cOff, M, N, K);
  else gemmBlocked(A, B, c, cOff, M, N, K);
}

/** Row by row, four columns at a time, accumulating in registers over k; any layout. */
function gemmDirect(A: Operand, B: Operand, c: TypedArray, cOff: number, M: number, N: number, K: number): void {
  const a = A.data, b = B.data;
  const ars = A.rowStride, acs = A.colStride, brs = B.rowStride, bcs = B.colStride;
  const bcs2 = 2 * bcs, bcs3 = 3 * bcs, bcs4 = 4 * bcs, bcs5 = 5 * bcs, bcs6 = 6 * bcs, bcs7 = 7 * bcs;
  for (let i = 0; i < M; i++) {
    const ai = A.offset + i * ars;
    const ci = cOff + i * N;
    let j = 0;
    if (bcs !== 1) {
      // Columns of B are contiguous rows of the stored matrix (x·Wᵀ, the usual layer
      // layout): eight independent dot products keep more additions in flight.
      for (; j + 8 <= N; j += 8) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        let p = B.offset + j * bcs;
        for (let k = 0; k < K; k++, p += brs) {
          const x = a[ai + k * acs];
          s0 += x * b[p];
          s1 += x * b[p + bcs];
          s2 += x * b[p + bcs2];
          s3 += x * b[p + bcs3];
          s4 += x * b[p + bcs4];
          s5 += x * b[p + bcs5];
          s6 += x * b[p + bcs6];
          s7 += x * b[p + bcs7];
        }
        c[ci + j] = s0;
        c[ci + j + 1] = s1;
        c[ci + j + 2] = s2;
        c[ci + j + 3] = s3;
        c[ci + j + 4] = s4;
        c[ci + j + 5] = s5;
        c[ci + j + 6] = s6;
        c[ci + j + 7] = s7;
      }
    }
    for (; j + 4 <= N; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let p = B.offset + j * bcs;
      for (let k = 0; k < K; k++, p += brs) {
        const x = a[ai + k * acs];
        s0 += x * b[p];
        s1 += x * b[p + bcs];
        s2 += x * b[p + bcs2];
        s3 += x * b[p + bcs3];
      }
      c[ci + j] = s0;
      c[ci + j + 1] = s1;
      c[ci + j + 2] = s2;
      c[ci + j + 3] = s3;
    }
    for (; j < N; j++) {
      let s = 0;
      let p = B.offset + j * bcs;
      for (let k = 0; k < K; k++, p += brs) s += a[ai + k * acs] * b[p];
      c[ci + j] = s;
    }
  }
}

function gemmBlocked(A: Operand, B: Operand, c: TypedArray, cOff: number, M: number, N: number, K: number): void {
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packPanelsB(B, pc, kc, jc, nc);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packPanelsA(A, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(kc, ir * kc, jr * kc, c, cOff + (ic + ir) * N + jc + jr, N, Math.min(MR, mc - ir), Math.min(NR, nc - jr));
          }
        }
      }
    }
  }
}

/** Packs B[pc:pc+kc, jc:jc+nc] as panels of NR columns, k-major within a panel, zero-padded. */
function packPanelsB(B: Operand, pc: number, kc: number, jc: number, nc: number): void {
  const need = kc * Math.ceil(nc / NR) * NR;
  if (packB.length < need) packB = new Float64Array(need);
  packLines(B, B.colStride, B.rowStride, jc, nc, pc, kc, NR, packB);
}

/** Packs A[ic:ic+mc, pc:pc+kc] as panels of MR rows, k-major within a panel, zero-padded. */
function packPanelsA(A: Operand, ic: number, mc: number, pc: number, kc: number): void {
  const need = kc * Math.ceil(mc / MR) * MR;
  if (packA.length < need) packA = new Float64Array(need);
  packLines(A, A.rowStride, A.colStride, ic, mc, pc, kc, MR, packA);
}

/**
 * Copies `lines` lines (rows of A or columns of B) of `positions` elements each — line l,
 * position p at `offset + (lineStart + l)·lineStride + (posStart + p)·posStride` — into
 * `dst` as panels of `width` lines, position-major inside a panel, zero lines padding
 * the last panel.
 */
function packLines(
  X: Operand, lineStride: number, posStride: number, lineStart: number, lines: number,
  posStart: number, positions: number, width: number, dst: Float64Array,
): void {
  const x = X.data;
  for (let l0 = 0; l0 < lines; l0 += width) {
    const base = l0 * positions;
    const count = Math.min(width, lines - l0);
    for (let p = 0; p < positions; p++) {
      const src = X.offset + (lineStart + l0) * lineStride + (posStart + p) * posStride;
      const at = base + p * width;
      for (let l = 0; l < width; l++) dst[at + l] = l < count ? x[src + l * lineStride] : 0;
    }
  }
}

/** C[4×4 tile] += Apanel · Bpanel over `kc`; edge tiles write only `rows × cols`. */
function microKernel(kc: number, aBase: number, bBase: number, c: TypedArray, cAt: number, ldc: number, rows: number, cols: number): void {
  const pa = packA, pb = packB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let ia = aBase, ib = bBase;
  for (let k = 0; k < kc; k++, ia += MR, ib += NR) {
    const a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
    const b0 = pb[ib], b1 = pb[ib + 1], b2 = pb[ib + 2], b3 = pb[ib + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (rows === MR && cols === NR) {
    c[cAt] += c00; c[cAt + 1] += c01; c[cAt + 2] += c02; c[cAt + 3] += c03;
    let r = cAt + ldc;
    c[r] += c10; c[r + 1] += c11; c[r + 2] += c12; c[r + 3] += c13;
    r += ldc;
    c[r] += c20; c[r + 1] += c21; c[r + 2] += c22; c[r + 3] += c23;
    r += ldc;
    c[r] += c30; c[r + 1] += c31; c[r + 2] += c32; c[r + 3] += c33;
    return;
  }
  // An edge tile (the ragged border of C): write only its rows × cols, without a temporary.
  if (rows > 0) edgeRow(c, cAt, cols, c00, c01, c02, c03);
  if (rows > 1) edgeRow(c, cAt + ldc, cols, c10, c11, c12, c13);
  if (rows > 2) edgeRow(c, cAt + 2 * ldc, cols, c20, c21, c22, c23);
  if (rows > 3) edgeRow(c, cAt + 3 * ldc, cols, c30, c31, c32, c33);
}

function edgeRow(c: TypedArray, at: number, cols: number, v0: number, v1: number, v2: number, v3: number): void {
  c[at] += v0;
  if (cols > 1) c[at + 1] += v1;
  if (cols > 2) c[at + 2] += v2;
  if (cols > 3) c[at + 3] += v3;
}

let scratch = new Float64Array(0);

/**
 * `out = op(a) · op(b)` (or `out += …` with `accumulate`) for matrices, written into the
 * caller-owned `out`: the {@link Backend.matmulInto} of any backend whose single-matrix
 * kernel is `product`.
 */
export function productInto(product: Gemm, a: Tensor, b: Tensor, transA: boolean, transB: boolean, out: Tensor, accumulate: boolean): void {
  const [M, N] = out.shape;
  const K = transA ? a.shape[0] : a.shape[1];
  const A: Operand = transA ? { data: a.data, offset: 0, rowStride: 1, colStride: M } : { data: a.data, offset: 0, rowStride: K, colStride: 1 };
  const B: Operand = transB ? { data: b.data, offset: 0, rowStride: 1, colStride: K } : { data: b.data, offset: 0, rowStride: N, colStride: 1 };
  if (!accumulate) {
    out.data.fill(0);
    product(A, B, out.data, 0, M, N, K);
    return;
  }
  // The kernels write their product over zeros; a sum into `out` goes through a float64
  // scratch block, kept between calls so a compiled loop allocates nothing.
  if (scratch.length < M * N) scratch = new Float64Array(M * N);
  const temp = scratch.subarray(0, M * N).fill(0);
  product(A, B, temp, 0, M, N, K);
  const o = out.data;
  for (let i = 0; i < M * N; i++) o[i] += temp[i];
}

/** {@link productInto} with the TypeScript kernel. */
export function matmulInto(a: Tensor, b: Tensor, transA: boolean, transB: boolean, out: Tensor, accumulate: boolean): void {
  productInto(gemm, a, b, transA, transB, out, accumulate);
}
