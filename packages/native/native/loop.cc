// Step lists. A compiled loop's step is a fixed sequence of kernel calls on buffers that
// live as long as the plan; through Node-API each call costs about a microsecond of
// argument decoding (typed-array lookups, number conversions) before any arithmetic, and
// a small recurrent step makes many of them. Binding decodes the sequence once: the
// arrays' data pointers (stable: the list holds a reference to every array, and typed
// arrays with off-heap storage do not move), sizes, and a copy of every program. A run
// is then one call that walks the list, once per step of a run of steps: a copy's starts
// move by its per-step strides, so a whole loop — reading each step's inputs, the step,
// storing what the backward reads, writing the outputs, moving the carry — is one call.
//
// code: records of int32, one per command
//   0 gemm    a b c M N K transA transB accumulate     (array indices, sizes)
//   1 program id n count operand…                       (inputs then outputs)
//   2 copy    src srcStart srcStride dst dstStart dstStride rows length srcStep dstStep
//   3 zero    dst
//   4 broadcast src dst rank size… stride…              (source stride per output axis, 0 repeats)
//   5 gather  table indices dst outer size inner         (dst[o, i, :] = table[o, indices[i], :])
//   6 softmax src dst rows n log                         (along rows of n; the backend's own kernel)
//
// Threads. A step's kernels are small (a recurrent [32, 256]·[256, 768] product takes
// ~35 µs), and splitting each over the pool pays a wake-up and a join per kernel, which
// ate most of a second thread's gain. So where binding proves that every command reads
// and writes only its own batch rows (loop_partition.cc), a run gives each thread a block
// of rows and runs it through all commands of all its steps, joining once at the end;
// inside, every kernel runs on that thread alone (loop_commands.cc). Otherwise — or when
// the run is too small to pay for the wake-up — the commands run in order, each product
// and program free to split itself.
#include "loop.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gemm.h"
#include "cpu.h"
#include "ieee_mode.h"
#include "loop_commands.h"
#include "loop_partition.h"
#include "step_list.h"
#include "thread_pool.h"

