// The matrix-product driver. Large products follow the BLIS loop nest: column blocks of
// NC → depth blocks of KC (B packed into NR-wide panels, by each thread taking part) →
// rows (A packed one MR-tall panel at a time, which stays in L1 while the tile kernel
// sweeps the B panels). Small products skip packing, which would cost as much as the arithmetic: with
// B untransposed the tile kernel reads B's rows in place; with B transposed (the recurrent
// h·Wᵀ) a dot-product kernel reads both operands' rows in place.
#include "gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cpu.h"
#include "thread_pool.h"

namespace tapestry {

// Measured with 2 threads on 2 cores (README, "Threads"): square products paid from
// 256³ (1.20×; 192³ 0.95×); products of few rows, split by columns, pay once B — the
// weights, read by every row — is large: 1.3–2.4× from K·N = 2^17, which is this / 64.
std::ptrdiff_t parallelThreshold = 1 << 23;

namespace {

template <typename T>
struct Traits;
template <>
struct Traits<float> {
  static TileKernel<float> tile(const Kernels& k, int m) { return k.tile32[m]; }
  static TileKernel<float> packed(const Kernels& k) { return k.packed32; }
  static DotKernel<float> dot(const Kernels& k) { return k.dot32; }
  static void packPanel(const Kernels& k, const float* a, std::ptrdiff_t lda, int m, std::ptrdiff_t kc, float* out) { k.packPanel32(a, lda, m, kc, out); }
  static void packPanelB(const Kernels& k, const float* b, std::ptrdiff_t ldb, int n, std::ptrdiff_t kc, float* out) { k.packPanelB32(b, ldb, n, kc, out); }
  static int nr(const Kernels& k) { return k.nr32; }
  static constexpr std::ptrdiff_t KC = 384, NC = 1024;
};
template <>
struct Traits<double> {
  static TileKernel<double> tile(const Kernels& k, int m) { return k.tile64[m]; }
  static TileKernel<double> packed(const Kernels& k) { return k.packed64; }
  static DotKernel<double> dot(const Kernels& k) { return k.dot64; }
  static void packPanel(const Kernels& k, const double* a, std::ptrdiff_t lda, int m, std::ptrdiff_t kc, double* out) { k.packPanel64(a, lda, m, kc, out); }
  static void packPanelB(const Kernels& k, const double* b, std::ptrdiff_t ldb, int n, std::ptrdiff_t kc, double* out) { k.packPanelB64(b, ldb, n, kc, out); }
  static int nr(const Kernels& k) { return k.nr64; }
  static constexpr std::ptrdiff_t KC = 256, NC = 512;
};

// Per-thread scratch, grown on demand and kept (no allocation once warm).
template <typename T>
T* scratch(int slot, std::size_t count) {
  struct Buffer {
    T* data = nullptr;
    std::size_t size = 0;
    ~Buffer() { std::free(data); }
  };
  static thread_local Buffer buffers[2];
  Buffer& b = buffers[slot];
  if (b.size < count) {
    std::free(b.data);
    std::size_t bytes = ((count * sizeof(T) + 63) / 64) * 64;
    b.data = static_cast<T*>(std::aligned_alloc(64, bytes));
    b.size = count;
  }
  return b.data;
}

template <typename T>
inline T elementA(const Gemm<T>& g, std::ptrdiff_t i, std::ptrdiff_t k) {
  return g.transA ? g.a[k * g.lda + i] : g.a[i * g.lda + k];
}
template <typename T>
inline T elementB(const Gemm<T>& g, std::ptrdiff_t k, std::ptrdiff_t j) {
  return g.transB ? g.b[j * g.ldb + k] : g.b[k * g.ldb + j];
}

// Writes a computed m×n corner `t` (row stride ldt) into C.
template <typename T>
void storeEdge(const T* t, std::ptrdiff_t ldt, T* c, std::ptrdiff_t ldc, std::ptrdiff_t m, std::ptrdiff_t n, bool accumulate) {
  for (std::ptrdiff_t i = 0; i < m; i++)
    for (std::ptrdiff_t j = 0; j < n; j++) c[i * ldc + j] = accumulate ? c[i * ldc + j] + t[i * ldt + j] : t[i * ldt + j];
}

// kc rows of `width` contiguous elements, ld apart, into a dense panel (row k at
// out + k·width). The tile widths get copies of a constant size, which the compiler inlines
// as a few vector moves. With a library memcpy call per row (56 bytes for a transposed A)
// packing took 19 % of a W2-shaped weight gradient (Gᵀ·H, 1024×256 by 2048 deep), inlined
// 14 % — the rest is reading A's rows 2048 floats apart — and the product ran 5 % faster.
template <typename T, int WIDTH>
void copyRowsFixed(const T* src, std::ptrdiff_t ld, std::ptrdiff_t kc, T* out) {
  for (std::ptrdiff_t k = 0; k < kc; k++) std::memcpy(out + k * WIDTH, src + k * ld, WIDTH * sizeof(T));
}
template <typename T>
void copyRows(const T* src, std::ptrdiff_t ld, int width, std::ptrdiff_t kc, T* out) {
  switch (width) {  // MR (14, 6, 4) and NR (32, 16, 8, 4) of the instruction sets
    case 4: copyRowsFixed<T, 4>(src, ld, kc, out); return;
    case 6: copyRowsFixed<T, 6>(src, ld, kc, out); return;
    case 8: copyRowsFixed<T, 8>(src, ld, kc, out); return;
    case 14: copyRowsFixed<T, 14>(src, ld, kc, out); return;
    case 16: copyRowsFixed<T, 16>(src, ld, kc, out); return;
    case 32: copyRowsFixed<T, 32>(src, ld, kc, out); return;
    default:
      for (std::ptrdiff_t k = 0; k < kc; k++) std::memcpy(out + k * width, src + k * ld, static_cast<std::size_t>(width) * sizeof(T));
  }
}

// B[pc:pc+kc, jc:jc+nc] into panels of NR columns, zero-padded: panel p holds kc rows of NR.
template <typename T>
void packB(const Gemm<T>& g, const Kernels& ks, std::ptrdiff_t pc, std::ptrdiff_t kc, std::ptrdiff_t jc, std::ptrdiff_t nc, int NR, T* out) {
  std::ptrdiff_t jr = 0;
  if (!g.transB) {
    // The full panels row by row: each row of B is read once, front to back, which the
    // hardware prefetcher follows (panel by panel, kc rows 4 KiB apart were read 128 bytes
    // at a time: packing was 3.5 % of a 1024³ product, against 1.5 % this way).
    const std::ptrdiff_t full = nc / NR * NR;
    for (std::ptrdiff_t k = 0; k < kc; k++) {
      const T* row = g.b + (pc + k) * g.ldb + jc;
      for (std::ptrdiff_t j = 0; j < full; j += NR) copyRows(row + j, 0, NR, 1, out + j * kc + k * NR);
    }
    jr = full;
  }
  for (; jr < nc; jr += NR) {
    std::ptrdiff_t n = std::min<std::ptrdiff_t>(NR, nc - jr);
    T* panel = out + jr * kc;
    if (g.transB) {  // columns of op(B) are rows of B: transposed in registers
      Traits<T>::packPanelB(ks, g.b + (jc + jr) * g.ldb + pc, g.ldb, static_cast<int>(n), kc, panel);
    } else {
      for (std::ptrdiff_t k = 0; k < kc; k++)
        for (std::ptrdiff_t j = 0; j < NR; j++) panel[k * NR + j] = j < n ? elementB(g, pc + k, jc + jr + j) : T(0);
    }
  }
}

// A[ic:ic+mc, pc:pc+kc] into panels of MR rows, zero-padded: panel p holds kc columns of MR.
// `out` has room for one vector past the last panel (see packPanel).
template <typename T>
void packA(const Gemm<T>& g, const Kernels& ks, std::ptrdiff_t ic, std::ptrdiff_t mc, std::ptrdiff_t pc, std::ptrdiff_t kc, int MR, T* out) {
  for (std::ptrdiff_t i0 = 0; i0 < mc; i0 += MR) {
    std::ptrdiff_t m = std::min<std::ptrdiff_t>(MR, mc - i0), ir = ic + i0;
    T* panel = out + i0 * kc;
    if (!g.transA) {
      Traits<T>::packPanel(ks, g.a + ir * g.lda + pc, g.lda, static_cast<int>(m), kc, panel);
    } else if (m == MR) {  // transposed: the panel's columns are rows of A
      copyRows(g.a + pc * g.lda + ir, g.lda, MR, kc, panel);
    } else {
      for (std::ptrdiff_t k = 0; k < kc; k++)
        for (std::ptrdiff_t i = 0; i < MR; i++) panel[k * MR + i] = i < m ? elementA(g, ir + i, pc + k) : T(0);
    }
  }
}

// One depth block of a packed product, B[pc:pc+kc, jc:jc+nc] times the rows of A, as one
// job for every thread taking part. Each participant packs the whole B block into its own
// buffer, which then stays in its own core's cache, and claims row blocks one by one. (Packing
// B once into a shared buffer, the threads splitting the panels and waiting for each other,
// was slower: every packed line had been read by both cores in the previous block, so each
// write paid a cross-core invalidation — packing took 14 % of a two-thread 256³ product
// against 3.5 % of a one-thread one — and 256³ ran at 250–268 GFLOP/s on two threads
// against 323–336 with a private B.) Claiming is dynamic, with no barrier: a thread the
// system has descheduled just claims fewer, one that arrives after the last block packs
// nothing, and one thread alone does all the work.
// Blocks of at most this many MR-row panels sweep B once (DepthBlock::fewRows).
constexpr std::ptrdiff_t FEW_PANELS = 4;

template <typename T>
struct DepthBlock {
  const Gemm<T>* g;
  const Kernels* ks;
  std::ptrdiff_t pc, kc, jc, nc, mc;
  int bPanels, rowBlocks;
  bool acc;
  const T* packed;  // this block of B packed already (packOperandB), or null
  std::atomic<int> nextRows{0};

