// The Node-API surface. Hot entry points take typed arrays directly (their data pointer,
// byte offset included, is read with one napi call each) and plain numbers, create no JS
// objects, and run synchronously on the calling thread plus the pool.
#include <napi.h>
#include <v8.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "buffer_pool.h"
#include "cpu.h"
#include "gemm.h"
#include "ieee_mode.h"
#include "loop.h"
#include "optimizer_api.h"
#include "program_run.h"
#include "thread_pool.h"

using namespace tapestry;

namespace {

struct View {
  void* data = nullptr;
  std::size_t length = 0;
  napi_typedarray_type type = napi_int8_array;
};

View view(const Napi::CallbackInfo& info, std::size_t i) {
  View v;
  napi_value ab;
  std::size_t offset;
  if (napi_get_typedarray_info(info.Env(), info[i], &v.type, &v.length, &v.data, &ab, &offset) != napi_ok)
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be a typed array");
  return v;
}

int dtypeCode(const Napi::Env& env, napi_typedarray_type t) {
  if (t == napi_float32_array) return 0;
  if (t == napi_float64_array) return 1;
  if (t == napi_int32_array) return 2;
  throw Napi::TypeError::New(env, "expected a Float32Array, Float64Array or Int32Array");
}

std::ptrdiff_t integer(const Napi::CallbackInfo& info, std::size_t i) {
  return static_cast<std::ptrdiff_t>(info[i].As<Napi::Number>().Int64Value());
}

template <typename T>
void runGemm(const View& a, const View& b, const View& c, std::ptrdiff_t M, std::ptrdiff_t N, std::ptrdiff_t K, bool ta, bool tb,
             bool accumulate, const int32_t* offsets, std::size_t batches) {
  Gemm<T> g{M, N, K, nullptr, ta ? M : K, ta, nullptr, tb ? K : N, tb, nullptr, N, accumulate};
  for (std::size_t i = 0; i < batches; i++) {
    g.a = static_cast<const T*>(a.data) + (offsets ? offsets[3 * i] : 0);
    g.b = static_cast<const T*>(b.data) + (offsets ? offsets[3 * i + 1] : 0);
    g.c = static_cast<T*>(c.data) + (offsets ? offsets[3 * i + 2] : 0);
    gemm(g);
  }
}

// gemm(a, b, c, M, N, K, transA, transB, accumulate[, offsets]): C (=|+=) op(A)·op(B) for
// row-major matrices; with `offsets` (Int32Array, 3 per batch: element offsets of A, B
// and C) once per batch. Sizes are checked by the caller.
Napi::Value Gemm_(const Napi::CallbackInfo& info) {
  IeeeMode ieee;
  View a = view(info, 0), b = view(info, 1), c = view(info, 2);
  std::ptrdiff_t M = integer(info, 3), N = integer(info, 4), K = integer(info, 5);
  bool ta = info[6].ToBoolean(), tb = info[7].ToBoolean(), acc = info[8].ToBoolean();
  const int32_t* offsets = nullptr;
  std::size_t batches = 1;
  if (info.Length() > 9 && !info[9].IsUndefined()) {
    View o = view(info, 9);
    offsets = static_cast<const int32_t*>(o.data);
    batches = o.length / 3;
  }
  if (a.type != b.type || a.type != c.type) throw Napi::TypeError::New(info.Env(), "gemm: operands differ in type");
  if (a.type == napi_float32_array) runGemm<float>(a, b, c, M, N, K, ta, tb, acc, offsets, batches);
  else if (a.type == napi_float64_array) runGemm<double>(a, b, c, M, N, K, ta, tb, acc, offsets, batches);
  else throw Napi::TypeError::New(info.Env(), "gemm: float32 or float64 only");
  return info.Env().Undefined();
}

// softmax(x, out, rows, n, logarithm): along contiguous rows; sizes checked by the caller.
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  IeeeMode ieee;
  View x = view(info, 0), o = view(info, 1);
  std::size_t rows = static_cast<std::size_t>(integer(info, 2)), n = static_cast<std::size_t>(integer(info, 3));
  bool logarithm = info[4].ToBoolean();
  if (x.type != o.type) throw Napi::TypeError::New(info.Env(), "softmax: operands differ in type");
  if (x.type == napi_float32_array) kernels().softmax32(static_cast<const float*>(x.data), static_cast<float*>(o.data), rows, n, logarithm);
  else if (x.type == napi_float64_array) kernels().softmax64(static_cast<const double*>(x.data), static_cast<double*>(o.data), rows, n, logarithm);
  else throw Napi::TypeError::New(info.Env(), "softmax: float32 or float64 only");
  return info.Env().Undefined();
}