namespace tapestry {
namespace {

std::vector<std::unique_ptr<StepList>>& lists() {
  static std::vector<std::unique_ptr<StepList>> all;
  return all;
}

void fail(const char* what) { throw std::invalid_argument(std::string("bindSteps: ") + what); }

// Decodes and checks `code` against the arrays; every bound stays in range at run time.
void decode(StepList& list, const int32_t* code, std::size_t length, ProgramLookup lookup) {
  std::size_t at = 0;
  auto next = [&]() -> std::ptrdiff_t {
    if (at >= length) fail("truncated command list");
    return code[at++];
  };
  auto array = [&]() -> std::ptrdiff_t {
    std::ptrdiff_t i = next();
    if (i < 0 || static_cast<std::size_t>(i) >= list.arrays.size()) fail("array index out of range");
    return i;
  };
  auto within = [&](std::ptrdiff_t a, std::ptrdiff_t first, std::ptrdiff_t last) {
    if (first < 0 || last < first || static_cast<std::size_t>(last) > list.arrays[a].length) fail("a command reaches outside its array");
  };
  while (at < length) {
    StepCommand c;
    c.op = static_cast<int32_t>(next());
    if (c.op == 0) {
      std::ptrdiff_t a = array(), b = array(), o = array(), M = next(), N = next(), K = next(), ta = next(), tb = next(), acc = next();
      int t = list.arrays[a].dtype;
      if (t == 2 || list.arrays[b].dtype != t || list.arrays[o].dtype != t) fail("product operands must share a float type");
      within(a, 0, M * K), within(b, 0, K * N), within(o, 0, M * N);
      c.args = {a, b, o, M, N, K, ta, tb, acc};
    } else if (c.op == 1) {
      std::size_t id = static_cast<std::size_t>(next());
      std::ptrdiff_t n = next(), count = next();
      const Program* p = lookup(id);
      if (p == nullptr) fail("unknown program");
      if (count != p->inputs + static_cast<std::ptrdiff_t>(p->outputs.size())) fail("wrong number of program operands");
      list.programs.push_back(std::make_unique<Program>(*p));
      c.program = list.programs.back().get();
      for (std::ptrdiff_t k = 0; k < count; k++) {
        std::ptrdiff_t i = array();
        const StepArray& v = list.arrays[i];
        bool output = k >= p->inputs;
        if (v.length == 0 || (output ? v.length != static_cast<std::size_t>(n) : static_cast<std::size_t>(n) % v.length != 0)) fail("program operand of the wrong size");
        if (output && v.dtype == 2) fail("program outputs must be float arrays");
        c.operands.push_back(Operand{v.data, v.dtype, v.length});
        c.operandArrays.push_back(i);
      }
      c.args = {n};
    } else if (c.op == 2) {
      std::ptrdiff_t s = array(), s0 = next(), ss = next(), d = array(), d0 = next(), ds = next(), rows = next(), len = next();
      std::ptrdiff_t sStep = next(), dStep = next();
      if (list.arrays[s].dtype != list.arrays[d].dtype) fail("copy between arrays of different types");
      if (rows < 0 || len < 0 || ss < 0 || ds < 0 || sStep < 0 || dStep < 0) fail("negative copy size or stride");
      // The reach grows with the step: checking the last step bounds them all.
      std::ptrdiff_t last = list.steps - 1;
      if (rows > 0 && len > 0) {
        within(s, s0, s0 + last * sStep + (rows - 1) * ss + len);
        within(d, d0, d0 + last * dStep + (rows - 1) * ds + len);
      }
      c.args = {s, s0, ss, d, d0, ds, rows, len, sStep, dStep};
    } else if (c.op == 3) {
      c.args = {array()};
    } else if (c.op == 4) {
      std::ptrdiff_t src = array(), dst = array(), rank = next();
      if (rank < 1 || rank > 8) fail("broadcast rank must be 1 to 8");
      if (list.arrays[src].dtype != list.arrays[dst].dtype) fail("broadcast between arrays of different types");
      c.args = {src, dst, rank};
      std::ptrdiff_t total = 1, reach = 0;
      for (std::ptrdiff_t a = 0; a < rank; a++) c.args.push_back(next()), total *= c.args.back();
      for (std::ptrdiff_t a = 0; a < rank; a++) {
        std::ptrdiff_t st = next();
        if (st < 0) fail("negative broadcast stride");
        c.args.push_back(st);
        reach += st * (c.args[3 + a] - 1);
      }
      if (static_cast<std::size_t>(total) != list.arrays[dst].length) fail("broadcast sizes do not match its output");
      if (total > 0) within(src, 0, reach + 1);
    } else if (c.op == 5) {
      std::ptrdiff_t table = array(), indices = array(), dst = array(), outer = next(), size = next(), inner = next();
      if (list.arrays[indices].dtype != 2) fail("gather indices must be int32");
      if (list.arrays[table].dtype != list.arrays[dst].dtype) fail("gather between arrays of different types");
      if (outer < 0 || size < 0 || inner < 0) fail("negative gather size");
      std::ptrdiff_t n = static_cast<std::ptrdiff_t>(list.arrays[indices].length);
      if (static_cast<std::size_t>(outer * size * inner) != list.arrays[table].length || static_cast<std::size_t>(outer * n * inner) != list.arrays[dst].length)
        fail("gather sizes do not match its arrays");
      c.args = {table, indices, dst, outer, size, inner};
    } else if (c.op == 6) {
      std::ptrdiff_t src = array(), dst = array(), rows = next(), n = next(), log = next();
      int t = list.arrays[src].dtype;
      if (t == 2 || list.arrays[dst].dtype != t) fail("softmax operands must share a float type");
      if (rows < 1 || n < 1 || static_cast<std::size_t>(rows * n) != list.arrays[src].length || list.arrays[dst].length != list.arrays[src].length)
        fail("softmax sizes do not match its arrays");
      c.args = {src, dst, rows, n, log};
    } else {
      fail("unknown command");
    }
    list.commands.push_back(std::move(c));
  }
}

}  // namespace

Napi::Value BindSteps(const Napi::CallbackInfo& info, ProgramLookup lookup) {
  Napi::Env env = info.Env();
  napi_typedarray_type type;
  std::size_t codeLength, offset;
  void* codeData;
  napi_value ab;
  if (napi_get_typedarray_info(env, info[0], &type, &codeLength, &codeData, &ab, &offset) != napi_ok || type != napi_int32_array)
    throw Napi::TypeError::New(env, "bindSteps: code must be an Int32Array");
  Napi::Array arrays = info[1].As<Napi::Array>();
  auto list = std::make_unique<StepList>();
  list->env = env;
  list->steps = info[2].As<Napi::Number>().Int64Value();
  if (list->steps < 1) throw Napi::RangeError::New(env, "bindSteps: steps must be at least 1");
  for (uint32_t i = 0; i < arrays.Length(); i++) {
    napi_value v = arrays.Get(i);
    StepArray a{};
    if (napi_get_typedarray_info(env, v, &type, &a.length, &a.data, &ab, &offset) != napi_ok)
      throw Napi::TypeError::New(env, "bindSteps: every array must be a typed array");
    if (type == napi_float32_array) a.dtype = 0;
    else if (type == napi_float64_array) a.dtype = 1;
    else if (type == napi_int32_array) a.dtype = 2;
    else throw Napi::TypeError::New(env, "bindSteps: arrays must be Float32Array, Float64Array or Int32Array");
    napi_ref ref;
    napi_create_reference(env, v, 1, &ref);
    list->refs.push_back(ref);
    list->arrays.push_back(a);
  }
  try {
    decode(*list, static_cast<const int32_t*>(codeData), codeLength, lookup);
  } catch (const std::invalid_argument& e) {
    throw Napi::Error::New(env, e.what());
  }
  list->partition = partitionByRows(*list);
  auto& all = lists();
  for (std::size_t i = 0; i < all.size(); i++)
    if (!all[i]) {
      all[i] = std::move(list);
      return Napi::Number::New(env, static_cast<double>(i));
    }
  all.push_back(std::move(list));
  return Napi::Number::New(env, static_cast<double>(all.size() - 1));
}

// TAPESTRY_ROW_SPLIT=off|always|auto sets the starting mode (to compare whole runs).
static RowSplitMode modeFromEnvironment() {
  const char* env = std::getenv("TAPESTRY_ROW_SPLIT");
  std::string v = env == nullptr ? "" : env;
  return v == "off" ? RowSplitMode::Off : v == "always" ? RowSplitMode::Always : RowSplitMode::Auto;
}
RowSplitMode rowSplitMode = modeFromEnvironment();
// Measured with 2 threads on 2 cores in a quiet spell (README, "Threads"), against the
// best one-thread run: split runs were 1.1× as fast as one thread from W3's loops (B = 8,
// 4 rows a thread, ~70 M operations a run) and 1.5–1.9× W2's; W1's (B = 90, hidden 16,
// ~1.5 M operations a run) were 0.9×, as the second thread's wake-up outweighs its half.
std::ptrdiff_t rowSplitMinRows = 4;
double rowSplitMinWork = 1 << 22;
std::size_t rowRuns = 0;

namespace {

const StepList& listFor(const Napi::CallbackInfo& info, const char* what) {
  std::size_t id = static_cast<std::size_t>(info[0].As<Napi::Number>().Int64Value());
  if (id >= lists().size() || !lists()[id]) throw Napi::Error::New(info.Env(), std::string(what) + ": unknown step list");
  return *lists()[id];
}

// Rows go to threads in groups some product kernels need intact (productRowGroup).
std::ptrdiff_t rowGroup(const StepList& list) {
  std::ptrdiff_t group = 1;
  for (const StepCommand& c : list.commands)
    if (c.op == STEP_GEMM) group = std::max(group, productRowGroup(c.args[3], c.args[7] != 0));
  return group;
}

bool productsSplit(const StepList& list) {
  for (const StepCommand& c : list.commands)
    if (c.op == STEP_GEMM && productSplits(c.args[3], c.args[4], c.args[5])) return true;
  return false;
}

struct RowRun {
  const StepList* list;
  std::ptrdiff_t first, count, delta, group, groups;
  int tasks;

