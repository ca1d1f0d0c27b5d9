// Decoding and running element-wise programs.
#pragma once
#include <cstddef>
#include <cstdint>
#include "program.h"

namespace tapestry {

Program decodeProgram(const int32_t* code, std::size_t codeLength, const double* params, std::size_t paramsLength);
// Writes the n elements of every output; input k is read at j mod in[k].size.
void runProgram(const Program& p, const Operand* in, const Operand* out, std::size_t n);
// Elements [begin, end) of the same, on the calling thread only; element j is computed
// as by runProgram whatever the range.
void runProgramRange(const Program& p, const Operand* in, const Operand* out, std::size_t begin, std::size_t end);
// Programs over fewer elements than this run on one thread.
extern std::size_t programParallelThreshold;

}  // namespace tapestry