// sum(x, out, outer, n, inner): sums over the middle axis of [outer, n, inner]; sizes
// checked by the caller.
Napi::Value Sum(const Napi::CallbackInfo& info) {
  View x = view(info, 0), o = view(info, 1);
  std::size_t outer = static_cast<std::size_t>(integer(info, 2)), n = static_cast<std::size_t>(integer(info, 3)),
              inner = static_cast<std::size_t>(integer(info, 4));
  if (x.type != o.type) throw Napi::TypeError::New(info.Env(), "sum: operands differ in type");
  if (x.type == napi_float32_array) kernels().sum32(static_cast<const float*>(x.data), static_cast<float*>(o.data), outer, n, inner);
  else if (x.type == napi_float64_array) kernels().sum64(static_cast<const double*>(x.data), static_cast<double*>(o.data), outer, n, inner);
  else throw Napi::TypeError::New(info.Env(), "sum: float32 or float64 only");
  return info.Env().Undefined();
}

// copyRows(src, srcStart, srcStride, dst, dstStart, dstStride, rows, length): row r's
// `length` elements from src[srcStart + r·srcStride] to dst[dstStart + r·dstStride]; same
// element type, bounds checked by the caller. One call instead of a subarray and a set
// per row (a [32, 3H] gate block is 32 rows).
Napi::Value CopyRows(const Napi::CallbackInfo& info) {
  View src = view(info, 0), dst = view(info, 3);
  if (src.type != dst.type) throw Napi::TypeError::New(info.Env(), "copyRows: arrays differ in type");
  std::size_t bytes = src.type == napi_float64_array ? 8 : 4;
  std::ptrdiff_t srcStart = integer(info, 1), srcStride = integer(info, 2), dstStart = integer(info, 4), dstStride = integer(info, 5);
  std::ptrdiff_t rows = integer(info, 6), length = integer(info, 7);
  const char* from = static_cast<const char*>(src.data);
  char* to = static_cast<char*>(dst.data);
  for (std::ptrdiff_t r = 0; r < rows; r++)
    std::memcpy(to + (dstStart + r * dstStride) * bytes, from + (srcStart + r * srcStride) * bytes, static_cast<std::size_t>(length) * bytes);
  return info.Env().Undefined();
}

std::vector<std::unique_ptr<Program>>& programs() {
  static std::vector<std::unique_ptr<Program>> all;
  return all;
}

