import { setBackend, matmul, dispose, Rng } from '@tapestry/core';
import { nativeBackend } from '@tapestry/native';
setBackend(nativeBackend);
const n = Number(process.argv[2] ?? 1024);
const rng = new Rng(0);
const a = rng.normal([n, n]), b = rng.normal([n, n]);
const reps = Math.max(3, Math.round(2e10 / (2*n**3)));
for (let k = 0; k < 6; k++) {
  let t0 = performance.now();
  for (let i = 0; i < reps; i++) { dispose(matmul(a, b)); }
  const d = (2*n**3*reps/((performance.now()-t0)/1000)/1e9).toFixed(1);
  t0 = performance.now();
  for (let i = 0; i < reps; i++) { matmul(a, b); }
  console.log('dispose', d, 'gc', (2*n**3*reps/((performance.now()-t0)/1000)/1e9).toFixed(1));
}