  static void run(void* ctx, int) {
    DepthBlock& d = *static_cast<DepthBlock*>(ctx);
    if (d.nextRows.load(std::memory_order_relaxed) >= d.rowBlocks) return;
    const int NR = Traits<T>::nr(*d.ks);
    const T* bp = d.packed;  // panel p at bp + p·NR·kc, or (inPlace) B itself
    if (bp == nullptr && direct(d)) {
      bp = d.g->b + d.pc * d.g->ldb + d.jc;
    } else if (bp == nullptr) {
      T* own = scratch<T>(1, static_cast<std::size_t>(d.bPanels) * NR * d.kc);
      packB(*d.g, *d.ks, d.pc, d.kc, d.jc, d.nc, NR, own);
      bp = own;
    }
    for (int t = d.nextRows.fetch_add(1, std::memory_order_relaxed); t < d.rowBlocks; t = d.nextRows.fetch_add(1, std::memory_order_relaxed)) rows(d, t, bp);
  }

  // Whether the tile kernel reads B where it is instead of a packed copy: when B is not
  // transposed, its columns fill whole panels, and the rows one panel sweep reads span at
  // most 384 KiB (a third of this machine's 1 MiB L2), reading in place costs no more than
  // reading a packed panel and saves packing — 1 thread, alternating in one process:
  // 256³ +4 %, 128³ and 384³ even; 512³ (768 KiB) −3 % and 1024³ (1.5 MiB, a 4 KiB page
  // per row) −25 %, where packing pays for its contiguous panels.
  static bool direct(const DepthBlock& d) {
    constexpr std::ptrdiff_t kMaxSpan = 384 << 10;
    return !d.g->transB && d.nc % Traits<T>::nr(*d.ks) == 0 && d.kc * d.g->ldb * static_cast<std::ptrdiff_t>(sizeof(T)) <= kMaxSpan;
  }

