import { ValueError, fromStorage, matmul } from '@tapestry/core';

// Rows per panel: wide enough for the trailing update to run as matrix products (64
// was fastest of 16–128 for 1024 × 1024), narrow enough that the in-panel vector work
// (about 2·k·n·PANEL flops) stays small.
const PANEL = 64;

/** `a[i] -= (a[j]·a[i]) a[j]` for rows `j` (already unit length) and `i` of length `n`. */
function projectOut(a: Float64Array, j: number, i: number, n: number): void {
  const q = j * n;
  const v = i * n;
  let dot = 0;
  for (let k = 0; k < n; k++) dot += a[q + k] * a[v + k];
  for (let k = 0; k < n; k++) a[v + k] -= dot * a[q + k];
}

/** Scales row `j` to unit length (its norm is the `R[j, j] > 0` of the QR). */
function normalizeRow(a: Float64Array, j: number, n: number): void {
  const base = j * n;
  let sq = 0;
  for (let k = 0; k < n; k++) sq += a[base + k] * a[base + k];
  const norm = Math.sqrt(sq);
  if (!(norm > 0)) throw new ValueError(`orthonormalizeRows: row ${j} is linearly dependent on the rows before it`);
  const inv = 1 / norm;
  for (let k = 0; k < n; k++) a[base + k] *= inv;
}

/** Modified Gram–Schmidt within rows `[p0, p1)`. */
function orthonormalizePanel(a: Float64Array, p0: number, p1: number, n: number): void {
  for (let j = p0; j < p1; j++) {
    normalizeRow(a, j, n);
    for (let i = j + 1; i < p1; i++) projectOut(a, j, i, n);
  }
}

/** Rows `[p1, k)` minus their projection on the orthonormal panel rows `[p0, p1)`: `V −= (V Pᵀ) P`. */
function projectOutPanel(a: Float64Array, p0: number, p1: number, k: number, n: number): void {
  if (p1 >= k) return;
  const panel = fromStorage([p1 - p0, n], a.subarray(p0 * n, p1 * n));
  const rest = a.subarray(p1 * n, k * n);
  const coefficients = matmul(fromStorage([k - p1, n], rest), panel, { transB: true });
  const projection = matmul(coefficients, panel).data;
  for (let i = 0; i < rest.length; i++) rest[i] -= projection[i];
}

/**
 * Orthonormalises the `k` rows of the row-major `k × n` matrix `a` in place (`k <= n`)
 * by block modified Gram–Schmidt: modified Gram–Schmidt inside panels of rows, and each
 * finished panel projected out of all later rows at once with two matrix products.
 *
 * Reading the rows as the columns of a tall `n × k` matrix `A`, the result is the `Q`
 * of `A = QR` with a positive diagonal of `R` — the unique such factor, hence the same
 * matrix that PyTorch gets from Householder QR followed by `Q · sign(diag(R))`.
 * Because later rows are updated panel by panel (not all against the final `Q`), the
 * loss of orthogonality is that of MGS, `‖I − QQᵀ‖ = O(ε · cond(A))` (Jalby & Philippe,
 * "Stability analysis and improvement of the block Gram–Schmidt algorithm", 1991).
 */
export function orthonormalizeRows(a: Float64Array, k: number, n: number): void {
  if (k > n) throw new ValueError(`orthonormalizeRows: ${k} rows of length ${n} cannot be orthonormal`);
  if (a.length !== k * n) throw new ValueError(`orthonormalizeRows: expected ${k * n} values, got ${a.length}`);
  for (let p0 = 0; p0 < k; p0 += PANEL) {
    const p1 = Math.min(k, p0 + PANEL);
    orthonormalizePanel(a, p0, p1, n);
    projectOutPanel(a, p0, p1, k, n);
  }
}
