// Kernels written once, compiled per instruction set: the including file defines
// TAPESTRY_ISA (namespace and table name), TAPESTRY_VECTOR_BYTES (SIMD width) and
// TAPESTRY_MR (rows of the main tile, sized to the register file: MR·2 accumulators plus
// the B row and one broadcast must fit). Vectors are GCC/Clang vector extensions, which
// compile to the target's FMA, broadcast and load instructions, so one source serves
// AVX-512F, AVX2+FMA and the portable baseline.
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>
#include <cstring>
#include "kernels.h"
#include "program.h"
#include "vecmath.h"

namespace tapestry {
namespace TAPESTRY_ISA {

constexpr int VB = TAPESTRY_VECTOR_BYTES;
constexpr int NV = 2;  // vectors per tile row
constexpr int MR = TAPESTRY_MR;

template <typename T>
struct Vec {
  typedef T type __attribute__((vector_size(VB)));
  typedef T unaligned __attribute__((vector_size(VB), aligned(alignof(T))));
  static constexpr int W = VB / static_cast<int>(sizeof(T));
};

template <typename T>
inline typename Vec<T>::type load(const T* p) { return *reinterpret_cast<const typename Vec<T>::unaligned*>(p); }
template <typename T>
inline void store(T* p, typename Vec<T>::type v) { *reinterpret_cast<typename Vec<T>::unaligned*>(p) = v; }

// ---------------------------------------------------------------------------------------
// Matrix-product tile: M rows × NV vectors of accumulators held in registers for all K.

template <typename T, int M>
void tile(std::ptrdiff_t K, const T* a, std::ptrdiff_t rsa, std::ptrdiff_t csa, const T* b, std::ptrdiff_t ldb, T* c,
          std::ptrdiff_t ldc, bool accumulate) {
  using V = typename Vec<T>::type;
  constexpr int W = Vec<T>::W;
  V acc[M][NV];
  for (int i = 0; i < M; i++)
    for (int j = 0; j < NV; j++) acc[i][j] = V{};
  for (std::ptrdiff_t k = 0; k < K; k++) {
    V bv[NV];
    for (int j = 0; j < NV; j++) bv[j] = load(b + k * ldb + j * W);
    const T* ak = a + k * csa;
    for (int i = 0; i < M; i++) {
      const T s = ak[i * rsa];  // scalar·vector broadcasts (V{} + s would add a −0 fix-up)
      for (int j = 0; j < NV; j++) acc[i][j] += s * bv[j];
    }
  }
  for (int i = 0; i < M; i++)
    for (int j = 0; j < NV; j++) {
      T* p = c + i * ldc + j * W;
      store(p, accumulate ? load(p) + acc[i][j] : acc[i][j]);
    }
}

// The same tile over a packed A panel (MR values per k, contiguous): one pointer walks A,
// so the loop is loads, broadcasts and FMAs only. Unrolled by 4 over k.
template <typename T>
void tilePacked(std::ptrdiff_t K, const T* a, std::ptrdiff_t, std::ptrdiff_t, const T* b, std::ptrdiff_t ldb, T* c,
                std::ptrdiff_t ldc, bool accumulate) {
  using V = typename Vec<T>::type;
  constexpr int W = Vec<T>::W;
  V acc[MR][NV];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NV; j++) acc[i][j] = V{};
  auto step = [&](const T* ak, const T* bk) __attribute__((always_inline)) {
    V bv[NV];
    for (int j = 0; j < NV; j++) bv[j] = load(bk + j * W);
    for (int i = 0; i < MR; i++) {
      const T s = ak[i];
      for (int j = 0; j < NV; j++) acc[i][j] += s * bv[j];
    }
  };
  std::ptrdiff_t k = 0;
  for (; k + 4 <= K; k += 4) {
    __builtin_prefetch(b + (k + 8) * ldb);
    step(a + k * MR, b + k * ldb);
    step(a + (k + 1) * MR, b + (k + 1) * ldb);
    step(a + (k + 2) * MR, b + (k + 2) * ldb);
    step(a + (k + 3) * MR, b + (k + 3) * ldb);
  }
  for (; k < K; k++) step(a + k * MR, b + k * ldb);
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NV; j++) {
      T* p = c + i * ldc + j * W;
      store(p, accumulate ? load(p) + acc[i][j] : acc[i][j]);
    }
}

#include "pack_impl.h"
#if defined(__AVX512F__) && TAPESTRY_VECTOR_BYTES == 64
#include "tile_avx512.h"
#endif
#include "reduce_impl.h"

