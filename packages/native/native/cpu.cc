#include "cpu.h"

#include <cstdlib>

namespace tapestry {

static bool supports(const std::string& name) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (name == "avx512") return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  if (name == "avx2") return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  return name == "generic";
}

static const Kernels* table(const std::string& name) {
#if defined(__x86_64__) || defined(__i386__)
  if (name == "avx512") return &avx512Kernels();
  if (name == "avx2") return &avx2Kernels();
#endif
  if (name == "generic") return &genericKernels();
  return nullptr;
}

static const Kernels*& active() {
  static const Kernels* current = [] {
    const char* forced = std::getenv("TAPESTRY_NATIVE_ISA");
    if (forced != nullptr && supports(forced) && table(forced) != nullptr) return table(forced);
    for (const char* name : {"avx512", "avx2", "generic"})
      if (supports(name) && table(name) != nullptr) return table(name);
    return &genericKernels();
  }();
  return current;
}

const Kernels& kernels() { return *active(); }

bool selectKernels(const std::string& name) {
  if (!supports(name) || table(name) == nullptr) return false;
  active() = table(name);
  return true;
}

std::string supportedKernels() {
  std::string out;
  for (const char* name : {"avx512", "avx2", "generic"})
    if (supports(name) && table(name) != nullptr) out += (out.empty() ? "" : ",") + std::string(name);
  return out;
}

}  // namespace tapestry
