// Packing panels for the packed tile kernel: an MR-row panel of an untransposed A (kc
// columns of MR values), or an NR-column panel of a transposed B (kc rows of NR values,
// read from NR rows of B) — the same transposition, WIDTH = MR or NR. Included by kernels_impl.h inside the instruction set's namespace.
// Read row by row and written with a stride of MR, packing was one element per cycle and
// a tenth of a 1024² product; here W×W blocks are transposed in registers (log2 W rounds
// of lane shuffles) and written whole.

// One butterfly round of a W×W transpose: swaps bit H of the row index with bit H of the
// lane index, for the pair of rows (x, y) whose indices differ in bit H.
template <typename T, int H, std::size_t... I>
inline typename Vec<T>::type butterflyLow(typename Vec<T>::type x, typename Vec<T>::type y, std::index_sequence<I...>) {
  constexpr int W = Vec<T>::W;
  return __builtin_shufflevector(x, y, ((I & H) == 0 ? static_cast<int>(I) : static_cast<int>(I) - H + W)...);
}
template <typename T, int H, std::size_t... I>
inline typename Vec<T>::type butterflyHigh(typename Vec<T>::type x, typename Vec<T>::type y, std::index_sequence<I...>) {
  constexpr int W = Vec<T>::W;
  return __builtin_shufflevector(x, y, ((I & H) == 0 ? static_cast<int>(I) + H : static_cast<int>(I) + W)...);
}

template <typename T, int H>
inline void transposeRounds(typename Vec<T>::type* rows) {
  constexpr int W = Vec<T>::W;
  using Lanes = std::make_index_sequence<W>;
  for (int i = 0; i < W; i++) {
    if ((i & H) != 0) continue;
    auto x = rows[i], y = rows[i + H];
    rows[i] = butterflyLow<T, H>(x, y, Lanes{});
    rows[i + H] = butterflyHigh<T, H>(x, y, Lanes{});
  }
  if constexpr (H > 1) transposeRounds<T, H / 2>(rows);
}

// out[k·WIDTH + i] = a[i·lda + k] for i < m (zero for m ≤ i < WIDTH), k < kc. Writes up
// to W elements past the panel's end when W does not divide WIDTH (the caller's buffer
// has room; the next panel, packed after this one, overwrites them).
template <typename T, int WIDTH>
void packPanel(const T* a, std::ptrdiff_t lda, int m, std::ptrdiff_t kc, T* out) {
  using V = typename Vec<T>::type;
  constexpr int W = Vec<T>::W;
  constexpr int G = (WIDTH + W - 1) / W;  // groups of W rows
  std::ptrdiff_t k = 0;
  for (; k + W <= kc; k += W) {
    V rows[G][W];
    for (int g = 0; g < G; g++) {
      for (int i = 0; i < W; i++) {
        int row = g * W + i;
        rows[g][i] = row < m ? load(a + row * lda + k) : V{};
      }
      if constexpr (W > 1) transposeRounds<T, W / 2>(rows[g]);
    }
    // Row l of a transposed group is column k + l of the panel; a group's store may run
    // past WIDTH into the next column, which the next store (in this order) overwrites.
    for (int l = 0; l < W; l++)
      for (int g = 0; g < G; g++) store(out + (k + l) * WIDTH + g * W, rows[g][l]);
  }
  for (; k < kc; k++)
    for (int i = 0; i < WIDTH; i++) out[k * WIDTH + i] = i < m ? a[i * lda + k] : T(0);
}
