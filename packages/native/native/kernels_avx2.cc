// The kernels for the avx2 target (compile flags in binding.gyp).
#define TAPESTRY_ISA avx2
#define TAPESTRY_ISA_NAME "avx2"
#define TAPESTRY_TABLE avx2Kernels
#define TAPESTRY_VECTOR_BYTES 32
#define TAPESTRY_MR 6
#include "kernels_impl.h"
