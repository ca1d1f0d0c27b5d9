// Per-call cost of the two kernels a compiled recurrent step runs: h·Wᵀ into a
// preallocated output (matmulInto, M = batch, K = H, N = 4H) and an LSTM-like gate
// program (elementwise over [B, 4H]), in µs of CPU time per call (less disturbed by other jobs than wall time), median of
// repeated samples, for
// the TypeScript, wasm-simd and native backends. Run after building:
//   node scripts/bench-step.mjs [B,H ...]   (default: 1,16 1,64 8,64 32,128 32,256)
import { Rng, Tensor, jsBackend, wasmBackend } from '@tapestry/core';
import { nativeBackend } from '@tapestry/native';

const args = process.argv.slice(2);
const cases = (args.length > 0 ? args : ['1,16', '1,64', '8,64', '32,128', '32,256']).map((s) => s.split(',').map(Number));
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const program = {
  inputs: 3,
  instructions: [
    { op: 'binary', kind: 'add', a: 0, b: 1 },
    { op: 'unary', kind: 'sigmoid', x: 3 },
    { op: 'unary', kind: 'tanh', x: 3 },
    { op: 'binary', kind: 'mul', a: 4, b: 2 },
    { op: 'binary', kind: 'add', a: 6, b: 5 },
  ],
  outputs: [7],
};

function perCall(fn) {
  let inner = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < inner; i++) fn();
    if (Number(process.hrtime.bigint() - t0) > 2e6) break;
    inner *= 2;
  }
  const samples = [];
  for (let s = 0; s < 9; s++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < inner; i++) fn();
    const used = process.cpuUsage(t0);
    samples.push((used.user + used.system) / inner);
  }
  return median(samples);
}

const rng = new Rng(3);
console.log('B\tH\tbackend\tmatmulInto µs\telementwise µs');
for (const [B, H] of cases) {
  const h = rng.normal([B, H]), w = rng.normal([4 * H, H]), out = new Tensor([B, 4 * H], new Float32Array(B * 4 * H));
  const x = rng.normal([B, 4 * H]), bias = rng.normal([4 * H]), c = rng.normal([B, 4 * H]);
  const gates = new Tensor([B, 4 * H], new Float32Array(B * 4 * H));
  for (const backend of [jsBackend, wasmBackend, nativeBackend]) {
    const mm = perCall(() => backend.matmulInto(h, w, false, true, out, false));
    const ew = perCall(() => backend.elementwise(program, [x, bias, c], [gates]));
    console.log(`${B}\t${H}\t${backend.name}\t${mm.toFixed(2)}\t${ew.toFixed(2)}`);
  }
}