  // The rows [ic, ic + mc): each MR-row panel of A is packed just before the tile kernel
  // sweeps the B panels with it, into a buffer that stays in L1 — packed once per block of
  // rows and written back to L2/L3 and read again (the older order) cost a few per cent at
  // 256–1024. (Measured against the BLIS order — B micro-panel in L1, A streaming — this
  // order was as fast or faster at 256–1024.)
  static void rows(const DepthBlock& d, int task, const T* bp) {
    const Gemm<T>& g = *d.g;
    const int MR = d.ks->mr;
    const std::ptrdiff_t ic = task * d.mc, mc = std::min(d.mc, g.M - ic);
    if (mc <= FEW_PANELS * MR) {
      fewRows(d, ic, mc, bp);
      return;
    }
    T* ap = scratch<T>(0, static_cast<std::size_t>(MR * d.kc + 64));
    for (std::ptrdiff_t ir = 0; ir < mc; ir += MR) {
      const int m = static_cast<int>(std::min<std::ptrdiff_t>(MR, mc - ir));
      packA(g, *d.ks, ic + ir, m, d.pc, d.kc, MR, ap);
      for (std::ptrdiff_t jr = 0; jr < d.nc; jr += Traits<T>::nr(*d.ks)) panelTile(d, ap, m, ic + ir, jr, bp);
    }
  }

