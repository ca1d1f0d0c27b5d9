// The kernels one instruction set provides. kernels_impl.h is compiled once per target
// (AVX-512F, AVX2+FMA, and the baseline with no flags) into its own namespace, each
// filling one of these tables; cpu.cc picks the widest table the CPU supports.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tapestry {

constexpr int MAX_MR = 16;

// c[m×NR] (=|+=) Σ_k a(i,k)·b(k,·), a(i,k) at a[i·rsa + k·csa], row k of b at b + k·ldb
// (NR contiguous elements). One function per row count m = 1 … MR.
template <typename T>
using TileKernel = void (*)(std::ptrdiff_t K, const T* a, std::ptrdiff_t rsa, std::ptrdiff_t csa, const T* b, std::ptrdiff_t ldb,
                            T* c, std::ptrdiff_t ldc, bool accumulate);

// c[i·ldc + j] (=|+=) Σ_k a[i·lda + k]·b[j·ldb + k] for i < m ≤ 4, j < n ≤ 4 (or m = 1,
// n ≤ 16): dot products
// along contiguous rows, for products with few rows and a transposed right operand.
template <typename T>
using DotKernel = void (*)(std::ptrdiff_t K, const T* a, std::ptrdiff_t lda, int m, const T* b, std::ptrdiff_t ldb, int n,
                           T* c, std::ptrdiff_t ldc, bool accumulate);

// Where an element-wise operand lives: a float32, float64 or int32 array of `size`
// elements, read (inputs) at index j mod size.
struct Operand {
  void* data;
  int dtype;  // 0 float32, 1 float64, 2 int32
  std::size_t size;
};

enum OpCode : int32_t { OP_UNARY = 0, OP_BINARY = 1, OP_WHERE = 2, OP_CONSTANT = 3 };

struct Instruction {
  int32_t op, kind, a, b, c;
  double p0, p1;
};

struct Program;  // program.h

struct Kernels {
  const char* name;
  int mr;               // rows of the main tile
  int nr32, nr64;       // columns of the main tile (float32, float64)
  TileKernel<float> tile32[MAX_MR + 1];
  TileKernel<double> tile64[MAX_MR + 1];
  TileKernel<float> packed32;    // the MR-row tile over a packed A panel (strides ignored)
  TileKernel<double> packed64;
  // An MR-row panel of an untransposed A, packed for the packed tile (m ≤ MR live rows;
  // writes up to one vector past the panel).
  void (*packPanel32)(const float* a, std::ptrdiff_t lda, int m, std::ptrdiff_t kc, float* out);
  void (*packPanel64)(const double* a, std::ptrdiff_t lda, int m, std::ptrdiff_t kc, double* out);
  // An NR-column panel of a transposed B (m ≤ NR live columns, read from B's rows).
  void (*packPanelB32)(const float* b, std::ptrdiff_t ldb, int n, std::ptrdiff_t kc, float* out);
  void (*packPanelB64)(const double* b, std::ptrdiff_t ldb, int n, std::ptrdiff_t kc, double* out);
  DotKernel<float> dot32;
  DotKernel<double> dot64;
  // out[o·inner + i] = Σ_k x[(o·n + k)·inner + i], in double, in order of k.
  void (*sum32)(const float* x, float* out, std::size_t outer, std::size_t n, std::size_t inner);
  void (*sum64)(const double* x, double* out, std::size_t outer, std::size_t n, std::size_t inner);
  // Softmax (or log-softmax) of each of `rows` contiguous rows of n elements.
  void (*softmax32)(const float* x, float* out, std::size_t rows, std::size_t n, bool logarithm);
  void (*softmax64)(const double* x, double* out, std::size_t rows, std::size_t n, bool logarithm);
  // Runs elements [begin, end) of a program; `scratch` holds its registers.
  void (*runProgram)(const Program& p, const Operand* in, const Operand* out, std::size_t begin, std::size_t end, double* scratch);
};

const Kernels& avx512Kernels();
const Kernels& avx2Kernels();
const Kernels& genericKernels();

}  // namespace tapestry