template <typename T, int M>
struct FillTiles {
  static void run(TileKernel<T>* table) {
    table[M] = &tile<T, M>;
    FillTiles<T, M - 1>::run(table);
  }
};
template <typename T>
struct FillTiles<T, 0> {
  static void run(TileKernel<T>*) {}
};

template <typename T>
void fillTiles(TileKernel<T>* table) {
  for (int m = 0; m <= MAX_MR; m++) table[m] = nullptr;
  FillTiles<T, MR>::run(table);
}

// ---------------------------------------------------------------------------------------
// Dot-product tile for few rows times a transposed operand: up to 4×4 dot products along
// contiguous rows, vectorised along k, the tail finished in scalars.

template <typename T>
inline T horizontalSum(typename Vec<T>::type v) {
  T s = 0;
  for (int l = 0; l < Vec<T>::W; l++) s += v[l];
  return s;
}

// Pairwise sums of neighbouring lanes of x ‖ y: [x0+x1, x2+x3, …, y0+y1, …] (hadd).
template <typename T, std::size_t... I>
inline typename Vec<T>::type foldPairs(typename Vec<T>::type x, typename Vec<T>::type y, std::index_sequence<I...>) {
  return __builtin_shufflevector(x, y, (2 * I)...) + __builtin_shufflevector(x, y, (2 * I + 1)...);
}

// The 16 dot products of a 4×4 tile from their 16 accumulators: log2(W) levels of pairwise
// folds leave 16/W vectors whose lane l holds the full sum of accumulator v·W + l (≈ 3
// shuffles and adds per product instead of W scalar adds).
template <typename T>
inline void reduce16(typename Vec<T>::type (&acc)[16], T* sums) {
  using V = typename Vec<T>::type;
  constexpr int W = Vec<T>::W;
  V level[16];
  for (int v = 0; v < 16; v++) level[v] = acc[v];
  int count = 16;
  for (int width = W; width > 1 && count > 1; width /= 2) {
    for (int v = 0; v < count / 2; v++) level[v] = foldPairs<T>(level[2 * v], level[2 * v + 1], std::make_index_sequence<W>{});
    count /= 2;
  }
  // 16 / W vectors remain (one when W = 16); lane l of vector v is accumulator v·W + l.
  for (int v = 0; v < count; v++)
    for (int l = 0; l < W; l++) sums[v * W + l] = level[v][l];
}

template <typename T, int M, int N>
void dotFixed(std::ptrdiff_t K, const T* a, std::ptrdiff_t lda, const T* b, std::ptrdiff_t ldb, T* c, std::ptrdiff_t ldc,
              bool accumulate) {
  using V = typename Vec<T>::type;
  constexpr int W = Vec<T>::W;
  V acc[M][N];
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) acc[i][j] = V{};
  std::ptrdiff_t k = 0;
  for (; k + W <= K; k += W) {
    V av[M];
    for (int i = 0; i < M; i++) av[i] = load(a + i * lda + k);
    for (int j = 0; j < N; j++) {
      V bv = load(b + j * ldb + k);
      for (int i = 0; i < M; i++) acc[i][j] += av[i] * bv;
    }
  }
  if constexpr (M == 4 && N == 4 && Vec<T>::W <= 16) {
    T sums[16];
    reduce16<T>(reinterpret_cast<V(&)[16]>(acc), sums);
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++) {
        T s = sums[i * 4 + j];
        for (std::ptrdiff_t kk = k; kk < K; kk++) s += a[i * lda + kk] * b[j * ldb + kk];
        T* p = c + i * ldc + j;
        *p = accumulate ? *p + s : s;
      }
    return;
  }
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      T s = horizontalSum<T>(acc[i][j]);
      for (std::ptrdiff_t kk = k; kk < K; kk++) s += a[i * lda + kk] * b[j * ldb + kk];
      T* p = c + i * ldc + j;
      *p = accumulate ? *p + s : s;
    }
}

