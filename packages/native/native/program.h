// A validated element-wise program in native form (see core's ElementwiseProgram).
#pragma once
#include <vector>
#include "kernels.h"

namespace tapestry {

// Elements per block: every register is one block of doubles, so a program with r
// registers keeps r·BLOCK·8 bytes live — 128 keeps 40 registers inside a 48 KB L1.
constexpr std::size_t BLOCK = 128;

struct Program {
  int inputs = 0;
  std::vector<Instruction> instructions;
  std::vector<int32_t> outputs;
  int registers() const { return inputs + static_cast<int>(instructions.size()); }
};

}  // namespace tapestry
