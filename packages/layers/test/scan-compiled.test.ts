import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Rng, add, leaves, mul, record, sum, valueAndGrad, type Tensor } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { bidirectional, gruCell, lstmCell, recurrent, rnnCell, scan, stackLayers, type Cell } from '../src/recurrent/index.js';
import { randomCell, recipes } from './random-cells.js';
import { expectAgree, withScanCompile } from './scan-compiled-helpers.js';

type AnyCell = Cell<Record<string, Tensor>, unknown>;

/** A loss that reads every output and every carry leaf, each with its own random weight. */
function weightedSum(rng: Rng, tensors: Tensor[]): Tensor {
  return tensors.map((t) => sum(mul(t, rng.normal(t.shape, { dtype: 'float64' })))).reduce((a, b) => add(a, b));
}

describe('compiled scan equals the op-by-op scan (float64, 1e-12)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('for random cells from the registry: carry trees, both directions, random lengths, given carries', () => {
    fc.assert(
      fc.property(recipes, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.nat(), fc.boolean(), fc.boolean(), (recipe, B, T, seed, reverse, padded) => {
        const cell = randomCell(recipe) as AnyCell;
        const rng = new Rng(seed);
        const params = cell.init(rng, 2, 'float64');
        const xs = rng.normal([B, T, 2], { dtype: 'float64' });
        const given = mapCarry(cell.initCarry(B, 'float64'), () => rng.normal([B, recipe.hidden], { dtype: 'float64' }));
        const lengths = padded ? Array.from({ length: B }, () => 1 + rng.nextInt(T)) : undefined;
        const lossRng = () => new Rng(seed + 1);
        const run = (compile: boolean) => {
          let path = { compiled: false, reason: '' };
          const [loss, grads] = valueAndGrad((p: Record<string, Tensor>, x: Tensor, c: unknown) => {
            const out = scan(cell, p, x, { lengths, reverse, carry: c, compile });
            path = out.path;
            return weightedSum(lossRng(), [out.outputs, ...leaves(out.carry)]);
          }, { argnums: [0, 1, 2] })(params, xs, given);
          return { loss, grads: [...leaves(grads[0]), grads[1], ...leaves(grads[2])], path };
        };
        const compiled = run(true);
        const interpreted = run(false);
        expect(compiled.path.compiled, compiled.path.reason).toBe(true);
        expect(interpreted.path.compiled).toBe(false);
        expectAgree('loss', compiled.loss, interpreted.loss);
        compiled.grads.forEach((g, i) => expectAgree(`gradient ${i}`, g, interpreted.grads[i]));
      }),
      { numRuns: propertyRuns(40) },
    );
  });

  it('with the projection run inside the step (stepwise project, batch ≥ 8): random and built-in cells, both directions, lengths', () => {
    const builtIn = [rnnCell({ hiddenSize: 3 }), lstmCell({ hiddenSize: 3 }), gruCell({ hiddenSize: 3 })] as unknown as AnyCell[];
    fc.assert(
      fc.property(fc.oneof(recipes.map((r) => randomCell({ ...r, project: true }) as AnyCell), fc.constantFrom(...builtIn)), fc.integer({ min: 8, max: 10 }), fc.integer({ min: 1, max: 4 }), fc.nat(), fc.boolean(), (cell, B, T, seed, reverse) => {
        const rng = new Rng(seed);
        const params = cell.init(rng, 2, 'float64');
        const xs = rng.normal([B, T, 2], { dtype: 'float64' });
        const lengths = Array.from({ length: B }, () => 1 + rng.nextInt(T));
        const run = (compile: boolean) => {
          let reason = '';
          const [loss, grads] = valueAndGrad((p: Record<string, Tensor>, x: Tensor) => {
            const out = scan(cell, p, x, { lengths, reverse, compile });
            reason = out.path.reason;
            return weightedSum(new Rng(seed + 1), [out.outputs, ...leaves(out.carry)]);
          }, { argnums: [0, 1] })(params, xs);
          return { loss, grads: [...leaves(grads[0]), grads[1]], reason };
        };
        const compiled = run(true);
        const interpreted = run(false);
        expect(compiled.reason).toMatch(/^forward: /);
        // A built-in cell's step has one product of its own: the projection's is the second.
        if (builtIn.includes(cell)) expect(compiled.reason).toMatch(/forward: \d+ element-wise program\(s\), 2 product/);
        expectAgree('loss', compiled.loss, interpreted.loss);
        compiled.grads.forEach((g, i) => expectAgree(`gradient ${i}`, g, interpreted.grads[i]));
      }),
      { numRuns: propertyRuns(15) },
    );
  });

  it('for stacked and bidirectional random cells, with lengths', () => {
    fc.assert(
      fc.property(recipes, recipes, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.nat(), (r1, r2, B, T, seed) => {
        const c1 = randomCell(r1) as AnyCell;
        const c2 = randomCell(r2) as AnyCell;
        const model = stackLayers([bidirectional(c1, c2), recurrent(c2, { reverse: true })]);
        const rng = new Rng(seed);
        const params = model.init(rng, 2, 'float64');
        const xs = rng.normal([B, T, 2], { dtype: 'float64' });
        const lengths = Array.from({ length: B }, () => 1 + rng.nextInt(T));
        const run = (compile: boolean) =>
          withScanCompile(compile, () =>
            valueAndGrad((p: typeof params, x: Tensor) => {
              const out = model.apply(p, x, { lengths });
              return weightedSum(new Rng(seed + 1), [out.outputs, ...leaves(out.carry)]);
            }, { argnums: [0, 1] })(params, xs),
          );
        const [lc, gc] = run(true);
        const [li, gi] = run(false);
        expectAgree('loss', lc, li);
        const a = [...leaves(gc[0]), gc[1]];
        const b = [...leaves(gi[0]), gi[1]];
        a.forEach((g, i) => expectAgree(`gradient ${i}`, g, b[i]));
      }),
      { numRuns: propertyRuns(15) },
    );
  });

  it('keepStates: ∂L/∂h_t from a recording (and the weights\' gradient) is the same compiled and op by op', () => {
    const cell = randomCell({ hidden: 3, carry: 'object', leaves: 2, project: true, bias: 1, ops: [{ unary: false, fn: 2, a: 1, b: 3 }, { unary: true, fn: 0, a: 5, b: 0 }], next: [6, 4, 0], y: 6 }) as AnyCell;
    const rng = new Rng(5);
    const params = cell.init(rng, 2, 'float64');
    const xs = rng.normal([2, 4, 2], { dtype: 'float64' });
    const perStep = (compile: boolean) => {
      const states: unknown[] = [];
      const rec = record(() => {
        const out = scan(cell, params, xs, { keepStates: true, lengths: [4, 2], compile });
        states.push(...out.states);
        expect(out.path.compiled).toBe(compile);
        // The loss also reads a state directly: its cotangent must reach the parameters
        // and add to the recurrence's part of ∂L/∂h_1.
        return add(sum(mul(out.outputs, out.outputs)), sum(mul(leaves(out.states[1])[0], 3)));
      });
      const weights = leaves(rec.gradient(rec.value, params));
      return [...states.map((s) => leaves(rec.gradient(rec.value, s))), weights];
    };
    const compiled = perStep(true);
    const interpreted = perStep(false);
    compiled.forEach((gs, t) => gs.forEach((g, j) => expectAgree(`∂L/∂h_${t}[${j}]`, g, interpreted[t][j])));
  });
});

function mapCarry(carry: unknown, fn: () => Tensor): unknown {
  if (Array.isArray(carry)) return carry.map(fn);
  if (carry !== null && typeof carry === 'object' && !('shape' in carry)) return Object.fromEntries(Object.keys(carry).map((k) => [k, fn()]));
  return fn();
}