// One row of A against up to 16 rows of B (a matrix-vector product, batch 1 of a
// recurrent step or of generation): 16 independent accumulator chains keep both FMA ports
// busy where 4 waited on their own latency, and reduce16 folds all 16 sums at once
// (1×256·(1024×256)ᵀ on one thread: 23 → 18 µs). Past the last row of B (n < 16) the
// accumulators re-read row n − 1 and are dropped, so every column's sum takes the same
// path whatever the split, and results do not depend on the thread count.
template <typename T>
void dotRow16(std::ptrdiff_t K, const T* a, const T* b, std::ptrdiff_t ldb, int n, T* c, bool accumulate) {
  using V = typename Vec<T>::type;
  constexpr int W = Vec<T>::W;
  const T* rows[16];
  for (int j = 0; j < 16; j++) rows[j] = b + std::min(j, n - 1) * ldb;
  V acc[16];
  for (int j = 0; j < 16; j++) acc[j] = V{};
  std::ptrdiff_t k = 0;
  // The next block of 16 rows is prefetched, a line of each row per step, while this one
  // is summed: the weights of a batch-1 step stream from L3 (W4 reads 3.4 MB per token),
  // and 16 concurrent row streams outran the hardware prefetcher — W4's five products
  // 68–70 → 57–60 µs per token (two blocks ahead: 64). Past the last block the addresses
  // are beyond B; a prefetch never faults.
  const T* ahead = b + 16 * ldb;
  for (; k + W <= K; k += W) {
    const V av = load(a + k);
    for (int j = 0; j < 16; j++) {
      __builtin_prefetch(ahead + j * ldb + k);
      acc[j] += av * load(rows[j] + k);
    }
  }
  T sums[16];
  reduce16<T>(acc, sums);
  for (int j = 0; j < n; j++) {
    T s = sums[j];
    for (std::ptrdiff_t kk = k; kk < K; kk++) s += a[kk] * rows[j][kk];
    c[j] = accumulate ? c[j] + s : s;
  }
}

template <typename T>
void dot(std::ptrdiff_t K, const T* a, std::ptrdiff_t lda, int m, const T* b, std::ptrdiff_t ldb, int n, T* c,
         std::ptrdiff_t ldc, bool accumulate) {
  if (n > 4) {  // m = 1 (see kernels.h)
    dotRow16<T>(K, a, b, ldb, n, c, accumulate);
    return;
  }
  using F = void (*)(std::ptrdiff_t, const T*, std::ptrdiff_t, const T*, std::ptrdiff_t, T*, std::ptrdiff_t, bool);
  static const F table[4][4] = {
      {dotFixed<T, 1, 1>, dotFixed<T, 1, 2>, dotFixed<T, 1, 3>, dotFixed<T, 1, 4>},
      {dotFixed<T, 2, 1>, dotFixed<T, 2, 2>, dotFixed<T, 2, 3>, dotFixed<T, 2, 4>},
      {dotFixed<T, 3, 1>, dotFixed<T, 3, 2>, dotFixed<T, 3, 3>, dotFixed<T, 3, 4>},
      {dotFixed<T, 4, 1>, dotFixed<T, 4, 2>, dotFixed<T, 4, 3>, dotFixed<T, 4, 4>},
  };
  table[m - 1][n - 1](K, a, lda, b, ldb, c, ldc, accumulate);
}

// ---------------------------------------------------------------------------------------
// Element-wise programs: each instruction is one loop over a block of doubles.

inline void unaryBlock(int kind, const double* x, double* o, std::size_t n, double p0, double p1) {
  switch (kind) {
    case 0: for (std::size_t j = 0; j < n; j++) o[j] = -x[j]; break;
    case 1: for (std::size_t j = 0; j < n; j++) o[j] = vexp(x[j]); break;
    case 2: for (std::size_t j = 0; j < n; j++) o[j] = vlog(x[j]); break;
    case 3: for (std::size_t j = 0; j < n; j++) o[j] = std::log1p(x[j]); break;
    case 4: for (std::size_t j = 0; j < n; j++) o[j] = std::sqrt(x[j]); break;
    case 5: for (std::size_t j = 0; j < n; j++) o[j] = std::fabs(x[j]); break;
    case 6: for (std::size_t j = 0; j < n; j++) o[j] = x[j] > 0 ? 1.0 : x[j] < 0 ? -1.0 : x[j]; break;  // ±0, NaN kept
    case 7: for (std::size_t j = 0; j < n; j++) o[j] = vtanh(x[j]); break;
    case 8: for (std::size_t j = 0; j < n; j++) o[j] = vsigmoid(x[j]); break;
    case 9: for (std::size_t j = 0; j < n; j++) o[j] = x[j] > 0 ? x[j] : (x[j] != x[j] ? x[j] : 0.0); break;  // NaN kept
    case 10:  // softplus = max(x, 0) + log1p(e^−|x|)
      for (std::size_t j = 0; j < n; j++) {
        double v = x[j];
        o[j] = (v > 0 ? v : 0.0) + std::log1p(vexp(-std::fabs(v)));
      }
      break;
    case 11: for (std::size_t j = 0; j < n; j++) o[j] = std::sin(x[j]); break;
    case 12: for (std::size_t j = 0; j < n; j++) o[j] = std::cos(x[j]); break;
    case 13: for (std::size_t j = 0; j < n; j++) o[j] = x[j] * x[j]; break;
    case 14: for (std::size_t j = 0; j < n; j++) o[j] = 1.0 / x[j]; break;
    case 15: for (std::size_t j = 0; j < n; j++) o[j] = x[j] > 0 ? 1.0 : 0.0; break;
    case 16: for (std::size_t j = 0; j < n; j++) o[j] = x[j] < p0 ? p0 : x[j] > p1 ? p1 : x[j]; break;
    case 17: for (std::size_t j = 0; j < n; j++) o[j] = x[j] >= p0 && x[j] <= p1 ? 1.0 : 0.0; break;
  }
}