// compile(code: Int32Array, params: Float64Array) → program id.
Napi::Value Compile(const Napi::CallbackInfo& info) {
  View code = view(info, 0), params = view(info, 1);
  try {
    auto p = std::make_unique<Program>(decodeProgram(static_cast<const int32_t*>(code.data), code.length,
                                                      static_cast<const double*>(params.data), params.length));
    auto& all = programs();
    for (std::size_t i = 0; i < all.size(); i++)
      if (!all[i]) {
        all[i] = std::move(p);
        return Napi::Number::New(info.Env(), static_cast<double>(i));
      }
    all.push_back(std::move(p));
    return Napi::Number::New(info.Env(), static_cast<double>(all.size() - 1));
  } catch (const std::invalid_argument& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

// release(id): frees a program whose JS object was collected.
Napi::Value Release(const Napi::CallbackInfo& info) {
  std::size_t id = static_cast<std::size_t>(integer(info, 0));
  if (id < programs().size()) programs()[id].reset();
  return info.Env().Undefined();
}

// run(id, n, inputs…, outputs…): sizes are checked by the caller.
Napi::Value Run(const Napi::CallbackInfo& info) {
  IeeeMode ieee;
  std::size_t id = static_cast<std::size_t>(integer(info, 0));
  if (id >= programs().size() || !programs()[id]) throw Napi::Error::New(info.Env(), "elementwise: unknown program");
  const Program& p = *programs()[id];
  std::size_t n = static_cast<std::size_t>(integer(info, 1));
  std::size_t count = info.Length() - 2;
  if (count != static_cast<std::size_t>(p.inputs) + p.outputs.size())
    throw Napi::Error::New(info.Env(), "elementwise: wrong number of operands");
  Operand stack[32];
  std::vector<Operand> heap;
  Operand* ops = stack;
  if (count > 32) {
    heap.resize(count);
    ops = heap.data();
  }
  for (std::size_t i = 0; i < count; i++) {
    View v = view(info, i + 2);
    ops[i] = Operand{v.data, dtypeCode(info.Env(), v.type), v.length};
  }
  runProgram(p, ops, ops + p.inputs, n);
  return info.Env().Undefined();
}

const Program* programById(std::size_t id) { return id < programs().size() ? programs()[id].get() : nullptr; }
Napi::Value BindSteps_(const Napi::CallbackInfo& info) { return BindSteps(info, programById); }

// alloc(bytes) → an ArrayBuffer of uninitialised memory from the buffer pool, for the
// output of a kernel that writes every element. Node-API's external ArrayBuffers run their
// finaliser only at a later turn of the event loop (never inside a synchronous training
// loop), so this uses V8's backing-store deleter, which runs as soon as V8 frees the
// store. A napi_value is a V8 handle (Node's own conversion is a cast).
// Where V8 confines ArrayBuffers to its sandbox, outside memory cannot back one: alloc
// returns undefined and the caller allocates normally.
Napi::Value Alloc(const Napi::CallbackInfo& info) {
#ifdef V8_ENABLE_SANDBOX
  return info.Env().Undefined();
#endif
  std::size_t bytes = static_cast<std::size_t>(integer(info, 0));
  void* block = bytes == 0 ? nullptr : takeBlock(bytes);
  if (bytes != 0 && block == nullptr) throw Napi::Error::New(info.Env(), "alloc: out of memory");
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  std::unique_ptr<v8::BackingStore> store =
      bytes == 0 ? v8::ArrayBuffer::NewBackingStore(isolate, 0)
                 : v8::ArrayBuffer::NewBackingStore(block, bytes, [](void* data, std::size_t length, void*) { giveBlock(data, length); }, nullptr);
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, std::move(store));
  static_assert(sizeof(napi_value) == sizeof(v8::Local<v8::Value>), "napi_value is a V8 handle");
  napi_value value;
  v8::Local<v8::Value> local = buffer;
  std::memcpy(&value, &local, sizeof value);
  return Napi::Value(info.Env(), value);
}
// free(buffer) → whether it detached `buffer` (an ArrayBuffer from alloc) so that its
// block went back to the pool now; false, leaving it alone, while a step list uses it.
// Every typed array over a detached buffer has length 0, which is how JavaScript sees
// that the storage is gone. Runs under the call lock: no call of another JavaScript
// thread is reading the block.
Napi::Value Free(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer()) throw Napi::TypeError::New(env, "free: expects an ArrayBuffer from alloc");
  Napi::ArrayBuffer buffer = info[0].As<Napi::ArrayBuffer>();
  if (buffer.ByteLength() == 0 || boundByStepList(buffer.Data(), buffer.ByteLength())) return Napi::Boolean::New(env, false);
  bool detached = false;
  if (napi_is_detached_arraybuffer(env, buffer, &detached) != napi_ok || detached) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, napi_detach_arraybuffer(env, buffer) == napi_ok);
}
Napi::Value PooledBytes(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(pooledBytes())); }
Napi::Value SetPoolCap(const Napi::CallbackInfo& info) {
  setPoolCap(static_cast<std::size_t>(integer(info, 0)));
  return info.Env().Undefined();
}

