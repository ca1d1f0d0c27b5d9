// Registers the optimizer entry points (optimizer_api.cc) on the addon's exports.
#pragma once
#include <napi.h>

namespace tapestry {
void registerOptimizer(Napi::Env env, Napi::Object exports);
}
