// Sums over the middle axis of an [outer, n, inner] view, included by kernels_impl.h
// inside the instruction set's namespace. Each output element is summed in double in
// the order of k, as the TypeScript kernel does, so the results are the same bits; the
// vector lanes run across `inner` (or across four rows at once when inner = 1).
template <typename T>
void sumMiddle(const T* x, T* out, std::size_t outer, std::size_t n, std::size_t inner) {
  if (inner == 1) {
    std::size_t o = 0;
    for (; o + 4 <= outer; o += 4) {
      const T* r = x + o * n;
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (std::size_t k = 0; k < n; k++) {
        s0 += r[k];
        s1 += r[n + k];
        s2 += r[2 * n + k];
        s3 += r[3 * n + k];
      }
      out[o] = static_cast<T>(s0);
      out[o + 1] = static_cast<T>(s1);
      out[o + 2] = static_cast<T>(s2);
      out[o + 3] = static_cast<T>(s3);
    }
    for (; o < outer; o++) {
      double s = 0;
      for (std::size_t k = 0; k < n; k++) s += x[o * n + k];
      out[o] = static_cast<T>(s);
    }
    return;
  }
  constexpr std::size_t BLOCK = 512;  // accumulators in L1
  alignas(64) double acc[BLOCK];
  for (std::size_t o = 0; o < outer; o++) {
    for (std::size_t i0 = 0; i0 < inner; i0 += BLOCK) {
      std::size_t len = std::min(BLOCK, inner - i0);
      for (std::size_t i = 0; i < len; i++) acc[i] = 0;
      for (std::size_t k = 0; k < n; k++) {
        const T* row = x + (o * n + k) * inner + i0;
        for (std::size_t i = 0; i < len; i++) acc[i] += static_cast<double>(row[i]);
      }
      for (std::size_t i = 0; i < len; i++) out[o * inner + i0 + i] = static_cast<T>(acc[i]);
    }
  }
}