  // A block of few rows (a recurrent step's batch, or a thread's part of it): all its A
  // panels are packed first (a few KB), then each B panel is swept by all of them, so B
  // — the weights, up to 1 MB, beyond L2 — streams once rather than once per A panel (a
  // thread's 16 of 32 rows by [1024, 256]ᵀ: 2 passes over B instead of 1). The tiles and
  // so every element's sum are those of the other order.
  static void fewRows(const DepthBlock& d, std::ptrdiff_t ic, std::ptrdiff_t mc, const T* bp) {
    const Gemm<T>& g = *d.g;
    const int MR = d.ks->mr, NR = Traits<T>::nr(*d.ks);
    T* ap = scratch<T>(0, static_cast<std::size_t>(FEW_PANELS * MR * d.kc + 64));
    for (std::ptrdiff_t ir = 0; ir < mc; ir += MR) packA(g, *d.ks, ic + ir, std::min<std::ptrdiff_t>(MR, mc - ir), d.pc, d.kc, MR, ap + ir * d.kc);
    for (std::ptrdiff_t jr = 0; jr < d.nc; jr += NR)
      for (std::ptrdiff_t ir = 0; ir < mc; ir += MR) panelTile(d, ap + ir * d.kc, static_cast<int>(std::min<std::ptrdiff_t>(MR, mc - ir)), ic + ir, jr, bp);
  }

