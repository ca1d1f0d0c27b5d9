// The matrix-product driver. Large products follow the BLIS loop nest: column blocks of
// NC → depth blocks of KC (B packed into NR-wide panels, which stay in L2) → all rows (A
// packed into MR-tall panels; one panel stays in L1 while the tile kernel sweeps the B
// panels). Small products skip packing, which would cost as much as the arithmetic: with
// B untransposed the tile kernel reads B's rows in place; with B transposed (the recurrent
// h·Wᵀ) a dot-product kernel reads both operands' rows in place.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cpu.h"
#include "thread_pool.h"

namespace tapestry {

std::ptrdiff_t parallelThreshold = 1 << 21;  // 128³: see README, "Threads"

namespace {

template <typename T>
struct Traits;
template <>
struct Traits<float> {
  static TileKernel<float> tile(const Kernels& k, int m) { return k.tile32[m]; }
  static TileKernel<float> packed(const Kernels& k) { return k.packed32; }
  static DotKernel<float> dot(const Kernels& k) { return k.dot32; }
  static int nr(const Kernels& k) { return k.nr32; }
  static constexpr std::ptrdiff_t KC = 384, NC = 1024;
};
template <>
struct Traits<double> {
  static TileKernel<double> tile(const Kernels& k, int m) { return k.tile64[m]; }
  static TileKernel<double> packed(const Kernels& k) { return k.packed64; }
  static DotKernel<double> dot(const Kernels& k) { return k.dot64; }
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

// B[pc:pc+kc, jc:jc+nc] into panels of NR columns, zero-padded: panel p holds kc rows of NR.
template <typename T>
void packB(const Gemm<T>& g, std::ptrdiff_t pc, std::ptrdiff_t kc, std::ptrdiff_t jc, std::ptrdiff_t nc, int NR, T* out) {
  for (std::ptrdiff_t jr = 0; jr < nc; jr += NR) {
    std::ptrdiff_t n = std::min<std::ptrdiff_t>(NR, nc - jr);
    T* panel = out + jr * kc;
    if (!g.transB && n == NR) {
      for (std::ptrdiff_t k = 0; k < kc; k++) std::memcpy(panel + k * NR, g.b + (pc + k) * g.ldb + jc + jr, NR * sizeof(T));
    } else if (g.transB) {  // column by column of op(B): contiguous reads of B's rows
      for (std::ptrdiff_t j = 0; j < NR; j++) {
        if (j < n) {
          const T* row = g.b + (jc + jr + j) * g.ldb + pc;
          for (std::ptrdiff_t k = 0; k < kc; k++) panel[k * NR + j] = row[k];
        } else {
          for (std::ptrdiff_t k = 0; k < kc; k++) panel[k * NR + j] = T(0);
        }
      }
    } else {
      for (std::ptrdiff_t k = 0; k < kc; k++)
        for (std::ptrdiff_t j = 0; j < NR; j++) panel[k * NR + j] = j < n ? elementB(g, pc + k, jc + jr + j) : T(0);
    }
  }
}

// A[0:M, pc:pc+kc] into panels of MR rows, zero-padded: panel p holds kc columns of MR.
template <typename T>
void packA(const Gemm<T>& g, std::ptrdiff_t pc, std::ptrdiff_t kc, int MR, T* out) {
  for (std::ptrdiff_t ir = 0; ir < g.M; ir += MR) {
    std::ptrdiff_t m = std::min<std::ptrdiff_t>(MR, g.M - ir);
    T* panel = out + ir * kc;
    if (g.transA && m == MR) {
      for (std::ptrdiff_t k = 0; k < kc; k++) std::memcpy(panel + k * MR, g.a + (pc + k) * g.lda + ir, MR * sizeof(T));
    } else if (!g.transA) {  // row by row: contiguous reads, writes of stride MR
      for (std::ptrdiff_t i = 0; i < MR; i++) {
        if (i < m) {
          const T* row = g.a + (ir + i) * g.lda + pc;
          for (std::ptrdiff_t k = 0; k < kc; k++) panel[k * MR + i] = row[k];
        } else {
          for (std::ptrdiff_t k = 0; k < kc; k++) panel[k * MR + i] = T(0);
        }
      }
    } else {
      for (std::ptrdiff_t k = 0; k < kc; k++)
        for (std::ptrdiff_t i = 0; i < MR; i++) panel[k * MR + i] = i < m ? elementA(g, ir + i, pc + k) : T(0);
    }
  }
}

template <typename T>
void packedProduct(const Gemm<T>& g, const Kernels& ks) {
  const int MR = ks.mr, NR = Traits<T>::nr(ks);
  const std::ptrdiff_t KC = Traits<T>::KC, NC = Traits<T>::NC;
  const std::ptrdiff_t Mpad = (g.M + MR - 1) / MR * MR;
  T* ap = scratch<T>(0, static_cast<std::size_t>(Mpad * KC));
  T* bp = scratch<T>(1, static_cast<std::size_t>(((std::min(NC, g.N) + NR - 1) / NR * NR) * KC));
  TileKernel<T> full = Traits<T>::packed(ks);
  alignas(64) T edge[MAX_MR * 64];
  for (std::ptrdiff_t jc = 0; jc < g.N; jc += NC) {
    std::ptrdiff_t nc = std::min(NC, g.N - jc);
    for (std::ptrdiff_t pc = 0; pc < g.K; pc += KC) {
      std::ptrdiff_t kc = std::min(KC, g.K - pc);
      bool acc = g.accumulate || pc > 0;
      packB(g, pc, kc, jc, nc, NR, bp);
      packA(g, pc, kc, MR, ap);
      // One A micro-panel (MR×kc) stays in L1 while the tile kernel sweeps the B panels,
      // which stay in L2. (Measured against the BLIS order — B micro-panel in L1, A
      // streaming — this order was as fast or faster at 256–1024.)
      for (std::ptrdiff_t ir = 0; ir < g.M; ir += MR) {
        std::ptrdiff_t m = std::min<std::ptrdiff_t>(MR, g.M - ir);
        const T* apanel = ap + ir * kc;
        for (std::ptrdiff_t jr = 0; jr < nc; jr += NR) {
          std::ptrdiff_t n = std::min<std::ptrdiff_t>(NR, nc - jr);
          T* c = g.c + ir * g.ldc + jc + jr;
          if (m == MR && n == NR) {
            full(kc, apanel, 1, MR, bp + jr * kc, NR, c, g.ldc, acc);
          } else {
            full(kc, apanel, 1, MR, bp + jr * kc, NR, edge, NR, false);
            storeEdge(edge, NR, c, g.ldc, m, n, acc);
          }
        }
      }
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
  for (std::ptrdiff_t ir = 0; ir < g.M; ir += MR) {
    int m = static_cast<int>(std::min<std::ptrdiff_t>(MR, g.M - ir));
    TileKernel<T> tile = Traits<T>::tile(ks, m);
    const T* a = g.a + ir * rsa;
    T* c = g.c + ir * g.ldc;
    for (std::ptrdiff_t jr = 0; jr < nfull; jr += NR) tile(g.K, a, rsa, csa, g.b + jr, g.ldb, c + jr, g.ldc, g.accumulate);
    if (tail != nullptr) {
      tile(g.K, a, rsa, csa, tail, NR, edge, NR, false);
      storeEdge(edge, NR, c + nfull, g.ldc, m, g.N - nfull, g.accumulate);
    }
  }
}

// Few rows, B transposed (rows of B are columns of the product): 4×4 blocks of dot products.
template <typename T>
void dotProduct(const Gemm<T>& g, const Kernels& ks) {
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
  for (std::ptrdiff_t i = 0; i < g.M; i += 4) {
    int m = static_cast<int>(std::min<std::ptrdiff_t>(4, g.M - i));
    for (std::ptrdiff_t j = 0; j < g.N; j += 4) {
      int n = static_cast<int>(std::min<std::ptrdiff_t>(4, g.N - j));
      dot(g.K, a + i * lda, lda, m, g.b + j * g.ldb, g.ldb, n, g.c + i * g.ldc + j, g.ldc, g.accumulate);
    }
  }
}

constexpr std::ptrdiff_t SMALL_ROWS = 32;

template <typename T>
void serialProduct(const Gemm<T>& g) {
  if (g.M == 0 || g.N == 0) return;
  if (g.K == 0) {
    if (!g.accumulate)
      for (std::ptrdiff_t i = 0; i < g.M; i++) std::fill(g.c + i * g.ldc, g.c + i * g.ldc + g.N, T(0));
    return;
  }
  const Kernels& ks = kernels();
  if (g.M <= SMALL_ROWS && !g.transB) unpackedProduct(g, ks);
  else if (g.M <= SMALL_ROWS) dotProduct(g, ks);
  else packedProduct(g, ks);
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
    serialProduct(s->byColumns ? block(g, 0, g.M, lo, hi) : block(g, lo, hi, 0, g.N));
  }
};

}  // namespace

template <typename T>
void gemm(const Gemm<T>& g) {
  ThreadPool& p = pool();
  int threads = p.size();
  if (threads == 1 || g.M * g.N * g.K < parallelThreshold) {
    serialProduct(g);
    return;
  }
  const Kernels& ks = kernels();
  // Split the longer side of C into one block per thread, in whole tiles. Columns keep
  // each thread's packed B panel its own; rows are split when there are few columns.
  bool byColumns = g.N >= g.M || g.M <= SMALL_ROWS;
  std::ptrdiff_t unit = byColumns ? Traits<T>::nr(ks) : ks.mr;
  std::ptrdiff_t total = byColumns ? g.N : g.M;
  std::ptrdiff_t units = (total + unit - 1) / unit;
  int tasks = static_cast<int>(std::min<std::ptrdiff_t>(threads, units));
  if (tasks <= 1) {
    serialProduct(g);
    return;
  }
  Split<T> split{&g, byColumns, (units + tasks - 1) / tasks * unit};
  p.run(tasks, &Split<T>::run, &split);
}

template void gemm<float>(const Gemm<float>&);
template void gemm<double>(const Gemm<double>&);

}  // namespace tapestry
