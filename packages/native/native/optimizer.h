// Optimizer steps over one parameter's arrays, with the double-precision arithmetic of
// @tapestry/optim's TypeScript loops: the same operations in the same order, each
// correctly rounded (this file is compiled without FMA contraction), so the same bits.
#pragma once
#include <cstddef>

namespace tapestry {

struct AdamCoefficients {
  double b1, b2;
  double bc1;      // 1 − β1^t
  double sqrtBc2;  // √(1 − β2^t)
  double eps;
};

// m' = β1 m + (1 − β1) g; v' = β2 v + (1 − β2) g g; with vMax, v̂ = max(vMax, v') (else v');
// out = m' / bc1 / (√v̂ / sqrtBc2 + eps). vMax and vMaxNext are null without AMSGrad.
template <typename T>
void adamStep(std::size_t n, const T* g, const T* m, const T* v, const T* vMax, T* out, T* mNext, T* vNext, T* vMaxNext,
              const AdamCoefficients& c);

// out = a·x (y null) or out = a·x + y, in double, rounded once to T.
template <typename T>
void scaleAdd(std::size_t n, const T* x, double a, const T* y, T* out);

}  // namespace tapestry
