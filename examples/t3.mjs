import { setBackend, matmul, dispose, Rng } from '@tapestry/core';
import { nativeBackend } from '@tapestry/native';
setBackend(nativeBackend);
const n = Number(process.argv[2] ?? 1024);
const rng = new Rng(0);
const a = rng.normal([n, n]), b = rng.normal([n, n]);
const reps = Math.max(3, Math.round(1e10 / (2*n**3)));
const r = [];
for (let k = 0; k < 7; k++) {
  let t0 = performance.now();
  for (let i = 0; i < reps; i++) { dispose(matmul(a, b)); }
  r.push(2*n**3*reps/((performance.now()-t0)/1000)/1e9);
}
r.sort((x,y)=>x-y); console.log(r[3].toFixed(1));
