// The kernels for the avx512 target (compile flags in binding.gyp).
#define TAPESTRY_ISA avx512
#define TAPESTRY_ISA_NAME "avx512"
#define TAPESTRY_TABLE avx512Kernels
#define TAPESTRY_VECTOR_BYTES 64
#define TAPESTRY_MR 14
#include "kernels_impl.h"
