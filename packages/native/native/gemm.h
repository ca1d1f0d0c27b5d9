// Matrix products C = op(A)·op(B) (or C += …) on row-major matrices.
#pragma once
#include <cstddef>

namespace tapestry {

template <typename T>
struct Gemm {
  std::ptrdiff_t M, N, K;
  const T* a;
  std::ptrdiff_t lda;
  bool transA;
  const T* b;
  std::ptrdiff_t ldb;
  bool transB;
  T* c;
  std::ptrdiff_t ldc;
  bool accumulate;
};

// One product, split over the thread pool when it is large enough to pay.
template <typename T>
void gemm(const Gemm<T>& g);

// Products below this many multiply-adds run on one thread (measured: see README).
extern std::ptrdiff_t parallelThreshold;

}  // namespace tapestry
