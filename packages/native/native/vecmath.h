// Vectorisable exp, log, tanh and sigmoid on doubles. Each is a branch-free polynomial
// over a reduced argument, written with plain loads, integer bit operations and selects
// so the compiler turns a loop over them into SIMD code at the width of the target it is
// compiled for (AVX-512, AVX2, or SSE2). IEEE semantics are kept: NaN and ±Inf
// propagate, subnormal inputs and results are computed, nothing is flushed to zero.
// Accuracy (measured by the tests against correctly rounded values): within 1 ulp for
// exp, log and tanh, 2 ulp for sigmoid.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

namespace tapestry {

inline double bitsToDouble(uint64_t u) { double d; std::memcpy(&d, &u, 8); return d; }
inline uint64_t doubleToBits(double d) { uint64_t u; std::memcpy(&u, &d, 8); return u; }

// e^r - 1 for |r| ≤ ln2/2 (+ a margin): Taylor series to r^13, whose truncation error
// (0.35^14/14! ≈ 5e-18) is far below half an ulp; Horner's rule in double.
inline double expm1Reduced(double r) {
  double p = 1.0 / 6227020800.0;           // 1/13!
  p = p * r + 1.0 / 479001600.0;           // 1/12!
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  return r + (r * r) * p;                  // r + r²·(1/2 + r/6 + …)
}

// Cody–Waite reduction: x = k·ln2 + r with ln2 split in a high part exact in 32 bits and
// a low part, so k·LN2_HI is exact for |k| < 2^21 and r carries no cancellation error.
constexpr double LN2_HI = 6.93147180369123816490e-01;
constexpr double LN2_LO = 1.90821492927058770002e-10;
constexpr double INV_LN2 = 1.44269504088896338700e+00;

// Round to the nearest integer for |v| < 2^51: adding 1.5·2^52 pushes the fraction bits
// out of the mantissa. (std::nearbyint does not vectorise: it must not raise inexact.)
constexpr double ROUNDER = 6755399441055744.0;
inline double roundToInt(double v) { return (v + ROUNDER) - ROUNDER; }

// 2^k for integer-valued k in [-1074, 1024] as the product of two powers of two, so
// results in the subnormal range and up to the overflow threshold are exact.
inline double scaleByPow2(double y, double k) {
  double k1 = roundToInt(k * 0.5 - 0.25);  // floor(k / 2) for integer k
  double k2 = k - k1;
  // k + 1023 lands in the low mantissa bits of k + 1023 + 2^52 (no float→int conversion,
  // which AVX2 cannot vectorise); shifted into the exponent field it is 2^k.
  double s1 = bitsToDouble(doubleToBits(k1 + 4503599627371519.0) << 52);
  double s2 = bitsToDouble(doubleToBits(k2 + 4503599627371519.0) << 52);
  return y * s1 * s2;
}

inline double vexp(double x) {
  // Clamp keeps the integer conversion in range; the selects below restore the limits.
  double xc = x > 709.8 ? 709.8 : (x < -745.2 ? -745.2 : x);
  double k = roundToInt(xc * INV_LN2);
  double r = (xc - k * LN2_HI) - k * LN2_LO;
  double y = scaleByPow2(1.0 + expm1Reduced(r), k);
  y = x > 709.782712893384 ? HUGE_VAL : y;
  y = x < -745.1332191019412 ? 0.0 : y;
  return x != x ? x : y;
}

// e^x - 1, accurate also near 0 (tanh and softplus need it there).
inline double vexpm1(double x) {
  double xc = x > 709.8 ? 709.8 : (x < -40.0 ? -40.0 : x);
  double k = roundToInt(xc * INV_LN2);
  double r = (xc - k * LN2_HI) - k * LN2_LO;
  double p = expm1Reduced(r);
  // 2^k·(p + 1) − 1 = 2^k·p + (2^k − 1); for k = 0 it is p itself, exact near 0.
  double two_k = scaleByPow2(1.0, k);
  double y = two_k * p + (two_k - 1.0);
  y = x > 709.782712893384 ? HUGE_VAL : y;
  y = x < -40.0 ? -1.0 : y;
  return x != x ? x : y;
}

// log x = k·ln2 + log m with m ∈ [√½, √2): log m = 2·atanh(f) with f = (m−1)/(m+1),
// |f| ≤ 0.1716, as the odd series 2f(1 + f²/3 + f⁴/5 + …) to f^21 (truncation < 1e-18).
inline double vlog(double x) {
  // Subnormals are scaled into the normal range first (2^54), then corrected.
  bool sub = x < 2.2250738585072014e-308;
  double xs = sub ? x * 18014398509481984.0 : x;
  uint64_t u = doubleToBits(xs);
  // The biased exponent as a double, through the 2^52 trick again.
  double e = bitsToDouble(((u >> 52) & 0x7ff) | 0x4330000000000000ULL) - 4503599627371519.0;
  double m = bitsToDouble((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  bool big = m > 1.4142135623730951;
  m = big ? m * 0.5 : m;
  double k = e + (big ? 1.0 : 0.0) - (sub ? 54.0 : 0.0);
  double f = (m - 1.0) / (m + 1.0);
  double f2 = f * f;
  double s = 1.0 / 21.0;
  s = s * f2 + 1.0 / 19.0;
  s = s * f2 + 1.0 / 17.0;
  s = s * f2 + 1.0 / 15.0;
  s = s * f2 + 1.0 / 13.0;
  s = s * f2 + 1.0 / 11.0;
  s = s * f2 + 1.0 / 9.0;
  s = s * f2 + 1.0 / 7.0;
  s = s * f2 + 1.0 / 5.0;
  s = s * f2 + 1.0 / 3.0;
  // 2f = (m−1) − f·(m−1), keeping the leading term exact: log m = (m−1) − f(m−1) + 2f·f²·s.
  double hm1 = m - 1.0;
  double twoF = 2.0 * f;
  double logm = hm1 - f * hm1 + twoF * f2 * s;
  double y = k * LN2_HI + (logm + k * LN2_LO);
  y = x == 0.0 ? -HUGE_VAL : y;
  y = x < 0.0 ? NAN : y;
  y = x == HUGE_VAL ? HUGE_VAL : y;
  return x != x ? x : y;
}

// tanh x = expm1(2x) / (expm1(2x) + 2), odd; 1 beyond |x| = 22 where it rounds to 1.
inline double vtanh(double x) {
  double a = std::fabs(x);
  double e = vexpm1(2.0 * (a > 22.0 ? 22.0 : a));
  double t = e / (e + 2.0);
  t = a > 22.0 ? 1.0 : t;
  t = std::copysign(t, x);
  return x != x ? x : t;
}

// σ(x) = 1 / (1 + e^−x) for x ≥ 0, e^x / (1 + e^x) for x < 0: e^−|x| never overflows,
// so σ keeps its relative accuracy down to the subnormal range (σ(−711) ≈ 7.5e−310).
inline double vsigmoid(double x) {
  double e = vexp(-std::fabs(x));
  return (x < 0 ? e : 1.0) / (1.0 + e);
}

}  // namespace tapestry
