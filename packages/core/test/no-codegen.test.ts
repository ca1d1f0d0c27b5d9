// Where code generation from strings is disallowed (node
// --disallow-code-generation-from-strings, a page whose Content-Security-Policy has no
// 'unsafe-eval'), the element-wise kernels run as closures and give the same numbers.
// The child runs the built package (`tsc -b` first, as the test command does).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { interpretedBinaryLoop, interpretedUnaryLoop, binaryLoop, unaryLoop } from '../src/backend/js/elementwise-loops.js';
import type { BinaryKind, UnaryKind } from '../src/index.js';

const coreUrl = new URL('../dist/index.js', import.meta.url).href;
const loopsUrl = new URL('../dist/backend/js/elementwise-loops.js', import.meta.url).href;

// A small training step: a two-layer tanh network fitted by plain gradient descent for
// 20 steps, exercising unary, binary (broadcast too), matmul, reductions and the tape.
const trainingScript = `
import { Rng, add, matmul, mean, relu, sigmoid, square, sub, tanh, valueAndGrad, mul } from ${JSON.stringify(coreUrl)};
import { generatesCode } from ${JSON.stringify(loopsUrl)};
const rng = new Rng(7);
let p = { w1: rng.normal([3, 8]), b1: rng.normal([8]), w2: rng.normal([8, 1]) };
const x = rng.normal([16, 3]);
const y = sigmoid(rng.normal([16, 1]));
const loss = (q) => mean(square(sub(matmul(relu(tanh(add(matmul(x, q.w1), q.b1))), q.w2), y)));
const losses = [];
for (let step = 0; step < 20; step++) {
  const [value, g] = valueAndGrad(loss)(p);
  losses.push(value.item());
  p = { w1: sub(p.w1, mul(g.w1, 0.1)), b1: sub(p.b1, mul(g.b1, 0.1)), w2: sub(p.w2, mul(g.w2, 0.1)) };
}
console.log(JSON.stringify({ generated: generatesCode(), losses }));`;

function train(flags: string[]): { generated: boolean; losses: number[] } {
  const out = execFileSync('node', [...flags, '--input-type=module', '-e', trainingScript], { encoding: 'utf8' });
  return JSON.parse(out) as { generated: boolean; losses: number[] };
}

describe('without code generation from strings', () => {
  it('a training step runs and gives exactly the losses of the generated kernels', () => {
    const generated = train([]);
    const closures = train(['--disallow-code-generation-from-strings']);
    expect(generated.generated).toBe(true);
    expect(closures.generated).toBe(false);
    expect(closures.losses[19]).toBeLessThan(closures.losses[0]);
    // Same float64 arithmetic in the same order: bit-identical, no tolerance needed.
    expect(closures.losses).toEqual(generated.losses);
  });

  it('every kind: the closure loop equals the generated loop, NaN and infinities included', () => {
    const values = [-3, -1, -0.5, -0, 0, 0.25, 1, 2.5, NaN, Infinity, -Infinity];
    const unaryKinds: UnaryKind[] = ['neg', 'exp', 'log', 'log1p', 'sqrt', 'abs', 'sign', 'tanh', 'sigmoid', 'relu', 'softplus', 'sin', 'cos', 'square', 'reciprocal', 'positive', 'clamp', 'inRange'];
    for (const kind of unaryKinds) {
      const xs = new Float64Array(values);
      const a = new Float64Array(xs.length), b = new Float64Array(xs.length);
      unaryLoop('float64', kind)(xs, a, xs.length, -1, 1);
      interpretedUnaryLoop(kind)(xs, b, xs.length, -1, 1);
      expect([kind, ...b]).toEqual([kind, ...a]);
    }
    const binaryKinds: BinaryKind[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
    const as = new Float64Array(values.flatMap((v) => values.map(() => v)));
    const bs = new Float64Array(values.flatMap(() => values));
    for (const kind of binaryKinds) {
      for (const [sa, sb] of [[1, 1], [1, 0], [0, 1]]) {
        const a = new Float64Array(as.length), b = new Float64Array(as.length);
        binaryLoop('float64', kind)(as, 3, sa, bs, 5, sb, a, 0, as.length - 5);
        interpretedBinaryLoop(kind)(as, 3, sa, bs, 5, sb, b, 0, as.length - 5);
        expect([kind, sa, sb, ...b]).toEqual([kind, sa, sb, ...a]);
      }
    }
  });
});
