// A bound loop split by batch rows (each thread running its rows through every step)
// computes exactly what the same loop computes command by command: forward values and
// gradients of LSTM, GRU and RNN loops are equal bit for bit, at 1, 2 and 7 threads, for
// batches that the threads do not divide, smaller than the thread count, and of one row.
// The batch sizes reach every product kernel: 1–9 rows the unpacked and dot kernels, 28
// the packed kernel for a transposed operand, 33 the packed kernel for both.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  Rng, add, backend, compileLoop, matmul, mul, setBackend, sigmoid, sliceAxis, sub, sum, tanh, valueAndGrad,
  type Backend, type LoopStep, type Tensor,
} from '@tapestry/core';
import { explainBoundSteps, nativeBackend, setNativeRowSplit, setNativeThreads } from '../src/index.js';
import { loaded } from '../src/addon.js';

const H = 12;

interface Cell {
  /** Gate blocks of H in the product h·Wᵀ. */
  readonly gates: number;
  /** Carried states ([B, H] each). */
  readonly carried: number;
  readonly step: LoopStep;
}

const gate = (a: Tensor, k: number): Tensor => sliceAxis(a, 1, k * H, (k + 1) * H);

const cells: Record<'lstm' | 'gru' | 'rnn', Cell> = {
  lstm: {
    gates: 4,
    carried: 2,
    step: ([w, b], [h, c], [x]) => {
      const a = add(add(x, matmul(h, w, { transB: true })), b);
      const cn = add(mul(sigmoid(gate(a, 1)), c), mul(sigmoid(gate(a, 0)), tanh(gate(a, 2))));
      const hn = mul(sigmoid(gate(a, 3)), tanh(cn));
      return { carry: [hn, cn], ys: [hn] };
    },
  },
  gru: {
    gates: 3,
    carried: 1,
    step: ([w, b], [h], [x]) => {
      const p = add(matmul(h, w, { transB: true }), b);
      const r = sigmoid(add(gate(x, 0), gate(p, 0)));
      const z = sigmoid(add(gate(x, 1), gate(p, 1)));
      const n = tanh(add(gate(x, 2), mul(r, gate(p, 2))));
      const hn = add(n, mul(z, sub(h, n)));
      return { carry: [hn], ys: [hn] };
    },
  },
  rnn: {
    gates: 1,
    carried: 1,
    step: ([w, b], [h], [x]) => {
      const hn = tanh(add(add(x, matmul(h, w, { transB: true })), b));
      return { carry: [hn], ys: [hn] };
    },
  },
};

/** The native backend, recording what binding decided for every multi-step loop. */
const explained: string[] = [];
const recording: Backend = {
  ...nativeBackend,
  bindSteps: (commands, steps) => {
    const run = nativeBackend.bindSteps?.(commands, steps);
    if (run !== undefined && steps > 1) explained.push(explainBoundSteps(run) ?? 'not native');
    return run;
  },
};

const previous = backend();
afterEach(() => {
  setBackend(previous);
  setNativeRowSplit();
});
afterAll(() => setNativeThreads(2));

const T = 5;

/** Loss and every gradient of a loop over `cell`, as plain numbers. */
function run(cell: Cell, B: number, dtype: 'float32' | 'float64', mode: 'off' | 'always'): number[][] {
  setBackend(recording);
  setNativeRowSplit({ mode });
  const rng = new Rng(B * 31 + cell.gates);
  const G = cell.gates * H;
  const w = rng.normal([G, H], { dtype });
  const b = rng.normal([G], { dtype });
  const carry = Array.from({ length: cell.carried }, () => rng.normal([B, H], { dtype }));
  const xs = rng.normal([B, T, G], { dtype });
  const loop = compileLoop(cell.step, {
    consts: [w, b].map((t) => ({ shape: t.shape, dtype })),
    carry: carry.map((t) => ({ shape: t.shape, dtype })),
    xs: [{ shape: [B, G], dtype }],
  });
  const loss = (wt: Tensor, bt: Tensor, x: Tensor, ...c: Tensor[]): Tensor => {
    const r = loop.run([wt, bt], c, [x]);
    return [...r.carry, ...r.ys].map((o) => sum(mul(o, o))).reduce((p, q) => add(p, q));
  };
  const [value, grads] = valueAndGrad(loss, { argnums: [0, 1, 2, 3] as const })(w, b, xs, ...carry);
  return [value, ...grads].map((t) => Array.from(t.data));
}

const rowRuns = (): number => loaded.addon?.rowRuns() ?? 0;

describe.each([1, 2, 7])('split by batch rows on %i threads', (threads) => {
  it.each([
    ['lstm', 1], ['lstm', 5], ['lstm', 9], ['lstm', 28], ['lstm', 33],
    ['gru', 1], ['gru', 5], ['gru', 9], ['gru', 28], ['gru', 33],
    ['rnn', 1], ['rnn', 9], ['rnn', 33],
  ] as const)('%s, batch %i: loss and gradients equal the command-by-command run bit for bit', (name, B) => {
    setNativeThreads(threads);
    const dtype = B === 9 ? 'float64' : 'float32';
    const serial = run(cells[name], B, dtype, 'off');
    explained.length = 0;
    const before = rowRuns();
    const split = run(cells[name], B, dtype, 'always');
    // The forward loop and the reverse sweep were both proven row-local, and both ran by rows.
    expect(explained).toHaveLength(2);
    for (const why of explained) expect(why).toBe(`rows: every command reads and writes only its own rows of a batch of ${B}`);
    expect(rowRuns() - before).toBe(2);
    expect(split).toEqual(serial);
    expect(serial[0][0]).toBeGreaterThan(0);
  });
});

it('the thread count does not change the results', () => {
  const at = (threads: number): number[][] => {
    setNativeThreads(threads);
    return run(cells.gru, 28, 'float32', 'always');
  };
  expect(at(7)).toEqual(at(1));
});
