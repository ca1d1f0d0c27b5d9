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
#include "loop.h"

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gemm.h"
#include "cpu.h"
#include "ieee_mode.h"
#include "program_run.h"

namespace tapestry {
namespace {

struct Array {
  void* data;
  int dtype;  // 0 float32, 1 float64, 2 int32
  std::size_t length;
};

struct Command {
  int32_t op;
  std::vector<std::ptrdiff_t> args;
  const Program* program = nullptr;  // points into StepList::programs
  std::vector<Operand> operands;
};

struct StepList {
  std::vector<Array> arrays;
  std::vector<napi_ref> refs;
  std::vector<std::unique_ptr<Program>> programs;
  std::vector<Command> commands;
  std::ptrdiff_t steps = 1;  // runs may use steps 0 … steps−1
  napi_env env = nullptr;
  ~StepList() {
    for (napi_ref r : refs) napi_delete_reference(env, r);
  }
};

std::vector<std::unique_ptr<StepList>>& lists() {
  static std::vector<std::unique_ptr<StepList>> all;
  return all;
}

std::size_t elementBytes(int dtype) { return dtype == 1 ? 8 : 4; }

template <typename T>
void product(const StepList& list, const std::vector<std::ptrdiff_t>& g) {
  std::ptrdiff_t M = g[3], N = g[4], K = g[5];
  bool ta = g[6] != 0, tb = g[7] != 0;
  Gemm<T> p{M, N, K, static_cast<const T*>(list.arrays[g[0]].data), ta ? M : K, ta,
            static_cast<const T*>(list.arrays[g[1]].data), tb ? K : N, tb, static_cast<T*>(list.arrays[g[2]].data), N, g[8] != 0};
  gemm(p);
}

// An odometer over the output's axes; the source index moves by each axis's stride.
template <typename T>
void broadcast(const StepList& list, const std::vector<std::ptrdiff_t>& g) {
  const T* src = static_cast<const T*>(list.arrays[g[0]].data);
  T* dst = static_cast<T*>(list.arrays[g[1]].data);
  std::ptrdiff_t rank = g[2];
  const std::ptrdiff_t* size = g.data() + 3;
  const std::ptrdiff_t* stride = size + rank;
  std::size_t n = list.arrays[g[1]].length;
  std::ptrdiff_t index[8] = {0};
  std::ptrdiff_t s = 0;
  for (std::size_t j = 0; j < n; j++) {
    dst[j] = src[s];
    for (std::ptrdiff_t a = rank - 1; a >= 0; a--) {
      s += stride[a];
      if (++index[a] < size[a]) break;
      s -= stride[a] * size[a];
      index[a] = 0;
    }
  }
}

// An index outside the table: thrown from the run, reported to JavaScript as a RangeError
// that the binding turns into the op's ShapeError.
struct IndexOutOfRange : std::out_of_range {
  using std::out_of_range::out_of_range;
};

void gather(const StepList& list, const std::vector<std::ptrdiff_t>& g) {
  const Array& table = list.arrays[g[0]];
  const Array& indices = list.arrays[g[1]];
  const Array& dst = list.arrays[g[2]];
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
  const Array& src = list.arrays[g[0]];
  const Array& dst = list.arrays[g[1]];
  std::size_t rows = static_cast<std::size_t>(g[2]), n = static_cast<std::size_t>(g[3]);
  if (src.dtype == 0) kernels().softmax32(static_cast<const float*>(src.data), static_cast<float*>(dst.data), rows, n, g[4] != 0);
  else kernels().softmax64(static_cast<const double*>(src.data), static_cast<double*>(dst.data), rows, n, g[4] != 0);
}

void run(const StepList& list, const Command& c, std::ptrdiff_t step) {
  const auto& g = c.args;
  switch (c.op) {
    case 0:
      if (list.arrays[g[0]].dtype == 0) product<float>(list, g);
      else product<double>(list, g);
      return;
    case 1:
      runProgram(*c.program, c.operands.data(), c.operands.data() + c.program->inputs, static_cast<std::size_t>(g[0]));
      return;
    case 2: {
      const Array& src = list.arrays[g[0]];
      const Array& dst = list.arrays[g[3]];
      std::size_t bytes = elementBytes(src.dtype);
      const char* from = static_cast<const char*>(src.data);
      char* to = static_cast<char*>(dst.data);
      std::ptrdiff_t s0 = g[1] + step * g[8], d0 = g[4] + step * g[9];
      for (std::ptrdiff_t r = 0; r < g[6]; r++)
        std::memcpy(to + (d0 + r * g[5]) * bytes, from + (s0 + r * g[2]) * bytes, static_cast<std::size_t>(g[7]) * bytes);
      return;
    }
    case 3: {
      const Array& dst = list.arrays[g[0]];
      std::memset(dst.data, 0, dst.length * elementBytes(dst.dtype));
      return;
    }
    case 4:
      if (list.arrays[g[0]].dtype == 1) broadcast<uint64_t>(list, g);
      else broadcast<uint32_t>(list, g);
      return;
    case 5:
      gather(list, g);
      return;
    case 6:
      softmax(list, g);
      return;
  }
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
    Command c;
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
        const Array& v = list.arrays[i];
        bool output = k >= p->inputs;
        if (v.length == 0 || (output ? v.length != static_cast<std::size_t>(n) : static_cast<std::size_t>(n) % v.length != 0)) fail("program operand of the wrong size");
        if (output && v.dtype == 2) fail("program outputs must be float arrays");
        c.operands.push_back(Operand{v.data, v.dtype, v.length});
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
    Array a{};
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
  auto& all = lists();
  for (std::size_t i = 0; i < all.size(); i++)
    if (!all[i]) {
      all[i] = std::move(list);
      return Napi::Number::New(env, static_cast<double>(i));
    }
  all.push_back(std::move(list));
  return Napi::Number::New(env, static_cast<double>(all.size() - 1));
}

Napi::Value RunSteps(const Napi::CallbackInfo& info) {
  IeeeMode ieee;
  std::size_t id = static_cast<std::size_t>(info[0].As<Napi::Number>().Int64Value());
  if (id >= lists().size() || !lists()[id]) throw Napi::Error::New(info.Env(), "runSteps: unknown step list");
  const StepList& list = *lists()[id];
  std::ptrdiff_t first = info[1].As<Napi::Number>().Int64Value(), count = info[2].As<Napi::Number>().Int64Value(),
                 delta = info[3].As<Napi::Number>().Int64Value();
  std::ptrdiff_t last = first + (count - 1) * delta;
  if (count > 0 && (first < 0 || first >= list.steps || last < 0 || last >= list.steps))
    throw Napi::RangeError::New(info.Env(), "runSteps: a step outside the bound range");
  try {
    for (std::ptrdiff_t i = 0; i < count; i++)
      for (const Command& c : list.commands) run(list, c, first + i * delta);
  } catch (const IndexOutOfRange& e) {
    throw Napi::RangeError::New(info.Env(), e.what());
  }
  return info.Env().Undefined();
}

bool boundByStepList(const void* begin, std::size_t bytes) {
  const char* lo = static_cast<const char*>(begin);
  const char* hi = lo + bytes;
  for (const auto& list : lists()) {
    if (!list) continue;
    for (const Array& a : list->arrays) {
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
