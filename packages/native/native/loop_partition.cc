// The soundness rule for splitting a bound loop by batch rows. A split run gives each
// thread rows [b0, b1) of the batch and runs every command of every step on those rows
// only, with no synchronisation until the run ends; that computes what the serial run
// computes exactly when
//   - every array written in the loop (product outputs, program outputs, copy, zero and
//     broadcast destinations) is viewed as [outer, B, inner] — a [B, H] state, a [B, T, H]
//     sequence or a time-major [T, B, H] history — so each element has one owning row;
//   - every command writes only elements of its thread's rows and reads, of arrays written
//     in the loop, only elements of the same rows. Arrays never written in the loop
//     (weights, biases, inputs, histories of an earlier loop) may be read anywhere.
// Per command: a product is row-local when its M rows are the batch rows of its output
// ([B, N]), its left operand is read-only or [B, K] in the same rows, and its right
// operand is read-only; a program when its outputs and its full-length inputs are [B, n/B]
// and every shorter (broadcast) input is read-only; a copy or broadcast when each element
// it writes reads only a read-only source or the same row of a written one (checked run
// by run); a zero fill always. Anything else — a weight gradient accumulated inside the
// loop, a reduction over the batch, a copy across rows — keeps the list serial.
#include "loop_partition.h"

#include <algorithm>
#include <string>

namespace tapestry {
namespace {

struct Analysis {
  const StepList& list;
  RowPartition& out;
  std::vector<bool> written;
  std::ptrdiff_t B = 0;

  bool fail(const std::string& why) {
    out.rows = 0;
    out.reason = "serial: " + why;
    return false;
  }
  RowLayout& layout(std::ptrdiff_t a) { return out.layouts[static_cast<std::size_t>(a)]; }
  std::ptrdiff_t length(std::ptrdiff_t a) const { return static_cast<std::ptrdiff_t>(list.arrays[static_cast<std::size_t>(a)].length); }

  // Gives array a the layout [outer, B, inner], or fails when it already has another.
  bool place(std::ptrdiff_t a, std::ptrdiff_t outer, std::ptrdiff_t inner, const char* what) {
    if (outer < 1 || inner < 1 || outer * B * inner != length(a)) return fail(std::string(what) + " does not divide into the batch rows");
    RowLayout& l = layout(a);
    if (l.outer == 0) l = RowLayout{outer, inner};
    else if (l.outer != outer || l.inner != inner) return fail(std::string(what) + " is viewed with two different row layouts");
    return true;
  }

  std::ptrdiff_t ownerRow(std::ptrdiff_t a, std::ptrdiff_t e) {
    const RowLayout& l = layout(a);
    return (e / l.inner) % B;
  }
  // Elements from e up to the next change of owning row (at least 1).
  std::ptrdiff_t sameRowRun(std::ptrdiff_t a, std::ptrdiff_t e) {
    const RowLayout& l = layout(a);
    return l.inner - e % l.inner;
  }

  bool markWrites() {
    written.assign(list.arrays.size(), false);
    for (const StepCommand& c : list.commands) {
      const auto& g = c.args;
      switch (c.op) {
        case STEP_GEMM: written[g[2]] = true; break;
        case STEP_PROGRAM:
          for (std::size_t k = static_cast<std::size_t>(c.program->inputs); k < c.operandArrays.size(); k++) written[c.operandArrays[k]] = true;
          break;
        case STEP_COPY: written[g[3]] = true; break;
        case STEP_ZERO: written[g[0]] = true; break;
        case STEP_BROADCAST: written[g[1]] = true; break;
        default:  // a command kind added later splits only once its rows are described here
          return fail("a command of kind " + std::to_string(c.op) + " has no row-split form");
      }
    }
    return true;
  }

