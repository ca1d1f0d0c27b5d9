// The machine's floating-point ceiling: one core running nothing but independent
// float32 fused multiply-adds, at each vector width the compiler targets (built with
// -O3 -march=native by bench/src/fma-peak.ts). Prints one JSON line:
//   {"results":[{"bits":512,"gflops":...},...]}
// Each width runs CHAINS independent accumulators, more than (FMA latency × FMA ports)
// on current x86 and ARM cores, so the loop is bound by throughput, not latency.
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

constexpr int CHAINS = 16;

template <int BYTES>
struct Vec {
  typedef float type __attribute__((vector_size(BYTES)));
};

// x ← x·m + a converges to a/(1−m) and stays a normal float: no subnormal slow path.
template <int BYTES>
double run(long iterations, float m, float a) {
  using V = typename Vec<BYTES>::type;
  V acc[CHAINS];
  V vm, va;
  for (int l = 0; l < BYTES / 4; l++) {
    vm[l] = m;
    va[l] = a;
  }
  for (int c = 0; c < CHAINS; c++)
    for (int l = 0; l < BYTES / 4; l++) acc[c][l] = 1.0f + 0.01f * static_cast<float>(c + l);
  auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 16
    for (int c = 0; c < CHAINS; c++) acc[c] = acc[c] * vm + va;  // contracted to one FMA
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  float sum = 0;
  for (int c = 0; c < CHAINS; c++)
    for (int l = 0; l < BYTES / 4; l++) sum += acc[c][l];
  if (sum != sum) std::printf("nan\n");  // uses the result
  double flops = 2.0 * CHAINS * (BYTES / 4) * static_cast<double>(iterations);
  return flops / seconds / 1e9;
}

// Best of many short repetitions (a few ms each, under one scheduler time slice): the
// figure is a ceiling, interference only lowers it, and on a busy machine some slices
// still run undisturbed.
constexpr int REPEATS = 50;

template <int BYTES>
double best(long iterations, float m, float a) {
  double top = 0;
  for (int r = 0; r < REPEATS; r++) {
    double g = run<BYTES>(iterations, m, a);
    if (g > top) top = g;
  }
  return top;
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = argc > 1 ? std::atol(argv[1]) : 1000000;
  // Runtime values, so the compiler cannot fold the loop.
  float m = argc > 2 ? static_cast<float>(std::atof(argv[2])) : 0.999f;
  float a = 0.001f;
  std::printf("{\"results\":[");
  const char* sep = "";
#if defined(__AVX512F__)
  std::printf("%s{\"bits\":512,\"gflops\":%.2f}", sep, best<64>(iterations, m, a));
  sep = ",";
#endif
#if defined(__AVX__) && defined(__FMA__)
  std::printf("%s{\"bits\":256,\"gflops\":%.2f}", sep, best<32>(iterations, m, a));
  sep = ",";
#endif
#if defined(__FMA__) || defined(__ARM_NEON) || defined(__ARM_FEATURE_FMA)
  std::printf("%s{\"bits\":128,\"gflops\":%.2f}", sep, best<16>(iterations, m, a));
#endif
  std::printf("]}\n");
  return 0;
}