  // How a run of `count` steps splits: into `tasks` blocks of whole groups of rows (none:
  // it runs command by command).
  RowRun(const StepList& l, std::ptrdiff_t first_, std::ptrdiff_t count_, std::ptrdiff_t delta_)
      : list(&l), first(first_), count(count_), delta(delta_), group(1), groups(0), tasks(0) {
    const std::ptrdiff_t B = l.partition.rows;
    const int threads = pool().size();
    if (rowSplitMode == RowSplitMode::Off || B == 0) return;
    group = rowGroup(l);
    groups = (B + group - 1) / group;
    std::ptrdiff_t most = threads;
    if (rowSplitMode == RowSplitMode::Auto && threads > 1) {
      // Two blocks a thread where each still has 8 rows: a thread the system deschedules
      // then holds up a quarter of the run, not half, and the blocks were no slower
      // (W2: 8-row blocks fill one tile panel where 16 rows took a full and a 2-row one).
      most = B / 8 >= 2 * threads ? 2 * threads : std::min<std::ptrdiff_t>(threads, B / rowSplitMinRows);
      if (most < 2 || l.partition.workPerStep * static_cast<double>(count) < rowSplitMinWork) {
        // Too small to split by rows. Where no product is large enough to split itself
        // either, the run keeps to this thread (W1: splitting its programs one by one made
        // the loops 1.4× slower than one thread); otherwise (W4's batch-1 products of
        // 1024 columns) the kernels split themselves, command by command.
        if (productsSplit(l)) return;
        most = 1;
      }
    }
    // One block (one thread, or a small run): the same kernels, B packed once per run.
    tasks = static_cast<int>(std::max<std::ptrdiff_t>(1, std::min(most, groups)));
  }

