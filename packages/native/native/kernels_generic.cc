// The kernels for the generic target (compile flags in binding.gyp).
#define TAPESTRY_ISA generic
#define TAPESTRY_ISA_NAME "generic"
#define TAPESTRY_TABLE genericKernels
#define TAPESTRY_VECTOR_BYTES 16
#define TAPESTRY_MR 4
#include "kernels_impl.h"
