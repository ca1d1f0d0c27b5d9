// Element-wise programs: compiled once from the flat code the TypeScript side encodes,
// then run block by block, split over the thread pool for large outputs.
#include "program_run.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "cpu.h"
#include "thread_pool.h"

namespace tapestry {

// In elements × instructions. Measured with 2 threads on 2 cores: one add paid from
// 8,192 elements (1.03×; 16,384 1.41×), an exp from about 3,000, a 5-instruction
// LSTM-like program from about 2,000 (4,096: 1.49×).
std::size_t programParallelThreshold = 1 << 14;

// code = [inputs, instructions, outputs, (op, kind, a, b, c) × instructions, output registers…],
// params = (p0, p1) × instructions. Validated here so the run loop can trust it.
Program decodeProgram(const int32_t* code, std::size_t codeLength, const double* params, std::size_t paramsLength) {
  if (codeLength < 3) throw std::invalid_argument("elementwise program: truncated code");
  Program p;
  p.inputs = code[0];
  int count = code[1], outputs = code[2];
  if (p.inputs < 0 || count < 0 || outputs < 0 || codeLength != 3 + 5 * static_cast<std::size_t>(count) + outputs ||
      paramsLength != 2 * static_cast<std::size_t>(count))
    throw std::invalid_argument("elementwise program: malformed code");
  for (int i = 0; i < count; i++) {
    const int32_t* w = code + 3 + 5 * i;
    Instruction ins{w[0], w[1], w[2], w[3], w[4], params[2 * i], params[2 * i + 1]};
    int live = p.inputs + i;
    int reads = ins.op == OP_UNARY ? 1 : ins.op == OP_BINARY ? 2 : ins.op == OP_WHERE ? 3 : 0;
    if (ins.op < 0 || ins.op > OP_CONSTANT) throw std::invalid_argument("elementwise program: bad opcode at instruction " + std::to_string(i));
    if ((ins.op == OP_UNARY && (ins.kind < 0 || ins.kind > 17)) || (ins.op == OP_BINARY && (ins.kind < 0 || ins.kind > 12)))
      throw std::invalid_argument("elementwise program: bad kind at instruction " + std::to_string(i));
    const int32_t regs[3] = {ins.a, ins.b, ins.c};
    for (int r = 0; r < reads; r++)
      if (regs[r] < 0 || regs[r] >= live)
        throw std::invalid_argument("elementwise program: instruction " + std::to_string(i) + " reads an unwritten register");
    p.instructions.push_back(ins);
  }
  for (int o = 0; o < outputs; o++) {
    int32_t r = code[3 + 5 * count + o];
    if (r < 0 || r >= p.registers()) throw std::invalid_argument("elementwise program: output register out of range");
    p.outputs.push_back(r);
  }
  return p;
}

namespace {

double* registersFor(const Program& p) {
  static thread_local std::vector<double> regs;
  std::size_t need = static_cast<std::size_t>(std::max(p.registers(), 1)) * BLOCK;
  if (regs.size() < need) regs.resize(need);
  return regs.data();
}

struct ProgramJob {
  const Program* p;
  const Operand* in;
  const Operand* out;
  std::size_t n, chunk;
  static void run(void* ctx, int t) {
    auto* j = static_cast<ProgramJob*>(ctx);
    std::size_t lo = std::min(j->n, t * j->chunk), hi = std::min(j->n, lo + j->chunk);
    if (lo < hi) kernels().runProgram(*j->p, j->in, j->out, lo, hi, registersFor(*j->p));
  }
};

}  // namespace

void runProgramRange(const Program& p, const Operand* in, const Operand* out, std::size_t begin, std::size_t end) {
  if (begin < end) kernels().runProgram(p, in, out, begin, end, registersFor(p));
}

void runProgram(const Program& p, const Operand* in, const Operand* out, std::size_t n) {
  ThreadPool& pl = pool();
  std::size_t work = n * std::max<std::size_t>(1, p.instructions.size());
  if (pl.size() == 1 || work < programParallelThreshold) {
    kernels().runProgram(p, in, out, 0, n, registersFor(p));
    return;
  }
  std::size_t tasks = static_cast<std::size_t>(pl.size());
  std::size_t chunk = ((n + tasks - 1) / tasks + BLOCK - 1) / BLOCK * BLOCK;
  ProgramJob job{&p, in, out, n, chunk};
  pl.run(static_cast<int>(tasks), &ProgramJob::run, &job);
}

}  // namespace tapestry
