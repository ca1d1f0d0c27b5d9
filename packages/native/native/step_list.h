// A bound step list (see loop.cc): the arrays it reads and writes, its decoded commands,
// and how a run may split it by batch rows (loop_partition.h).
#pragma once
#include <napi.h>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels.h"
#include "program.h"

namespace tapestry {

struct StepArray {
  void* data;
  int dtype;  // 0 float32, 1 float64, 2 int32
  std::size_t length;
};

enum StepOp : int32_t { STEP_GEMM = 0, STEP_PROGRAM = 1, STEP_COPY = 2, STEP_ZERO = 3, STEP_BROADCAST = 4, STEP_GATHER = 5, STEP_SOFTMAX = 6 };

struct StepCommand {
  int32_t op;
  std::vector<std::ptrdiff_t> args;  // the record's fields after the opcode (see loop.cc)
  const Program* program = nullptr;  // points into StepList::programs
  std::vector<Operand> operands;
  std::vector<std::ptrdiff_t> operandArrays;  // a program's operands as array indices
};

// How an array written in the loop divides into batch rows: element e belongs to row
// (e / inner) mod B, i.e. the array is viewed as [outer, B, inner]. outer 0: not written.
struct RowLayout {
  std::ptrdiff_t outer = 0, inner = 0;
};

// Whether a run may give each thread its own batch rows through every command of every
// step (loop_partition.cc decides at bind time), and why not when it may not.
struct RowPartition {
  std::ptrdiff_t rows = 0;         // B; 0 when the list stays serial
  std::vector<RowLayout> layouts;  // per array
  // Per command: for a copy whose runs each lie in one batch row — run r in row r / m at
  // every step — m (rows [b0, b1) are then runs [b0·m, b1·m)); else 0.
  std::vector<std::ptrdiff_t> runsPerRow;
  double workPerStep = 0;          // multiply-adds and element operations, to judge whether a split pays
  std::string reason;              // why the list stays serial, or how it splits
};

// A product's right operand packed once per run (gemm.h, packOperandB), 64-byte aligned.
struct PackedOperand {
  void* data = nullptr;
  std::size_t bytes = 0;
  PackedOperand() = default;
  PackedOperand(const PackedOperand&) = delete;
  PackedOperand& operator=(const PackedOperand&) = delete;
  ~PackedOperand() { std::free(data); }
  void* reserve(std::size_t need) {
    if (need > bytes) {
      std::free(data);
      bytes = (need + 63) / 64 * 64;
      data = std::aligned_alloc(64, bytes);
      if (data == nullptr) bytes = 0;
    }
    return data;
  }
};

struct StepList {
  std::vector<StepArray> arrays;
  std::vector<napi_ref> refs;
  std::vector<std::unique_ptr<Program>> programs;
  std::vector<StepCommand> commands;
  std::ptrdiff_t steps = 1;  // runs may use steps 0 … steps−1
  RowPartition partition;
  // Per command: its product's B packed for the current run (split runs only).
  mutable std::vector<std::unique_ptr<PackedOperand>> packed;
  napi_env env = nullptr;
  ~StepList() {
    for (napi_ref r : refs) napi_delete_reference(env, r);
  }
};

// An index outside a gather's table: thrown from a serial run, reported to JavaScript as
// a RangeError that the binding turns into the op's ShapeError. (A list with a gather
// never splits by rows, so it is never thrown on a pool thread.)
struct IndexOutOfRange : std::out_of_range {
  using std::out_of_range::out_of_range;
};

inline std::size_t elementBytes(int dtype) { return dtype == 1 ? 8 : 4; }

}  // namespace tapestry