inline void binaryBlock(int kind, const double* a, const double* b, double* o, std::size_t n) {
  switch (kind) {
    case 0: for (std::size_t j = 0; j < n; j++) o[j] = a[j] + b[j]; break;
    case 1: for (std::size_t j = 0; j < n; j++) o[j] = a[j] - b[j]; break;
    case 2: for (std::size_t j = 0; j < n; j++) o[j] = a[j] * b[j]; break;
    case 3: for (std::size_t j = 0; j < n; j++) o[j] = a[j] / b[j]; break;
    case 4: for (std::size_t j = 0; j < n; j++) o[j] = std::pow(a[j], b[j]); break;
    case 5: for (std::size_t j = 0; j < n; j++) o[j] = a[j] >= b[j] || a[j] != a[j] ? a[j] : b[j]; break;
    case 6: for (std::size_t j = 0; j < n; j++) o[j] = a[j] <= b[j] || a[j] != a[j] ? a[j] : b[j]; break;
    case 7: for (std::size_t j = 0; j < n; j++) o[j] = a[j] == b[j] ? 1.0 : 0.0; break;
    case 8: for (std::size_t j = 0; j < n; j++) o[j] = a[j] != b[j] ? 1.0 : 0.0; break;
    case 9: for (std::size_t j = 0; j < n; j++) o[j] = a[j] < b[j] ? 1.0 : 0.0; break;
    case 10: for (std::size_t j = 0; j < n; j++) o[j] = a[j] <= b[j] ? 1.0 : 0.0; break;
    case 11: for (std::size_t j = 0; j < n; j++) o[j] = a[j] > b[j] ? 1.0 : 0.0; break;
    case 12: for (std::size_t j = 0; j < n; j++) o[j] = a[j] >= b[j] ? 1.0 : 0.0; break;
  }
}

template <typename T>
inline void loadTyped(const T* x, std::size_t size, std::size_t start, std::size_t len, double* reg) {
  if (size == 1) {
    double v = static_cast<double>(x[0]);
    for (std::size_t j = 0; j < len; j++) reg[j] = v;
    return;
  }
  std::size_t at = start % size;
  std::size_t j = 0;
  while (j < len) {  // contiguous runs, wrapping at the end of a broadcast input
    std::size_t run = std::min(len - j, size - at);
    for (std::size_t t = 0; t < run; t++) reg[j + t] = static_cast<double>(x[at + t]);
    j += run;
    at = 0;
  }
}

inline void loadOperand(const Operand& x, std::size_t start, std::size_t len, double* reg) {
  switch (x.dtype) {
    case 0: loadTyped(static_cast<const float*>(x.data), x.size, start, len, reg); break;
    case 1: loadTyped(static_cast<const double*>(x.data), x.size, start, len, reg); break;
    default: loadTyped(static_cast<const int32_t*>(x.data), x.size, start, len, reg); break;
  }
}

inline void storeOperand(const Operand& o, std::size_t start, std::size_t len, const double* reg) {
  if (o.dtype == 0) {
    float* p = static_cast<float*>(o.data) + start;
    for (std::size_t j = 0; j < len; j++) p[j] = static_cast<float>(reg[j]);
  } else if (o.dtype == 1) {
    std::memcpy(static_cast<double*>(o.data) + start, reg, len * sizeof(double));
  } else {
    int32_t* p = static_cast<int32_t*>(o.data) + start;
    for (std::size_t j = 0; j < len; j++) p[j] = static_cast<int32_t>(reg[j]);  // callers pass integral values only
  }
}

