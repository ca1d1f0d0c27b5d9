// The Node-API entry points of optimizer.h. They touch only their arguments' memory (no
// shared state: no pool, no program table), so they take no call lock.
#include <napi.h>

#include <string>

#include "optimizer.h"

namespace tapestry {
namespace {

struct Array {
  void* data = nullptr;
  std::size_t length = 0;
  napi_typedarray_type type = napi_int8_array;
};

// Argument i as a float array, or null where `optional` and the argument is null.
Array floatArray(const Napi::CallbackInfo& info, std::size_t i, bool optional = false) {
  Array a;
  if (optional && (info[i].IsNull() || info[i].IsUndefined())) return a;
  napi_value buffer;
  std::size_t offset;
  if (napi_get_typedarray_info(info.Env(), info[i], &a.type, &a.length, &a.data, &buffer, &offset) != napi_ok ||
      (a.type != napi_float32_array && a.type != napi_float64_array))
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be a Float32Array or Float64Array");
  return a;
}

// Every present array has `first`'s type and length.
void checkAlike(const Napi::Env& env, const char* name, const Array& first, std::initializer_list<const Array*> rest) {
  for (const Array* a : rest) {
    if (a->data == nullptr) continue;
    if (a->type != first.type || a->length != first.length)
      throw Napi::TypeError::New(env, std::string(name) + ": every array must have the first's type and length");
  }
}

double number(const Napi::CallbackInfo& info, std::size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }

template <typename T>
T* typed(const Array& a) {
  return static_cast<T*>(a.data);
}

// adamStep(g, m, v, vMax | null, out, mNext, vNext, vMaxNext | null, b1, b2, bc1, sqrtBc2, eps)
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  const Array g = floatArray(info, 0), m = floatArray(info, 1), v = floatArray(info, 2), vMax = floatArray(info, 3, true);
  const Array out = floatArray(info, 4), mNext = floatArray(info, 5), vNext = floatArray(info, 6), vMaxNext = floatArray(info, 7, true);
  checkAlike(info.Env(), "adamStep", g, {&m, &v, &vMax, &out, &mNext, &vNext, &vMaxNext});
  if ((vMax.data == nullptr) != (vMaxNext.data == nullptr))
    throw Napi::TypeError::New(info.Env(), "adamStep: vMax and vMaxNext come together");
  const AdamCoefficients c{number(info, 8), number(info, 9), number(info, 10), number(info, 11), number(info, 12)};
  if (g.type == napi_float32_array)
    adamStep<float>(g.length, typed<float>(g), typed<float>(m), typed<float>(v), typed<float>(vMax), typed<float>(out), typed<float>(mNext),
                    typed<float>(vNext), typed<float>(vMaxNext), c);
  else
    adamStep<double>(g.length, typed<double>(g), typed<double>(m), typed<double>(v), typed<double>(vMax), typed<double>(out),
                     typed<double>(mNext), typed<double>(vNext), typed<double>(vMaxNext), c);
  return info.Env().Undefined();
}

// scaleAdd(x, a, y | null, out): out = a·x (+ y)
Napi::Value ScaleAdd(const Napi::CallbackInfo& info) {
  const Array x = floatArray(info, 0), y = floatArray(info, 2, true), out = floatArray(info, 3);
  checkAlike(info.Env(), "scaleAdd", x, {&y, &out});
  const double a = number(info, 1);
  if (x.type == napi_float32_array)
    scaleAdd<float>(x.length, typed<float>(x), a, typed<float>(y), typed<float>(out));
  else
    scaleAdd<double>(x.length, typed<double>(x), a, typed<double>(y), typed<double>(out));
  return info.Env().Undefined();
}

}  // namespace

void registerOptimizer(Napi::Env env, Napi::Object exports) {
  exports.Set("adamStep", Napi::Function::New(env, AdamStep, "adamStep"));
  exports.Set("scaleAdd", Napi::Function::New(env, ScaleAdd, "scaleAdd"));
}

}  // namespace tapestry
