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

// Rows [i0, i1) of a product, on the calling thread only, by the kernels the whole
// product would run serially: each row's sums are added in the same order, so the rows
// equal those of gemm(g) bit for bit (a loop split by batch rows relies on it).
// gemmRows's blocks must start at a multiple of this (1 or 4) for rows to equal gemm's:
// the kernels of an M-row product with a transposed B sum 4-row groups their own way.
std::ptrdiff_t productRowGroup(std::ptrdiff_t M, bool transB);

// With packedB (packOperandB of g), B is not packed again.
template <typename T>
void gemmRows(const Gemm<T>& g, std::ptrdiff_t i0, std::ptrdiff_t i1, const T* packedB = nullptr);

// A loop multiplies the same B at every step: where g's kernels pack B (the packed path),
// it can be packed once per run. The elements packOperandB writes (0: g does not pack B).
template <typename T>
std::size_t packedOperandSize(const Gemm<T>& g);
// op(B) into the panels the packed path reads, every block in its order.
template <typename T>
void packOperandB(const Gemm<T>& g, T* out);

// Whether gemm splits an M×K·K×N product over the pool (see parallelThreshold).
bool productSplits(std::ptrdiff_t M, std::ptrdiff_t N, std::ptrdiff_t K);

// Products below this many multiply-adds run on one thread (measured: see README).
extern std::ptrdiff_t parallelThreshold;

}  // namespace tapestry
