// Per-op overhead: 100k tiny ops (4-element tensors), with and without a tape, and
// the reverse sweep over them; then the same for 1000-op tapes. Times are CPU time
// (robust on a shared machine). Run after building: node scripts/bench-overhead.mjs [dist]
const dist = process.argv[2] ?? '../dist/index.js';
const { add, backward, mul, noGrad, sum, tanh, tensor, Tape, withTape } = await import(dist);

const N = 100_000;
const x = tensor([0.1, 0.2, 0.3, 0.4]);
function chain() {
  let y = x;
  for (let i = 0; i < N / 4; i++) y = tanh(add(mul(y, 0.5), x)), (y = mul(y, y));
  return sum(y);
}
function time(label, fn, reps = 7) {
  fn();
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.cpuUsage().user;
    fn();
    samples.push(((process.cpuUsage().user - t0) * 1000) / N);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label}: ${samples[reps >> 1].toFixed(0)} ns/op`);
}
time('forward, no tape', () => noGrad(chain));
time('forward, recording', () => {
  const tape = new Tape();
  tape.watch(x);
  withTape(tape, chain);
});
time('forward + backward', () => {
  const tape = new Tape();
  tape.watch(x);
  const out = withTape(tape, chain);
  backward(tape, [out], [tensor(1)], [x]);
});
// A more typical tape: 1000 ops, recorded and swept 100 times.
const M = 1000;
function shortChain() {
  let y = x;
  for (let i = 0; i < M / 4; i++) y = tanh(add(mul(y, 0.5), x)), (y = mul(y, y));
  return sum(y);
}
function timeShort(label, fn, reps = 7) {
  for (let i = 0; i < 20; i++) fn();
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.cpuUsage().user;
    for (let i = 0; i < 100; i++) fn();
    samples.push(((process.cpuUsage().user - t0) * 1000) / (100 * M));
  }
  samples.sort((a, b) => a - b);
  console.log(`${label}: ${samples[reps >> 1].toFixed(0)} ns/op`);
}
timeShort('1k-op tape, forward, no tape', () => noGrad(shortChain));
timeShort('1k-op tape, forward, recording', () => {
  const tape = new Tape();
  tape.watch(x);
  withTape(tape, shortChain);
});
timeShort('1k-op tape, forward + backward', () => {
  const tape = new Tape();
  tape.watch(x);
  const out = withTape(tape, shortChain);
  backward(tape, [out], [tensor(1)], [x]);
});