  // Typed arrays can be views of one buffer: a written array must share memory with no other.
  bool disjointMemory() {
    std::vector<std::pair<const char*, std::size_t>> spans;
    for (std::size_t a = 0; a < list.arrays.size(); a++) {
      const StepArray& v = list.arrays[a];
      spans.emplace_back(static_cast<const char*>(v.data), a);
    }
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 0; i + 1 < spans.size(); i++) {
      const StepArray& v = list.arrays[spans[i].second];
      const char* end = spans[i].first + v.length * elementBytes(v.dtype);
      for (std::size_t j = i + 1; j < spans.size() && spans[j].first < end; j++) {
        if (list.arrays[spans[j].second].length == 0 || v.length == 0) continue;
        if (written[spans[i].second] || written[spans[j].second]) return fail("an array written in the loop shares memory with another");
      }
    }
    return true;
  }

  bool batchFromProducts() {
    for (const StepCommand& c : list.commands)
      if (c.op == STEP_GEMM) {
        B = c.args[3];
        break;
      }
    if (B < 1) return fail("no matrix product to set the batch rows");
    return true;
  }

  // Products and programs fix the layouts of what they touch.
  bool placeByKernels() {
    for (const StepCommand& c : list.commands) {
      const auto& g = c.args;
      if (c.op == STEP_GEMM) {
        std::ptrdiff_t M = g[3], N = g[4], K = g[5];
        if (M != B) return fail("a product of " + std::to_string(M) + " rows in a loop over a batch of " + std::to_string(B));
        if (written[g[1]]) return fail("a product's right operand is written in the loop (a sum over the batch)");
        if (!place(g[2], 1, N, "a product's output")) return false;
        if (written[g[0]] && (g[6] != 0 || !place(g[0], 1, K, "a product's left operand"))) return fail("a product's left operand is written in the loop and not [B, K]");
        out.workPerStep += static_cast<double>(M) * N * K;
      } else if (c.op == STEP_PROGRAM) {
        std::ptrdiff_t n = g[0];
        if (n % B != 0) return fail("a program over " + std::to_string(n) + " elements, not whole batch rows");
        for (std::size_t k = 0; k < c.operandArrays.size(); k++) {
          std::ptrdiff_t a = c.operandArrays[k];
          if (!written[a]) continue;
          if (length(a) != n) return fail("a program broadcasts an array written in the loop");
          if (!place(a, 1, n / B, "a program operand")) return false;
        }
        out.workPerStep += static_cast<double>(n) * static_cast<double>(std::max<std::size_t>(1, c.program->instructions.size()));
      }
    }
    return true;
  }

  // A copy's destination not placed by a kernel (a sequence or a history): one run per
  // step covering whole [B, inner] slabs, or B runs (or a multiple), one row each.
  bool placeCopyDestinations() {
    for (const StepCommand& c : list.commands) {
      if (c.op != STEP_COPY) continue;
      const auto& g = c.args;
      std::ptrdiff_t d = g[3], ds = g[5], rows = g[6], len = g[7];
      out.workPerStep += static_cast<double>(rows) * len;
      if (layout(d).outer != 0 || rows == 0 || len == 0) continue;
      if (rows == 1 && len % B == 0 && length(d) % len == 0) {
        if (!place(d, length(d) / len, len / B, "a copy's destination")) return false;
      } else if (rows % B == 0 && ds > 0 && length(d) % (B * ds * (rows / B)) == 0) {
        std::ptrdiff_t inner = ds * (rows / B);
        if (!place(d, length(d) / (B * inner), inner, "a copy's destination")) return false;
      } else {
        return fail("a copy's destination has no batch-row layout");
      }
    }
    for (std::size_t a = 0; a < list.arrays.size(); a++)
      if (written[a] && layout(static_cast<std::ptrdiff_t>(a)).outer == 0 &&
          !place(static_cast<std::ptrdiff_t>(a), 1, length(static_cast<std::ptrdiff_t>(a)) / B, "a zeroed or broadcast array"))
        return false;
    return true;
  }