void runProgram(const Program& p, const Operand* in, const Operand* out, std::size_t begin, std::size_t end, double* scratch) {
  auto reg = [&](int r) { return scratch + static_cast<std::size_t>(r) * BLOCK; };
  for (std::size_t start = begin; start < end; start += BLOCK) {
    std::size_t len = std::min(BLOCK, end - start);
    for (int k = 0; k < p.inputs; k++) loadOperand(in[k], start, len, reg(k));
    int target = p.inputs;
    for (const Instruction& ins : p.instructions) {
      double* o = reg(target++);
      switch (ins.op) {
        case OP_UNARY: unaryBlock(ins.kind, reg(ins.a), o, len, ins.p0, ins.p1); break;
        case OP_BINARY: binaryBlock(ins.kind, reg(ins.a), reg(ins.b), o, len); break;
        case OP_WHERE: {
          const double *c = reg(ins.a), *x = reg(ins.b), *y = reg(ins.c);
          for (std::size_t j = 0; j < len; j++) o[j] = c[j] != 0 ? x[j] : y[j];
          break;
        }
        default:
          for (std::size_t j = 0; j < len; j++) o[j] = ins.p0;
      }
    }
    for (std::size_t o = 0; o < p.outputs.size(); o++) storeOperand(out[o], start, len, reg(p.outputs[o]));
  }
}

// Softmax / log-softmax of `rows` contiguous rows of n: max-shifted, in double, with the
// TypeScript kernel's order of operations (sums left to right, e·(1/Σ), (x − max) − log Σ).
template <typename T>
void softmaxRows(const T* x, T* o, std::size_t rows, std::size_t n, bool logarithm) {
  static thread_local std::vector<double> shifted, exps;
  if (shifted.size() < n) {
    shifted.resize(n);
    exps.resize(n);
  }
  double* d = shifted.data();
  double* e = exps.data();
  for (std::size_t r = 0; r < rows; r++) {
    const T* xr = x + r * n;
    T* orow = o + r * n;
    double m = -HUGE_VAL;
    for (std::size_t j = 0; j < n; j++) {
      double v = static_cast<double>(xr[j]);
      m = (v > m || v != v) ? v : m;  // NaN, once seen, stays (as Math.max)
    }
    for (std::size_t j = 0; j < n; j++) d[j] = static_cast<double>(xr[j]) - m;
    for (std::size_t j = 0; j < n; j++) e[j] = vexp(d[j]);
    double total = 0;
    for (std::size_t j = 0; j < n; j++) total += e[j];
    if (logarithm) {
      double lt = vlog(total);
      for (std::size_t j = 0; j < n; j++) orow[j] = static_cast<T>(d[j] - lt);
    } else {
      double inv = 1.0 / total;
      for (std::size_t j = 0; j < n; j++) orow[j] = static_cast<T>(e[j] * inv);
    }
  }
}

}  // namespace TAPESTRY_ISA

const Kernels& TAPESTRY_TABLE() {
  static Kernels k = [] {
    Kernels t{};
    t.name = TAPESTRY_ISA_NAME;
    t.mr = TAPESTRY_ISA::MR;
    t.nr32 = TAPESTRY_ISA::NV * TAPESTRY_ISA::Vec<float>::W;
    t.nr64 = TAPESTRY_ISA::NV * TAPESTRY_ISA::Vec<double>::W;
    TAPESTRY_ISA::fillTiles<float>(t.tile32);
    TAPESTRY_ISA::fillTiles<double>(t.tile64);
#if defined(__AVX512F__) && TAPESTRY_VECTOR_BYTES == 64
    t.packed32 = &TAPESTRY_ISA::tilePackedFloat512;
#else
    t.packed32 = &TAPESTRY_ISA::tilePacked<float>;
#endif
    t.packed64 = &TAPESTRY_ISA::tilePacked<double>;
    t.sum32 = &TAPESTRY_ISA::sumMiddle<float>;
    t.sum64 = &TAPESTRY_ISA::sumMiddle<double>;
    t.packPanel32 = &TAPESTRY_ISA::packPanel<float, TAPESTRY_ISA::MR>;
    t.packPanel64 = &TAPESTRY_ISA::packPanel<double, TAPESTRY_ISA::MR>;
    t.packPanelB32 = &TAPESTRY_ISA::packPanel<float, TAPESTRY_ISA::NV * TAPESTRY_ISA::Vec<float>::W>;
    t.packPanelB64 = &TAPESTRY_ISA::packPanel<double, TAPESTRY_ISA::NV * TAPESTRY_ISA::Vec<double>::W>;
    t.dot32 = &TAPESTRY_ISA::dot<float>;
    t.dot64 = &TAPESTRY_ISA::dot<double>;
    t.runProgram = &TAPESTRY_ISA::runProgram;
    t.softmax32 = &TAPESTRY_ISA::softmaxRows<float>;
    t.softmax64 = &TAPESTRY_ISA::softmaxRows<double>;
    return t;
  }();
  return k;
}

}  // namespace tapestry
