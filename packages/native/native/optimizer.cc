// See optimizer.h. Bit-for-bit agreement with the TypeScript loops rests on three things:
// every intermediate is a double (float32 elements widen exactly), each JavaScript
// operation is one correctly rounded IEEE operation here (binding.gyp compiles this file
// with -ffp-contract=off: no fused multiply-add), and Math.max's NaN and signed-zero rules.
#include "optimizer.h"

#include <cmath>
#include <limits>

// On x86 each loop is compiled for AVX-512, AVX2 and the baseline, and the loader picks the
// widest the CPU has: division and square root dominate, and they run 8, 4 or 2 lanes wide.
// (IEEE division and square root are correctly rounded at every width.)
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TAPESTRY_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TAPESTRY_CLONES
#endif

namespace tapestry {
namespace {

// JavaScript's Math.max for two numbers: NaN if either is NaN; +0 over −0.
inline double jsMax(double a, double b) {
  if (a != a || b != b) return std::numeric_limits<double>::quiet_NaN();
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

}  // namespace

template <typename T>
TAPESTRY_CLONES void adamStep(std::size_t n, const T* __restrict g, const T* __restrict m, const T* __restrict v,
                              const T* __restrict vMax, T* __restrict out, T* __restrict mNext, T* __restrict vNext,
                              T* __restrict vMaxNext, const AdamCoefficients& c) {
  // __restrict: the arrays are distinct buffers (fresh outputs, the previous step's inputs),
  // which lets the loops vectorise.
  const double b1 = c.b1, b2 = c.b2, bc1 = c.bc1, sqrtBc2 = c.sqrtBc2, eps = c.eps;
  const double k1 = 1 - b1, k2 = 1 - b2;
  if (vMax == nullptr) {
    for (std::size_t i = 0; i < n; i++) {
      const double gi = g[i];
      const double mi = b1 * double(m[i]) + k1 * gi;
      const double vi = b2 * double(v[i]) + k2 * gi * gi;
      mNext[i] = T(mi);
      vNext[i] = T(vi);
      out[i] = T(mi / bc1 / (std::sqrt(vi) / sqrtBc2 + eps));
    }
    return;
  }
  for (std::size_t i = 0; i < n; i++) {
    const double gi = g[i];
    const double mi = b1 * double(m[i]) + k1 * gi;
    double vi = b2 * double(v[i]) + k2 * gi * gi;
    mNext[i] = T(mi);
    vNext[i] = T(vi);
    vi = jsMax(double(vMax[i]), vi);
    vMaxNext[i] = T(vi);
    out[i] = T(mi / bc1 / (std::sqrt(vi) / sqrtBc2 + eps));
  }
}

template <typename T>
TAPESTRY_CLONES void scaleAdd(std::size_t n, const T* __restrict x, double a, const T* __restrict y, T* __restrict out) {
  if (y == nullptr) {
    for (std::size_t i = 0; i < n; i++) out[i] = T(a * double(x[i]));
  } else {
    for (std::size_t i = 0; i < n; i++) out[i] = T(a * double(x[i]) + double(y[i]));
  }
}

template void adamStep<float>(std::size_t, const float*, const float*, const float*, const float*, float*, float*, float*, float*,
                              const AdamCoefficients&);
template void adamStep<double>(std::size_t, const double*, const double*, const double*, const double*, double*, double*, double*,
                               double*, const AdamCoefficients&);
template void scaleAdd<float>(std::size_t, const float*, double, const float*, float*);
template void scaleAdd<double>(std::size_t, const double*, double, const double*, double*);

}  // namespace tapestry