  // Every run of a copy whose source is written in the loop reads the same rows it writes,
  // at every step the list may run.
  bool copiesStayInRows() {
    for (const StepCommand& c : list.commands) {
      if (c.op != STEP_COPY || !written[c.args[0]]) continue;
      const auto& g = c.args;
      std::ptrdiff_t s = g[0], d = g[3];
      std::ptrdiff_t lastStep = g[8] == 0 && g[9] == 0 ? 0 : list.steps - 1;
      for (std::ptrdiff_t step = 0; step <= lastStep; step++)
        for (std::ptrdiff_t r = 0; r < g[6]; r++) {
          std::ptrdiff_t s0 = g[1] + step * g[8] + r * g[2], d0 = g[4] + step * g[9] + r * g[5];
          for (std::ptrdiff_t i = 0; i < g[7];) {
            if (ownerRow(s, s0 + i) != ownerRow(d, d0 + i)) return fail("a copy moves elements across batch rows");
            i += std::min(sameRowRun(s, s0 + i), sameRowRun(d, d0 + i));
          }
        }
    }
    return true;
  }

  // Copies whose runs map onto batch rows one to one (or m to one), found so a thread can
  // take its runs directly instead of intersecting every run with its rows.
  void mapCopyRuns() {
    out.runsPerRow.assign(list.commands.size(), 0);
    for (std::size_t k = 0; k < list.commands.size(); k++) {
      const StepCommand& c = list.commands[k];
      if (c.op != STEP_COPY || c.args[6] == 0 || c.args[6] % B != 0) continue;
      const auto& g = c.args;
      const RowLayout& l = layout(g[3]);
      const std::ptrdiff_t m = g[6] / B;
      // A step that moves the runs by whole [B, inner] slabs keeps their rows: step 0 tells.
      const std::ptrdiff_t lastStep = g[9] % (B * l.inner) == 0 ? 0 : list.steps - 1;
      bool mapped = true;
      for (std::ptrdiff_t step = 0; step <= lastStep && mapped; step++)
        for (std::ptrdiff_t r = 0; r < g[6] && mapped; r++) {
          std::ptrdiff_t at = g[4] + step * g[9] + r * g[5];
          mapped = (at / l.inner) % B == r / m && at % l.inner + g[7] <= l.inner;
        }
      if (mapped) out.runsPerRow[k] = m;
    }
  }

  // A broadcast from an array written in the loop: every element from the same row.
  bool broadcastsStayInRows() {
    for (const StepCommand& c : list.commands) {
      if (c.op != STEP_BROADCAST) continue;
      const auto& g = c.args;
      out.workPerStep += static_cast<double>(length(g[1]));
      if (!written[g[0]]) continue;
      std::ptrdiff_t rank = g[2];
      const std::ptrdiff_t* size = g.data() + 3;
      const std::ptrdiff_t* stride = size + rank;
      std::ptrdiff_t index[8] = {0}, src = 0;
      for (std::ptrdiff_t e = 0; e < length(g[1]); e++) {
        if (ownerRow(g[0], src) != ownerRow(g[1], e)) return fail("a broadcast moves elements across batch rows");
        for (std::ptrdiff_t a = rank - 1; a >= 0; a--) {
          src += stride[a];
          if (++index[a] < size[a]) break;
          src -= stride[a] * size[a];
          index[a] = 0;
        }
      }
    }
    return true;
  }
};

}  // namespace

RowPartition partitionByRows(const StepList& list) {
  RowPartition out;
  out.layouts.assign(list.arrays.size(), RowLayout{});
  Analysis an{list, out, {}, 0};
  if (an.markWrites() && an.disjointMemory() && an.batchFromProducts() && an.placeByKernels() && an.placeCopyDestinations() &&
      an.copiesStayInRows() && an.broadcastsStayInRows()) {
    an.mapCopyRuns();
    out.rows = an.B;
    out.reason = "rows: every command reads and writes only its own rows of a batch of " + std::to_string(an.B);
  } else {
    out.layouts.clear();
  }
  return out;
}

}  // namespace tapestry
