import { afterEach, describe, expect, it, vi } from 'vitest';
import { Rng, add, detectAnomaly, grad, hessianVectorProduct, jsBackend, matmul, mul, setBackend, sum, tanh, wasmBackend, zeros, type Tensor } from '@tapestry/core';
import { gruCell, lstmCell, rnnCell, scan, type Cell } from '../src/recurrent/index.js';
import { expectAgree } from './scan-compiled-helpers.js';

// What a trace cannot see makes scan run op by op — with the same results — and say why.

type P = { w: Tensor };
function cellWith(name: string, extra: (h: Tensor, x: Tensor, p: P) => Tensor): Cell<P, Tensor> {
  return {
    name,
    outputSize: 2,
    init: (rng, inputSize, dtype = 'float32') => ({ w: rng.normal([2, inputSize], { dtype }) }),
    initCarry: (batch, dtype = 'float32') => zeros([batch, 2], dtype),
    step: (p, h, x) => {
      const next = tanh(add(matmul(x, p.w, { transB: true }), extra(h, x, p)));
      return [next, next];
    },
  };
}

const rng = new Rng(4);
const xs = rng.normal([2, 3, 2], { dtype: 'float64' });

/** The default scan of a fresh cell from `make` falls back; its gradient equals that of `compile: false`. */
function bothPaths(make: () => Cell<P, Tensor>): { reason: string } {
  const params = make().init(new Rng(1), 2, 'float64');
  let reason = '';
  const lossWith = (cell: Cell<P, Tensor>, compile: boolean) => (p: P) => {
    const out = scan(cell, p, xs, { compile });
    expect(out.path.compiled).toBe(false);
    reason = compile ? out.path.reason : reason;
    return sum(mul(out.outputs, out.outputs));
  };
  const g = grad(lossWith(make(), true))(params);
  const reference = grad(lossWith(make(), false))(params);
  expectAgree('∂w', g.w, reference.w);
  return { reason };
}

describe('scan falls back to running op by op', () => {
  afterEach(() => vi.restoreAllMocks());

  it('when the step reads values (a value-dependent branch)', () => {
    const make = () => cellWith('branchy', (h) => (h.data[0] > 0 ? mul(h, 2) : h));
    expect(bothPaths(make).reason).toMatch(/read the values/);
  });

  it('when the step draws random numbers', () => {
    const make = () => {
      const noise = new Rng(9);
      return cellWith('noisy', (h) => mul(h, noise.uniform(h.shape, { dtype: h.dtype })));
    };
    expect(bothPaths(make).reason).toMatch(/random/);
  });

  it('when an outer transform records (higher-order derivatives), with exact second derivatives', () => {
    const cell = rnnCell({ hiddenSize: 2 });
    const params = cell.init(new Rng(3), 2, 'float64');
    const v = new Rng(5).normal(params.weight_hh.shape, { dtype: 'float64' });
    const paths: boolean[] = [];
    const spy = vi.spyOn(console, 'info').mockImplementation((line: string) => void paths.push(line.includes(': compiled')));
    const hvp = hessianVectorProduct((w) => {
      const out = scan(cell, { ...params, weight_hh: w }, xs, { explain: true });
      return sum(mul(out.outputs, out.outputs));
    }, params.weight_hh, v);
    spy.mockRestore();
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.some((compiled) => !compiled)).toBe(true);
    const reference = hessianVectorProduct((w) => {
      const out = scan(cell, { ...params, weight_hh: w }, xs, { compile: false });
      return sum(mul(out.outputs, out.outputs));
    }, params.weight_hh, v);
    expectAgree('Hv', hvp, reference);
  });

  it('TAPESTRY_SCAN_COMPILE takes 1/true, 0/false and auto, and names itself for anything else', () => {
    const cell = rnnCell({ hiddenSize: 2 });
    const params = cell.init(new Rng(1), 2, 'float64');
    const saved = process.env.TAPESTRY_SCAN_COMPILE;
    try {
      for (const [value, compiled] of [['true', true], ['1', true], ['false', false], ['0', false], ['auto', true]] as const) {
        process.env.TAPESTRY_SCAN_COMPILE = value;
        expect(scan(cell, params, xs).path.compiled).toBe(compiled);
      }
      process.env.TAPESTRY_SCAN_COMPILE = 'yes';
      expect(() => scan(cell, params, xs)).toThrow("TAPESTRY_SCAN_COMPILE must be 1, true, 0, false or auto, got 'yes'");
    } finally {
      if (saved === undefined) delete process.env.TAPESTRY_SCAN_COMPILE;
      else process.env.TAPESTRY_SCAN_COMPILE = saved;
    }
  });

  it('when anomaly detection is on', () => {
    const cell = rnnCell({ hiddenSize: 2 });
    const out = detectAnomaly(() => scan(cell, cell.init(new Rng(1), 2, 'float64'), xs));
    expect(out.path).toEqual({ compiled: false, reason: expect.stringMatching(/anomaly/) });
  });

  it('explains the path on request', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'info').mockImplementation((line: string) => void lines.push(line));
    const cell = rnnCell({ hiddenSize: 2 });
    scan(cell, cell.init(new Rng(1), 2, 'float64'), xs, { explain: true });
    scan(cell, cell.init(new Rng(1), 2, 'float64'), xs, { explain: true, compile: false });
    expect(lines[0]).toMatch(/^scan\(rnn\(tanh\)\): compiled — forward: 1 element-wise program/);
    expect(lines[1]).toBe('scan(rnn(tanh)): interpreted — compile: false was passed');
  });
});

describe('scan compiles by default', () => {
  it('the built-in LSTM and GRU too, on the js and wasm backends, their fused gates traced as the composed form', () => {
    for (const be of [jsBackend, wasmBackend]) {
      const previous = setBackend(be);
      try {
        for (const cell of [lstmCell({ hiddenSize: 2 }), gruCell({ hiddenSize: 2 })] as Cell<unknown, unknown>[]) {
          const params = cell.init(new Rng(1), 2, 'float64');
          const auto = scan(cell, params, xs);
          expect(auto.path.compiled).toBe(true);
          expect(auto.path.reason).toMatch(/fused op\(s\) (lstmGates|gruGates) traced as their composition/);
          expectAgree('outputs', auto.outputs, scan(cell, params, xs, { compile: false }).outputs);
        }
      } finally {
        setBackend(previous);
      }
    }
  });
});