  // The packed A panel of rows [i, i + m) times B panel jr, into C. A partial panel of
  // rows runs the m-row tile over the packed panel (A's column stride MR) and stores
  // straight into C, instead of computing MR rows.
  static void panelTile(const DepthBlock& d, const T* ap, int m, std::ptrdiff_t i, std::ptrdiff_t jr, const T* bp) {
    const Gemm<T>& g = *d.g;
    const int MR = d.ks->mr, NR = Traits<T>::nr(*d.ks);
    TileKernel<T> tile = m == MR ? Traits<T>::packed(*d.ks) : Traits<T>::tile(*d.ks, m);
    T* c = g.c + i * g.ldc + d.jc + jr;
    const std::ptrdiff_t n = std::min<std::ptrdiff_t>(NR, d.nc - jr);
    const bool inPlace = d.packed == nullptr && direct(d);  // B read where it is (panel jr at bp + jr)
    const T* bpanel = inPlace ? bp + jr : bp + jr * d.kc;
    if (n == NR) {
      tile(d.kc, ap, 1, MR, bpanel, inPlace ? g.ldb : NR, c, g.ldc, d.acc);
    } else {
      alignas(64) T edge[MAX_MR * 64];
      tile(d.kc, ap, 1, MR, bpanel, NR, edge, NR, false);
      storeEdge(edge, NR, c, g.ldc, m, n, d.acc);
    }
  }
};

// BLIS's loop nest: column blocks of NC → depth blocks of KC (B packed by each thread
// taking part) → row blocks of mc, which the pool's threads claim one by one.
// With `packed` (op(B) packed by packOperandB, its blocks in the order of this loop nest)
// no block of B is packed again.
template <typename T>
void packedProduct(const Gemm<T>& g, const Kernels& ks, ThreadPool* threads, const T* packed = nullptr) {
  const int MR = ks.mr, NR = Traits<T>::nr(ks);
  const std::ptrdiff_t KC = Traits<T>::KC, NC = Traits<T>::NC;
  const int workers = threads == nullptr ? 1 : threads->size();
  // Serially one block of all rows; in parallel one MR-row panel per block. A is packed
  // panel by panel whatever the block, so small blocks cost only a claim (an atomic add,
  // against a panel's MR·N·kc multiply-adds: 9 µs at 256³) and balance the threads to
  // within one panel. Blocks of 2–16 panels (10 at 1024³, the last one 4) could leave a
  // thread idle for several panels at the end of each depth block, and a thread the system
  // descheduled held more work up.
  const std::ptrdiff_t panels = (g.M + MR - 1) / MR;
  const std::ptrdiff_t mc = (workers == 1 ? panels : 1) * MR;
  const int rowBlocks = static_cast<int>((g.M + mc - 1) / mc);
  for (std::ptrdiff_t jc = 0; jc < g.N; jc += NC) {
    const std::ptrdiff_t nc = std::min(NC, g.N - jc);
    for (std::ptrdiff_t pc = 0; pc < g.K; pc += KC) {
      const std::ptrdiff_t kc = std::min(KC, g.K - pc);
      const int bPanels = static_cast<int>((nc + NR - 1) / NR);
      DepthBlock<T> block{&g, &ks, pc, kc, jc, nc, mc, bPanels, rowBlocks, g.accumulate || pc > 0, packed};
      if (packed != nullptr) packed += static_cast<std::ptrdiff_t>(bPanels) * NR * kc;
      if (threads != nullptr && workers > 1) threads->run(workers, &DepthBlock<T>::run, &block);
      else DepthBlock<T>::run(&block, 0);
    }
  }
}

// Few rows, B untransposed: the tile kernel reads A and B where they are.
template <typename T>
void unpackedProduct(const Gemm<T>& g, const Kernels& ks) {
  const int MR = ks.mr, NR = Traits<T>::nr(ks);
  const std::ptrdiff_t rsa = g.transA ? 1 : g.lda, csa = g.transA ? g.lda : 1;
  const std::ptrdiff_t nfull = g.N / NR * NR;
  T* tail = nullptr;
  if (nfull < g.N) {  // the last NR-partial columns, zero-padded once
    tail = scratch<T>(1, static_cast<std::size_t>(g.K * NR));
    for (std::ptrdiff_t k = 0; k < g.K; k++)
      for (std::ptrdiff_t j = 0; j < NR; j++) tail[k * NR + j] = nfull + j < g.N ? g.b[k * g.ldb + nfull + j] : T(0);
  }
  alignas(64) T edge[MAX_MR * 64];
  // Columns outside, rows inside: each NR-wide strip of B (the weights, up to 1 MB) is
  // read once for all of A's few rows, not once per MR rows.
  for (std::ptrdiff_t jr = 0; jr < nfull; jr += NR)
    for (std::ptrdiff_t ir = 0; ir < g.M; ir += MR) {
      int m = static_cast<int>(std::min<std::ptrdiff_t>(MR, g.M - ir));
      Traits<T>::tile(ks, m)(g.K, g.a + ir * rsa, rsa, csa, g.b + jr, g.ldb, g.c + ir * g.ldc + jr, g.ldc, g.accumulate);
    }
  if (tail != nullptr)
    for (std::ptrdiff_t ir = 0; ir < g.M; ir += MR) {
      int m = static_cast<int>(std::min<std::ptrdiff_t>(MR, g.M - ir));
      Traits<T>::tile(ks, m)(g.K, g.a + ir * rsa, rsa, csa, tail, NR, edge, NR, false);
      storeEdge(edge, NR, g.c + ir * g.ldc + nfull, g.ldc, m, g.N - nfull, g.accumulate);
    }
}

// Few rows, B transposed (rows of B are columns of the product): 4×4 blocks of dot products.
template <typename T>
void dotProduct(const Gemm<T>& g, const Kernels& ks, std::ptrdiff_t pathRows) {
  const T* a = g.a;
  std::ptrdiff_t lda = g.lda;
  if (g.transA) {  // rows of op(A) made contiguous (M·K, small here)
    T* t = scratch<T>(0, static_cast<std::size_t>(g.M * g.K));
    for (std::ptrdiff_t i = 0; i < g.M; i++)
      for (std::ptrdiff_t k = 0; k < g.K; k++) t[i * g.K + k] = g.a[k * g.lda + i];
    a = t;
    lda = g.K;
  }
  DotKernel<T> dot = Traits<T>::dot(ks);
  // Four rows of B (the weights, often larger than L2) at a time against all rows of A
  // (at most 32, in L1): B is read once. (Rows of A outside read all of B M/4 times:
  // 65 against 100 GFLOP/s at 32×256·(1024×256)ᵀ.)
  // A single row takes 16 rows of B at a time (the matrix-vector kernel).
  // The kernel sums a 4×4 block's 16 dot products together (reduce16), other shapes one
  // by one: a block of rows of a larger product starts at a multiple of 4 of it
  // (productRowGroup), so each row falls in the same kind of block.
  const std::ptrdiff_t step = pathRows == 1 ? 16 : 4;
  for (std::ptrdiff_t j = 0; j < g.N; j += step) {
    int n = static_cast<int>(std::min<std::ptrdiff_t>(step, g.N - j));
    for (std::ptrdiff_t i = 0; i < g.M; i += 4) {
      int m = static_cast<int>(std::min<std::ptrdiff_t>(4, g.M - i));
      dot(g.K, a + i * lda, lda, m, g.b + j * g.ldb, g.ldb, n, g.c + i * g.ldc + j, g.ldc, g.accumulate);
    }
  }
}

constexpr std::ptrdiff_t SMALL_ROWS = 32;

// Whether few rows with a transposed B go the packed way: B is then packed (fast, by
// transposes) and the tile kernel runs at full speed, but the last A panel is computed
// whole — worth it when the rows fill at least 3/4 of the panels and there are 24 or
// more (measured, AVX-512, B 1024×256: 32 rows 95–107 against 94 GFLOP/s for the dot
// kernel, 28 rows 119 against 101, 16 rows 70 against 97).
bool fillsPanels(std::ptrdiff_t M, int MR) {
  std::ptrdiff_t padded = (M + MR - 1) / MR * MR;
  return M >= 24 && 4 * M >= 3 * padded;
}

// `pathRows` picks the kernel: the row count of the whole product when g is a block of
// its rows, so a block runs the kernels (and sums in the order) the whole would.
template <typename T>
bool packsB(const Gemm<T>& g, std::ptrdiff_t pathRows, const Kernels& ks) {
  return !(pathRows <= SMALL_ROWS && !g.transB) && !(pathRows <= SMALL_ROWS && !fillsPanels(pathRows, ks.mr));
}

template <typename T>
void serialProduct(const Gemm<T>& g, std::ptrdiff_t pathRows, const T* packed = nullptr) {
  if (g.M == 0 || g.N == 0) return;
  if (g.K == 0) {
    if (!g.accumulate)
      for (std::ptrdiff_t i = 0; i < g.M; i++) std::fill(g.c + i * g.ldc, g.c + i * g.ldc + g.N, T(0));
    return;
  }
  const Kernels& ks = kernels();
  if (pathRows <= SMALL_ROWS && !g.transB) unpackedProduct(g, ks);
  else if (pathRows <= SMALL_ROWS && !fillsPanels(pathRows, ks.mr)) dotProduct(g, ks, pathRows);
  else packedProduct(g, ks, nullptr, packed);
}

// The rows [i0, i1) and columns [j0, j1) of a product, itself a product.
template <typename T>
Gemm<T> block(const Gemm<T>& g, std::ptrdiff_t i0, std::ptrdiff_t i1, std::ptrdiff_t j0, std::ptrdiff_t j1) {
  Gemm<T> s = g;
  s.M = i1 - i0;
  s.N = j1 - j0;
  s.a = g.transA ? g.a + i0 : g.a + i0 * g.lda;
  s.b = g.transB ? g.b + j0 * g.ldb : g.b + j0;
  s.c = g.c + i0 * g.ldc + j0;
  return s;
}

template <typename T>
struct Split {
  const Gemm<T>* g;
  bool byColumns;
  std::ptrdiff_t step;
  static void run(void* ctx, int t) {
    auto* s = static_cast<Split*>(ctx);
    const Gemm<T>& g = *s->g;
    std::ptrdiff_t total = s->byColumns ? g.N : g.M;
    std::ptrdiff_t lo = std::min(total, t * s->step), hi = std::min(total, lo + s->step);
    if (lo >= hi) return;
    serialProduct(s->byColumns ? block(g, 0, g.M, lo, hi) : block(g, lo, hi, 0, g.N), g.M);
  }
};

}  // namespace

template <typename T>
void gemm(const Gemm<T>& g) {
  ThreadPool& p = pool();
  int threads = p.size();
  if (threads == 1 || !productSplits(g.M, g.N, g.K)) {
    serialProduct(g, g.M);
    return;
  }
  const Kernels& ks = kernels();
  if (g.M > SMALL_ROWS && g.N > 0 && g.K > 0) {
    packedProduct(g, ks, &p);
    return;
  }
  // Few rows: one block of whole tiles of columns per thread, each reading A in place.
  const bool byColumns = true;
  std::ptrdiff_t unit = Traits<T>::nr(ks);
  std::ptrdiff_t total = g.N;
  std::ptrdiff_t units = (total + unit - 1) / unit;
  int tasks = static_cast<int>(std::min<std::ptrdiff_t>(threads, units));
  if (tasks <= 1) {
    serialProduct(g, g.M);
    return;
  }
  Split<T> split{&g, byColumns, (units + tasks - 1) / tasks * unit};
  p.run(tasks, &Split<T>::run, &split);
}

bool productSplits(std::ptrdiff_t M, std::ptrdiff_t N, std::ptrdiff_t K) {
  return M > SMALL_ROWS ? M * N * K >= parallelThreshold : N * K * 64 >= parallelThreshold;
}

std::ptrdiff_t productRowGroup(std::ptrdiff_t M, bool transB) {
  return M > 1 && M <= SMALL_ROWS && transB && !fillsPanels(M, kernels().mr) ? 4 : 1;
}

template <typename T>
std::size_t packedOperandSize(const Gemm<T>& g) {
  const Kernels& ks = kernels();
  if (g.M == 0 || g.N == 0 || g.K == 0 || !packsB(g, g.M, ks)) return 0;
  const std::ptrdiff_t NR = Traits<T>::nr(ks);
  return static_cast<std::size_t>((g.N + NR - 1) / NR * NR * g.K);  // every block's panels, zero-padded to NR columns
}

template <typename T>
void packOperandB(const Gemm<T>& g, T* out) {
  const Kernels& ks = kernels();
  const int NR = Traits<T>::nr(ks);
  const std::ptrdiff_t KC = Traits<T>::KC, NC = Traits<T>::NC;
  for (std::ptrdiff_t jc = 0; jc < g.N; jc += NC) {
    const std::ptrdiff_t nc = std::min(NC, g.N - jc);
    for (std::ptrdiff_t pc = 0; pc < g.K; pc += KC) {
      const std::ptrdiff_t kc = std::min(KC, g.K - pc);
      packB(g, ks, pc, kc, jc, nc, NR, out);
      out += (nc + NR - 1) / NR * NR * kc;
    }
  }
}

template <typename T>
void gemmRows(const Gemm<T>& g, std::ptrdiff_t i0, std::ptrdiff_t i1, const T* packedB) {
  if (i0 < i1) serialProduct(block(g, i0, i1, 0, g.N), g.M, packedB);
}

template void gemm<float>(const Gemm<float>&);
template void gemmRows<float>(const Gemm<float>&, std::ptrdiff_t, std::ptrdiff_t, const float*);
template void gemmRows<double>(const Gemm<double>&, std::ptrdiff_t, std::ptrdiff_t, const double*);
template std::size_t packedOperandSize<float>(const Gemm<float>&);
template std::size_t packedOperandSize<double>(const Gemm<double>&);
template void packOperandB<float>(const Gemm<float>&, float*);
template void packOperandB<double>(const Gemm<double>&, double*);
template void gemm<double>(const Gemm<double>&);

}  // namespace tapestry
