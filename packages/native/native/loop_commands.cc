// The command kinds of a step list (records in loop.cc), run whole or by batch rows. A
// row-split run relies on loop_partition.cc's check: each command's rows read only their
// own rows of what the loop writes, so running a command on a range of rows is running
// the same kernel on a part of its output — products by the same kernel path
// (gemmRows), programs on an element range, copies and fills on the rows' elements.
#include "loop_commands.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include <string>

#include "cpu.h"
#include "gemm.h"
#include "program_run.h"

namespace tapestry {
namespace {

template <typename T>
Gemm<T> productOf(const StepList& list, const std::vector<std::ptrdiff_t>& g) {
  std::ptrdiff_t M = g[3], N = g[4], K = g[5];
  bool ta = g[6] != 0, tb = g[7] != 0;
  return Gemm<T>{M, N, K, static_cast<const T*>(list.arrays[g[0]].data), ta ? M : K, ta,
                 static_cast<const T*>(list.arrays[g[1]].data), tb ? K : N, tb, static_cast<T*>(list.arrays[g[2]].data), N, g[8] != 0};
}

// Elements [lo, hi) of a broadcast's output: an odometer over the output's axes, the
// source index moving by each axis's stride.
template <typename T>
void broadcastRange(const StepList& list, const std::vector<std::ptrdiff_t>& g, std::ptrdiff_t lo, std::ptrdiff_t hi) {
  const T* src = static_cast<const T*>(list.arrays[g[0]].data);
  T* dst = static_cast<T*>(list.arrays[g[1]].data);
  std::ptrdiff_t rank = g[2];
  const std::ptrdiff_t* size = g.data() + 3;
  const std::ptrdiff_t* stride = size + rank;
  std::ptrdiff_t index[8] = {0};
  std::ptrdiff_t s = 0;
  for (std::ptrdiff_t a = rank - 1, rest = lo; a >= 0; a--) {
    index[a] = rest % size[a];
    rest /= size[a];
    s += index[a] * stride[a];
  }
  for (std::ptrdiff_t j = lo; j < hi; j++) {
    dst[j] = src[s];
    for (std::ptrdiff_t a = rank - 1; a >= 0; a--) {
      s += stride[a];
      if (++index[a] < size[a]) break;
      s -= stride[a] * size[a];
      index[a] = 0;
    }
  }
}

void broadcast(const StepList& list, const std::vector<std::ptrdiff_t>& g, std::ptrdiff_t lo, std::ptrdiff_t hi) {
  if (list.arrays[g[0]].dtype == 1) broadcastRange<uint64_t>(list, g, lo, hi);
  else broadcastRange<uint32_t>(list, g, lo, hi);
}

// Copy run r at `step`, restricted to destination elements [lo, hi).
void copyPart(const StepList& list, const std::vector<std::ptrdiff_t>& g, std::ptrdiff_t step, std::ptrdiff_t r, std::ptrdiff_t lo, std::ptrdiff_t hi) {
  const StepArray& src = list.arrays[g[0]];
  const StepArray& dst = list.arrays[g[3]];
  std::size_t bytes = elementBytes(src.dtype);
  std::ptrdiff_t s = g[1] + step * g[8] + r * g[2], d = g[4] + step * g[9] + r * g[5];
  lo = std::max(lo, d);
  hi = std::min(hi, d + g[7]);
  if (lo < hi)
    std::memcpy(static_cast<char*>(dst.data) + lo * bytes, static_cast<const char*>(src.data) + (s + lo - d) * bytes, static_cast<std::size_t>(hi - lo) * bytes);
}

// Copy run r at `step`, whole.
inline void copyRun(const StepList& list, const std::vector<std::ptrdiff_t>& g, std::ptrdiff_t step, std::ptrdiff_t r) {
  std::size_t bytes = elementBytes(list.arrays[g[0]].dtype);
  std::ptrdiff_t s = g[1] + step * g[8] + r * g[2], d = g[4] + step * g[9] + r * g[5];
  std::memcpy(static_cast<char*>(list.arrays[g[3]].data) + d * bytes, static_cast<const char*>(list.arrays[g[0]].data) + s * bytes, static_cast<std::size_t>(g[7]) * bytes);
}

// Calls fn(lo, hi) for each span of array a's elements that rows [b0, b1) own, within [from, to).
template <typename F>
void forRowSpans(const StepList& list, std::ptrdiff_t a, std::ptrdiff_t b0, std::ptrdiff_t b1, std::ptrdiff_t from, std::ptrdiff_t to, F fn) {
  const RowLayout& l = list.partition.layouts[a];
  const std::ptrdiff_t B = list.partition.rows, slab = B * l.inner;
  if (from >= to) return;
  for (std::ptrdiff_t o = from / slab, last = (to - 1) / slab; o <= last; o++) {
    std::ptrdiff_t lo = std::max(from, (o * B + b0) * l.inner), hi = std::min(to, (o * B + b1) * l.inner);
    if (lo < hi) fn(lo, hi);
  }
}

void gather(const StepList& list, const std::vector<std::ptrdiff_t>& g) {
  const StepArray& table = list.arrays[g[0]];
  const StepArray& indices = list.arrays[g[1]];
  const StepArray& dst = list.arrays[g[2]];
  std::ptrdiff_t outer = g[3], size = g[4], inner = g[5], n = static_cast<std::ptrdiff_t>(indices.length);
  const int32_t* idx = static_cast<const int32_t*>(indices.data);
  for (std::ptrdiff_t i = 0; i < n; i++)
    if (idx[i] < 0 || idx[i] >= size)
      throw IndexOutOfRange("gather: index " + std::to_string(idx[i]) + " is out of range [0, " + std::to_string(size) + ")");
  std::size_t bytes = elementBytes(table.dtype), row = static_cast<std::size_t>(inner) * bytes;
  const char* from = static_cast<const char*>(table.data);
  char* to = static_cast<char*>(dst.data);
  for (std::ptrdiff_t o = 0; o < outer; o++)
    for (std::ptrdiff_t i = 0; i < n; i++) std::memcpy(to + (o * n + i) * row, from + (o * size + idx[i]) * row, row);
}

void softmax(const StepList& list, const std::vector<std::ptrdiff_t>& g) {
  const StepArray& src = list.arrays[g[0]];
  const StepArray& dst = list.arrays[g[1]];
  std::size_t rows = static_cast<std::size_t>(g[2]), n = static_cast<std::size_t>(g[3]);
  if (src.dtype == 0) kernels().softmax32(static_cast<const float*>(src.data), static_cast<float*>(dst.data), rows, n, g[4] != 0);
  else kernels().softmax64(static_cast<const double*>(src.data), static_cast<double*>(dst.data), rows, n, g[4] != 0);
}

}  // namespace

void runCommand(const StepList& list, const StepCommand& c, std::ptrdiff_t step) {
  const auto& g = c.args;
  switch (c.op) {
    case STEP_GEMM:
      if (list.arrays[g[0]].dtype == 0) gemm(productOf<float>(list, g));
      else gemm(productOf<double>(list, g));
      return;
    case STEP_PROGRAM:
      runProgram(*c.program, c.operands.data(), c.operands.data() + c.program->inputs, static_cast<std::size_t>(g[0]));
      return;
    case STEP_COPY:
      for (std::ptrdiff_t r = 0; r < g[6]; r++) copyRun(list, g, step, r);
      return;
    case STEP_ZERO: {
      const StepArray& dst = list.arrays[g[0]];
      std::memset(dst.data, 0, dst.length * elementBytes(dst.dtype));
      return;
    }
    case STEP_BROADCAST:
      broadcast(list, g, 0, static_cast<std::ptrdiff_t>(list.arrays[g[1]].length));
      return;
    case STEP_GATHER:
      gather(list, g);
      return;
    case STEP_SOFTMAX:
      softmax(list, g);
      return;
  }
}

void packOperands(const StepList& list) {
  list.packed.resize(list.commands.size());
  for (std::size_t i = 0; i < list.commands.size(); i++) {
    const StepCommand& c = list.commands[i];
    if (c.op != STEP_GEMM) continue;
    auto& slot = list.packed[i];
    if (!slot) slot = std::make_unique<PackedOperand>();
    bool single = list.arrays[c.args[0]].dtype == 0;
    if (single) {
      Gemm<float> g = productOf<float>(list, c.args);
      std::size_t n = packedOperandSize(g);
      if (n > 0 && slot->reserve(n * sizeof(float)) != nullptr) packOperandB(g, static_cast<float*>(slot->data));
      else slot.reset();
    } else {
      Gemm<double> g = productOf<double>(list, c.args);
      std::size_t n = packedOperandSize(g);
      if (n > 0 && slot->reserve(n * sizeof(double)) != nullptr) packOperandB(g, static_cast<double*>(slot->data));
      else slot.reset();
    }
  }
}

void runCommandRows(const StepList& list, std::size_t command, std::ptrdiff_t step, std::ptrdiff_t b0, std::ptrdiff_t b1, const void* packedB) {
  const StepCommand& c = list.commands[command];
  const auto& g = c.args;
  switch (c.op) {
    case STEP_GEMM:
      if (list.arrays[g[0]].dtype == 0) gemmRows(productOf<float>(list, g), b0, b1, static_cast<const float*>(packedB));
      else gemmRows(productOf<double>(list, g), b0, b1, static_cast<const double*>(packedB));
      return;
    case STEP_PROGRAM: {
      std::size_t inner = static_cast<std::size_t>(g[0] / list.partition.rows);
      runProgramRange(*c.program, c.operands.data(), c.operands.data() + c.program->inputs, b0 * inner, b1 * inner);
      return;
    }
    case STEP_COPY:  // each run's elements that the rows own
      if (std::ptrdiff_t m = list.partition.runsPerRow[command]; m > 0) {
        for (std::ptrdiff_t r = b0 * m; r < b1 * m; r++) copyRun(list, g, step, r);
        return;
      }
      for (std::ptrdiff_t r = 0, at = g[4] + step * g[9]; r < g[6]; r++, at += g[5])
        forRowSpans(list, g[3], b0, b1, at, at + g[7], [&](std::ptrdiff_t lo, std::ptrdiff_t hi) { copyPart(list, g, step, r, lo, hi); });
      return;
    case STEP_ZERO: {
      const StepArray& dst = list.arrays[g[0]];
      std::size_t bytes = elementBytes(dst.dtype);
      forRowSpans(list, g[0], b0, b1, 0, static_cast<std::ptrdiff_t>(dst.length),
                  [&](std::ptrdiff_t lo, std::ptrdiff_t hi) { std::memset(static_cast<char*>(dst.data) + lo * bytes, 0, static_cast<std::size_t>(hi - lo) * bytes); });
      return;
    }
    case STEP_BROADCAST:
      forRowSpans(list, g[1], b0, b1, 0, static_cast<std::ptrdiff_t>(list.arrays[g[1]].length),
                  [&](std::ptrdiff_t lo, std::ptrdiff_t hi) { broadcast(list, g, lo, hi); });
      return;
  }
}

}  // namespace tapestry
