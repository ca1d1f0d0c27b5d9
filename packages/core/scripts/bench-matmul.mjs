// W5 matmul throughput: C = A·B in float32, square n, GFLOP/s = 2n³ / seconds, median
// of repeated samples after a warm-up. Run after building:
//   node scripts/bench-matmul.mjs [--wasm | --native] [n ...]   (default: 16 64 256 1024)
// --wasm measures the wasm-simd backend instead of the pure-TypeScript one; --native the
// @tapestry/native addon (threads: TAPESTRY_NUM_THREADS, default all cores).
// Time is the process's CPU time (process.cpuUsage), which other jobs on a shared
// machine disturb far less than wall-clock time; wall-clock figures are printed too.
import { matmul, Rng, setBackend, wasmBackend } from '../dist/index.js';

const args = process.argv.slice(2);
if (args.includes('--wasm')) setBackend(wasmBackend);
if (args.includes('--native')) {
  // Loaded by path: core does not depend on the native package (which depends on core).
  const native = await import('../../native/dist/index.js');
  const status = native.nativeStatus();
  if (!status.available) throw new Error(`--native: ${status.reason}`);
  setBackend(native.nativeBackend);
  console.log(`native backend: ${status.isa}, ${status.threads} threads`);
}
const numbers = args.filter((a) => !a.startsWith('--')).map(Number);
const sizes = numbers.length > 0 ? numbers : [16, 64, 256, 1024];
const rng = new Rng(5);
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
for (const n of sizes) {
  const a = rng.normal([n, n]);
  const b = rng.normal([n, n]);
  const flops = 2 * n ** 3;
  const inner = Math.max(1, Math.round(6e8 / flops)); // ~0.15 s of work per sample
  for (let i = 0; i < 3 * inner; i++) matmul(a, b); // warm-up: JIT tiers, pack buffers
  const cpu = [];
  const wall = [];
  for (let s = 0; s < 9; s++) {
    const c0 = process.cpuUsage().user;
    const w0 = process.hrtime.bigint();
    for (let i = 0; i < inner; i++) matmul(a, b);
    wall.push((flops * inner) / (Number(process.hrtime.bigint() - w0) / 1e9) / 1e9);
    cpu.push((flops * inner) / ((process.cpuUsage().user - c0) / 1e6) / 1e9);
  }
  console.log(`n=${n}\t${median(cpu).toFixed(2)} GFLOP/s (CPU time)\t${median(wall).toFixed(2)} GFLOP/s (wall clock)`);
}
