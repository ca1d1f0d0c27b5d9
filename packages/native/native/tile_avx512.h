// The packed float tile for AVX-512 (14 rows × 32 columns), written with intrinsics.
// The generic tile (vector extensions) compiles, with GCC, to a broadcast into a register
// before each pair of multiply-adds, and the register pressure of 28 accumulators then
// spills one to the stack every four steps; here every multiply-add takes A's value as an
// embedded broadcast from memory, so a step is 2 loads of B and 28 FMAs and the 28
// accumulators, the 2 B vectors and nothing else live in the 32 registers. Included by
// kernels_impl.h inside the avx512 namespace; same arithmetic as the generic tile (one
// fused multiply-add per term, in the same order), so the same bits.
#include <immintrin.h>

static_assert(MR == 14, "the AVX-512 float tile is 14 rows");

inline void tilePackedFloat512(std::ptrdiff_t K, const float* a, std::ptrdiff_t, std::ptrdiff_t, const float* b, std::ptrdiff_t ldb, float* c,
                               std::ptrdiff_t ldc, bool accumulate) {
  __m512 acc[14][2];
  for (int i = 0; i < 14; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int i = 0; i < 14; i++) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16), _MM_HINT_T0);
  }
  for (std::ptrdiff_t k = 0; k < K; k++) {
    const float* bk = b + k * ldb;
    _mm_prefetch(reinterpret_cast<const char*>(bk + 8 * ldb), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(bk + 8 * ldb + 16), _MM_HINT_T0);
    const __m512 b0 = _mm512_loadu_ps(bk), b1 = _mm512_loadu_ps(bk + 16);
    const float* ak = a + k * 14;
#pragma GCC unroll 14
    for (int i = 0; i < 14; i++) {
      const __m512 s = _mm512_set1_ps(ak[i]);
      acc[i][0] = _mm512_fmadd_ps(s, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(s, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < 14; i++) {
    float* p = c + i * ldc;
    if (accumulate) {
      _mm512_storeu_ps(p, _mm512_add_ps(_mm512_loadu_ps(p), acc[i][0]));
      _mm512_storeu_ps(p + 16, _mm512_add_ps(_mm512_loadu_ps(p + 16), acc[i][1]));
    } else {
      _mm512_storeu_ps(p, acc[i][0]);
      _mm512_storeu_ps(p + 16, acc[i][1]);
    }
  }
}
