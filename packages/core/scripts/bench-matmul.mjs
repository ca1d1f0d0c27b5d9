// W5 matmul throughput: C = A·B in float32, square n, GFLOP/s = 2n³ / seconds,
// median of repeats after a warm-up. Run after building: node scripts/bench-matmul.mjs [n...]
import { matmul, Rng } from '../dist/index.js';

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [64, 256, 1024];
const rng = new Rng(5);
for (const n of sizes) {
  const a = rng.normal([n, n]);
  const b = rng.normal([n, n]);
  const flops = 2 * n ** 3;
  // Enough repeats for ~0.3 s of work per sample at ~4 GFLOP/s, at least 1.
  const inner = Math.max(1, Math.round(1.2e9 / flops));
  for (let i = 0; i < 3 * inner; i++) matmul(a, b); // warm-up (JIT, pack buffers)
  const samples = [];
  for (let s = 0; s < (n >= 1024 ? 5 : 9); s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < inner; i++) matmul(a, b);
    const sec = Number(process.hrtime.bigint() - t0) / 1e9;
    samples.push((flops * inner) / sec / 1e9);
  }
  samples.sort((x, y) => x - y);
  console.log(`n=${n}\t${samples[samples.length >> 1].toFixed(2)} GFLOP/s\t(min ${samples[0].toFixed(2)}, max ${samples[samples.length - 1].toFixed(2)})`);
}
