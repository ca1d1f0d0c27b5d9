// Runtime CPU dispatch: the widest kernel table this CPU runs.
#pragma once
#include <string>
#include "kernels.h"

namespace tapestry {

// The active kernel table (AVX-512F, else AVX2+FMA, else the portable baseline), or the
// one named by TAPESTRY_NATIVE_ISA when the CPU supports it.
const Kernels& kernels();
// Switches to the named table ("avx512", "avx2", "generic"); false if the CPU lacks it.
bool selectKernels(const std::string& name);
// The tables this CPU supports, widest first, comma-separated.
std::string supportedKernels();

}  // namespace tapestry
