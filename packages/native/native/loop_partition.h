// Whether a step list can run split by batch rows: every array the loop writes divides
// into the batch's rows, and every command writes only the rows it reads (see the .cc).
#pragma once
#include "step_list.h"

namespace tapestry {

// Decides at bind time; the result's `rows` is 0 (and `reason` says why) when some
// command would read or write across rows, so the list keeps running command by command.
RowPartition partitionByRows(const StepList& list);

}  // namespace tapestry
