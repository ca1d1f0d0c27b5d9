// Compiled against op-by-op scan, in one process, alternating (CPU time, medians):
//   per-step overhead — LSTM, hidden 16, batch 1, 200 steps, forward + backward, µs/step;
//   W1-like — LSTM/GRU/RNN hidden 16, B = 90, T = 10, input 1, Linear(16 → 1), MSE, Adam: ms/epoch;
//   W3-like — RNN and LSTM, B = 8, T = 512, H = 128, input 32, keepStates and ∂L/∂h_t for
//   every t, as bench W3 does: ms/iteration.
// Run after building: node scripts/bench-compiled-scan.mjs [js|wasm] [overhead|w1|w3]
// The side-by-side mode shares one process, so each path's JIT state and garbage affect
// the other: quote ratios from whole processes, one variant alone each, alternating
// (e.g. with a tool that times two commands in turn):
//   node scripts/bench-compiled-scan.mjs wasm w3:lstm compiled|interpreted ITERATIONS
const backendName = process.argv[2] ?? 'js';
const only = process.argv[3];
const single = process.argv[4];
const iterations = Number(process.argv[5] ?? 10);
const core = await import('@tapestry/core');
const layers = await import('../dist/index.js');
const { adam, applyUpdates } = await import('../../optim/dist/index.js');
const { Rng, mean, mul, record, setBackend, sqrt, sum, valueAndGrad, wasmBackend, jsBackend } = core;
const { gruCell, hiddenState, linear, lstmCell, mseLoss, rnnCell, scan } = layers;
setBackend(backendName === 'wasm' ? wasmBackend : jsBackend);

function cpuMs(fn) {
  const t0 = process.cpuUsage();
  fn();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
}

/** Medians of `reps` alternating runs of each variant, after `warm` warm-up runs. */
function compare(label, make, { reps = 15, warm = 3, per = 1, unit = 'ms' } = {}) {
  if (single !== undefined) {
    const fn = make(single === 'compiled');
    for (let i = 0; i < iterations; i++) fn();
    return;
  }
  const variants = { compiled: make(true), interpreted: make(false) };
  const samples = { compiled: [], interpreted: [] };
  for (let r = 0; r < warm + reps; r++) {
    for (const [name, fn] of Object.entries(variants)) {
      const ms = cpuMs(fn);
      if (r >= warm) samples[name].push(ms / per);
    }
  }
  const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  const c = med(samples.compiled);
  const i = med(samples.interpreted);
  const scale = unit === 'µs' ? 1000 : 1;
  console.log(`${label} [${backendName}]: compiled ${(c * scale).toFixed(unit === 'µs' ? 1 : 2)} ${unit}, interpreted ${(i * scale).toFixed(unit === 'µs' ? 1 : 2)} ${unit} (${(i / c).toFixed(2)}×)`);
}

function perStepOverhead() {
  const cell = lstmCell({ hiddenSize: 16 });
  const rng = new Rng(0);
  const params = cell.init(rng, 16);
  const xs = rng.normal([1, 200, 16]);
  compare('per-step overhead, LSTM H=16 B=1 T=200, fwd+bwd', (compile) => () => {
    valueAndGrad((p) => sum(scan(cell, p, xs, { compile }).outputs))(params);
  }, { per: 200, unit: 'µs' });
}

function w1(kind) {
  const cell = kind === 'lstm' ? lstmCell({ hiddenSize: 16 }) : kind === 'gru' ? gruCell({ hiddenSize: 16 }) : rnnCell({ hiddenSize: 16 });
  const [r1, r2] = new Rng(1).split(2);
  const ts = Array.from({ length: 100 }, (_, i) => Math.sin((4 * Math.PI * i) / 99));
  const X = core.tensor(Array.from({ length: 90 }, (_, i) => ts.slice(i, i + 10).map((v) => [v])));
  const Y = core.tensor(Array.from({ length: 90 }, (_, i) => ts.slice(i + 1, i + 11).map((v) => [v])));
  compare(`W1-like ${kind} H=16 B=90 T=10, Adam, per epoch`, (compile) => {
    let params = { cell: cell.init(r1, 1), head: linear.init(r2, 16, 1) };
    const opt = adam({ lr: 1e-3 });
    let state = opt.init(params);
    const loss = (p) => mseLoss(linear.apply(p.head, scan(cell, p.cell, X, { compile }).outputs), Y);
    return () => {
      const [, grads] = valueAndGrad(loss)(params);
      const step = opt.update(grads, state, params);
      params = applyUpdates(params, step.updates);
      state = step.state;
    };
  }, { reps: 41, warm: 10 });
}

function w3(kind) {
  const cell = kind === 'lstm' ? lstmCell({ hiddenSize: 128 }) : rnnCell({ hiddenSize: 128 });
  const [r1, r2, r3] = new Rng(2).split(3);
  const params = { cell: cell.init(r1, 32), head: linear.init(r2, 128, 1) };
  const xs = r3.normal([8, 512, 32]);
  compare(`W3-like ${kind} B=8 T=512 H=128, keepStates + ∂L/∂h_t`, (compile) => () => {
    const rec = record(() => {
      const { carry, states } = scan(cell, params.cell, xs, { keepStates: true, compile });
      return { states, loss: mean(linear.apply(params.head, hiddenState(carry))) };
    });
    const [, perStep] = rec.gradient(rec.value.loss, [params, rec.value.states.map(hiddenState)]);
    perStep.map((g) => sqrt(sum(mul(g, g))).item());
  }, { reps: 7, warm: 2 });
}

const all = {
  overhead: perStepOverhead,
  w1: () => ['rnn', 'lstm', 'gru'].forEach(w1),
  w3: () => ['rnn', 'lstm'].forEach(w3),
  'w1:rnn': () => w1('rnn'),
  'w1:lstm': () => w1('lstm'),
  'w1:gru': () => w1('gru'),
  'w3:rnn': () => w3('rnn'),
  'w3:lstm': () => w3('lstm'),
};
const chosen = only === undefined ? ['overhead', 'w1', 'w3'] : [only];
for (const name of chosen) all[name]();