  static void run(void* ctx, int t) {
    const RowRun& r = *static_cast<const RowRun*>(ctx);
    const StepList& list = *r.list;
    const std::ptrdiff_t B = list.partition.rows;
    const std::ptrdiff_t b0 = std::min(B, t * r.groups / r.tasks * r.group), b1 = std::min(B, (t + 1) * r.groups / r.tasks * r.group);
    for (std::ptrdiff_t i = 0; i < r.count; i++)
      for (std::size_t k = 0; k < list.commands.size(); k++) {
        const PackedOperand* p = list.packed[k].get();
        runCommandRows(list, k, r.first + i * r.delta, b0, b1, p == nullptr ? nullptr : p->data);
      }
  }
};

}  // namespace

Napi::Value RunSteps(const Napi::CallbackInfo& info) {
  IeeeMode ieee;
  const StepList& list = listFor(info, "runSteps");
  std::ptrdiff_t first = info[1].As<Napi::Number>().Int64Value(), count = info[2].As<Napi::Number>().Int64Value(),
                 delta = info[3].As<Napi::Number>().Int64Value();
  std::ptrdiff_t last = first + (count - 1) * delta;
  if (count > 0 && (first < 0 || first >= list.steps || last < 0 || last >= list.steps))
    throw Napi::RangeError::New(info.Env(), "runSteps: a step outside the bound range");
  if (count <= 0) return info.Env().Undefined();
  if (RowRun r(list, first, count, delta); r.tasks > 0) {
    packOperands(list);
    rowRuns++;
    pool().run(r.tasks, &RowRun::run, &r);
    return info.Env().Undefined();
  }
  try {
    for (std::ptrdiff_t i = 0; i < count; i++)
      for (const StepCommand& c : list.commands) runCommand(list, c, first + i * delta);
  } catch (const IndexOutOfRange& e) {
    throw Napi::RangeError::New(info.Env(), e.what());
  }
  return info.Env().Undefined();
}

Napi::Value RowRuns(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(rowRuns)); }

Napi::Value ExplainSteps(const Napi::CallbackInfo& info) {
  const StepList& list = listFor(info, "explainSteps");
  return Napi::String::New(info.Env(), list.partition.reason);
}

bool boundByStepList(const void* begin, std::size_t bytes) {
  const char* lo = static_cast<const char*>(begin);
  const char* hi = lo + bytes;
  for (const auto& list : lists()) {
    if (!list) continue;
    for (const StepArray& a : list->arrays) {
      const char* d = static_cast<const char*>(a.data);
      if (d < hi && lo < d + a.length * elementBytes(a.dtype)) return true;
    }
  }
  return false;
}

Napi::Value ReleaseSteps(const Napi::CallbackInfo& info) {
  std::size_t id = static_cast<std::size_t>(info[0].As<Napi::Number>().Int64Value());
  if (id < lists().size()) lists()[id].reset();
  return info.Env().Undefined();
}

}  // namespace tapestry
