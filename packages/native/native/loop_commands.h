// Running one command of a bound step list: whole (the serial run, whose products and
// programs may use the thread pool) or only the elements of batch rows [b0, b1) (a split
// run's thread, which never enters the pool).
#pragma once
#include "step_list.h"

namespace tapestry {

void runCommand(const StepList& list, const StepCommand& c, std::ptrdiff_t step);
// Needs list.partition.rows > 0: the layouts say which elements each row owns. `packedB`:
// a product's B as packOperandB left it (packOperands), or null.
void runCommandRows(const StepList& list, std::size_t command, std::ptrdiff_t step, std::ptrdiff_t b0, std::ptrdiff_t b1, const void* packedB);
// Packs the right operand of every product whose kernels pack it (list.packed): the
// weights do not change during a run, and every step and thread then reads one copy.
void packOperands(const StepList& list);

}  // namespace tapestry
