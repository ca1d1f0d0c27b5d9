// Kernels run with IEEE subnormals whatever the calling thread's floating-point mode:
// another library loaded into the process may have set flush-to-zero / denormals-are-zero
// — which would turn subnormal inputs and results into 0.
// The guard clears both bits for the duration of a call and restores the caller's mode.
#pragma once
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace tapestry {

class IeeeMode {
 public:
#if defined(__x86_64__) || defined(__i386__)
  IeeeMode() : saved_(_mm_getcsr()) {
    if (saved_ & kFlushBits) _mm_setcsr(saved_ & ~kFlushBits);
  }
  ~IeeeMode() {
    if (saved_ & kFlushBits) _mm_setcsr(saved_);
  }

 private:
  static constexpr unsigned kFlushBits = 0x8040;  // FTZ (bit 15) and DAZ (bit 6)
  unsigned saved_;
#endif
};

}  // namespace tapestry
