// Step lists: the commands of one step of a compiled loop (products, element-wise
// programs, strided copies, zero fills) bound once to their buffers and run by one call.
#pragma once
#include <napi.h>
#include <cstddef>
#include "program.h"

namespace tapestry {

// How the step lists find a compiled program by id (the addon's program table).
using ProgramLookup = const Program* (*)(std::size_t id);

// bindSteps(code: Int32Array, arrays: TypedArray[], steps) → step-list id (see loop.cc).
Napi::Value BindSteps(const Napi::CallbackInfo& info, ProgramLookup lookup);
// runSteps(id, first, count, delta): the commands in order at steps first, first+delta, …
Napi::Value RunSteps(const Napi::CallbackInfo& info);
// explainSteps(id): whether runs of the list may split by batch rows, and if not why.
Napi::Value ExplainSteps(const Napi::CallbackInfo& info);
// releaseSteps(id): frees the list and its references to the arrays.
Napi::Value ReleaseSteps(const Napi::CallbackInfo& info);
// True when a live step list reads or writes any byte of [begin, begin + bytes): that
// storage must not be freed while the list lives.
bool boundByStepList(const void* begin, std::size_t bytes);

// Whether runs split by batch rows: where sound and large enough (Auto), never, or
// wherever sound whatever the size (Always: tests compare the two ways bit for bit).
enum class RowSplitMode { Auto, Off, Always };
extern RowSplitMode rowSplitMode;
// Auto splits runs with at least this many rows per thread and this much work
// (multiply-adds and element operations over the run's steps).
extern std::ptrdiff_t rowSplitMinRows;
extern double rowSplitMinWork;
// rowRuns(): how many runs have gone by rows so far (tests check that a split happened).
extern std::size_t rowRuns;
Napi::Value RowRuns(const Napi::CallbackInfo& info);

}  // namespace tapestry
