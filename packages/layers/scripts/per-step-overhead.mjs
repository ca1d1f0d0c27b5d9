// Per-step overhead of a recurrence, op by op (`compile: false`) against compiled:
// hidden 16, batch 1, 200 steps, forward + backward through `valueAndGrad`, median of 300
// after one 300-run pass (µs per step). At this size the arithmetic is a few hundred
// multiply-adds per step, so the figure is what each path costs beyond it.
// Run after building: node scripts/per-step-overhead.mjs [native|wasm|js]
const backendName = process.argv[2] ?? 'js';
const core = await import('@tapestry/core');
const layers = await import('../dist/index.js');
const { Rng, tensor, setBackend, valueAndGrad, mean, jsBackend, wasmBackend } = core;
const { lstmCell, gruCell, rnnCell, scan, hiddenState } = layers;
if (backendName === 'native') setBackend((await import('../../native/dist/index.js')).nativeBackend);
else setBackend(backendName === 'wasm' ? wasmBackend : jsBackend);

const T = 200;
const xs = tensor(Array.from({ length: T }, (_, i) => Math.sin(i / 7)), { shape: [1, T, 1] });
for (const [name, make] of [['rnn', rnnCell], ['lstm', lstmCell], ['gru', gruCell]]) {
  const cell = make({ hiddenSize: 16 });
  const params = cell.init(new Rng(1), 1);
  const perStep = {};
  for (let pass = 0; pass < 2; pass++) {
    for (const compile of [false, true]) {
      const step = valueAndGrad((p) => mean(hiddenState(scan(cell, p, xs, { compile }).carry)));
      const times = [];
      for (let i = 0; i < 300; i++) {
        const t0 = performance.now();
        step(params);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      perStep[compile] = (times[150] * 1000) / T;
    }
  }
  console.log(`${backendName} ${name}: op by op ${perStep.false.toFixed(1)} µs/step, compiled ${perStep.true.toFixed(1)} µs/step`);
}