Napi::Value Isa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), kernels().name); }
Napi::Value SupportedIsas(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), supportedKernels()); }
Napi::Value SelectIsa(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), selectKernels(info[0].As<Napi::String>().Utf8Value()));
}
Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), pool().size()); }
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  setPoolSize(static_cast<int>(integer(info, 0)));
  return info.Env().Undefined();
}
// setThresholds(gemmMultiplyAdds, programElements): where work starts being split.
Napi::Value SetThresholds(const Napi::CallbackInfo& info) {
  parallelThreshold = integer(info, 0);
  programParallelThreshold = static_cast<std::size_t>(integer(info, 1));
  return info.Env().Undefined();
}

// setRowSplit(mode 0 auto | 1 off | 2 always, minRowsPerThread, minWork): when bound loops split by batch rows.
Napi::Value SetRowSplit(const Napi::CallbackInfo& info) {
  std::ptrdiff_t mode = integer(info, 0);
  rowSplitMode = mode == 1 ? RowSplitMode::Off : mode == 2 ? RowSplitMode::Always : RowSplitMode::Auto;
  rowSplitMinRows = std::max<std::ptrdiff_t>(1, integer(info, 1));
  rowSplitMinWork = info[2].As<Napi::Number>().DoubleValue();
  return info.Env().Undefined();
}

// Every JavaScript thread of a process (the main thread and each worker_threads Worker)
// shares this library's state: the program table, the thread pool, the instruction-set
// choice. Calls from different JavaScript threads therefore take turns; within one thread
// the lock is uncontended and costs a few nanoseconds.
std::mutex& callMutex() {
  static std::mutex m;
  return m;
}

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value serialized(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(callMutex());
  return F(info);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, serialized<Gemm_>, "gemm"));
  exports.Set("softmax", Napi::Function::New(env, serialized<Softmax>, "softmax"));
  exports.Set("copyRows", Napi::Function::New(env, CopyRows, "copyRows"));
  exports.Set("sum", Napi::Function::New(env, serialized<Sum>, "sum"));
  exports.Set("compile", Napi::Function::New(env, serialized<Compile>, "compile"));
  exports.Set("release", Napi::Function::New(env, serialized<Release>, "release"));
  exports.Set("run", Napi::Function::New(env, serialized<Run>, "run"));
  exports.Set("bindSteps", Napi::Function::New(env, serialized<BindSteps_>, "bindSteps"));
  exports.Set("runSteps", Napi::Function::New(env, serialized<RunSteps>, "runSteps"));
  exports.Set("explainSteps", Napi::Function::New(env, serialized<ExplainSteps>, "explainSteps"));
  exports.Set("rowRuns", Napi::Function::New(env, serialized<RowRuns>, "rowRuns"));
  exports.Set("setRowSplit", Napi::Function::New(env, serialized<SetRowSplit>, "setRowSplit"));
  exports.Set("releaseSteps", Napi::Function::New(env, serialized<ReleaseSteps>, "releaseSteps"));
  // The pool has its own lock; alloc does not take the call lock.
  exports.Set("alloc", Napi::Function::New(env, Alloc, "alloc"));
  exports.Set("free", Napi::Function::New(env, serialized<Free>, "free"));
  exports.Set("pooledBytes", Napi::Function::New(env, PooledBytes, "pooledBytes"));
  exports.Set("setPoolCap", Napi::Function::New(env, SetPoolCap, "setPoolCap"));
  exports.Set("isa", Napi::Function::New(env, serialized<Isa>, "isa"));
  exports.Set("supportedIsas", Napi::Function::New(env, serialized<SupportedIsas>, "supportedIsas"));
  exports.Set("selectIsa", Napi::Function::New(env, serialized<SelectIsa>, "selectIsa"));
  exports.Set("threads", Napi::Function::New(env, serialized<Threads>, "threads"));
  exports.Set("setThreads", Napi::Function::New(env, serialized<SetThreads>, "setThreads"));
  exports.Set("setThresholds", Napi::Function::New(env, serialized<SetThresholds>, "setThresholds"));
  registerOptimizer(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(tapestry_native, Init)
