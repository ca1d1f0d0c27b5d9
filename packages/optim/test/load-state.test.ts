import { DTypeError, ShapeError, Tensor, TapestryError, ValueError, fromStorage } from '@tapestry/core';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { adagrad, adam, applyIfFinite, chain, clipByGlobalNorm, loadState, masked, scaleByAdam, sgd } from '../src/index.js';
import { numRuns, sameTree, smallGrads, smallParams, t, throughFile } from './helpers.js';

const opt = chain(clipByGlobalNorm(1), adam({ lr: 0.1, amsgrad: true }));
const template = (): ReturnType<typeof opt.init> => opt.init(smallParams());
/** A state after two updates, written out and read back as plain data. */
function saved(): Record<string, unknown>[] {
  let params = smallParams();
  let state = opt.init(params);
  for (let k = 0; k < 2; k++) [params, state] = opt.step(smallGrads(k), state, params);
  return throughFile(state) as Record<string, unknown>[];
}
/** The error message of a refused load. */
function refusal(saved: unknown, tmpl: unknown = template()): string {
  const result = loadState(tmpl, saved);
  if (!isLeft(result)) throw new Error('the state was accepted');
  expect(result.left).toBeInstanceOf(TapestryError);
  return result.left.message;
}
/** `saved()` with `edit` applied to adam's link state (`state[1].adam`). */
function withAdam(edit: (adamState: Record<string, unknown>) => void): unknown {
  const s = saved();
  edit((s[1] as Record<string, Record<string, unknown>>).adam);
  return s;
}
const tensorsOf = (node: unknown): Record<string, Tensor> => node as Record<string, Tensor>;

describe('loadState accepts a state that was saved', () => {
  it('and returns it unchanged', () => {
    const s = saved();
    const loaded = loadState(template(), s);
    expect(isRight(loaded) && sameTree(loaded.right, s)).toBe(true);
  });

  it('takes a number stored as a one-element tensor (a tensor-only file)', () => {
    const s = saved();
    const link = s[0] as Record<string, unknown>;
    link.count = fromStorage([1], Float64Array.of(2));
    const loaded = loadState(template(), s);
    expect(isRight(loaded) && loaded.right[0].count).toBe(2);
  });

  it('takes a stateless link whose empty record was not stored', () => {
    const s = saved();
    delete (s[1] as Record<string, unknown>).ascend;
    expect(isRight(loadState(template(), s))).toBe(true);
  });
});

describe('loadState refuses what no optimizer could have saved, naming the entry', () => {
  it('null, a string, a tensor where the state is a record', () => {
    expect(refusal(null)).toBe('loadState: the state should be an array (a chain of 2), got null');
    expect(refusal('adam')).toBe('loadState: the state should be an array (a chain of 2), got the string "adam"');
    expect(refusal([saved()[0], null])).toBe("loadState: '1' should be an object (with entries ascend, weightDecay, adam, lr), got null");
  });

  it('a negative second moment', () => {
    const bad = withAdam((a) => (tensorsOf(a.nu).fc = { ...tensorsOf(tensorsOf(a.nu).fc), bias: t([0.5, -1e-3]) } as unknown as Tensor));
    expect(refusal(bad)).toBe("loadState: '1.adam.nu.fc.bias' holds a negative second moment -0.001 at element 1");
    const badMax = withAdam((a) => ((a.nuMax as { layers: Tensor[] }).layers[1] = t([-2])));
    expect(refusal(badMax)).toBe("loadState: '1.adam.nuMax.layers.1' holds a negative second moment -2 at element 0");
  });

  it('NaN or infinite moments', () => {
    const nan = withAdam((a) => ((a.mu as { layers: Tensor[] }).layers[1] = t([Number.NaN])));
    expect(refusal(nan)).toBe("loadState: '1.adam.mu.layers.1' holds NaN at element 0; a moment must be finite");
    const inf = withAdam((a) => ((a.nu as { layers: Tensor[] }).layers[0] = t([1, 2, Infinity, 3], [2, 2])));
    expect(refusal(inf)).toBe("loadState: '1.adam.nu.layers.0' holds Infinity at element 2; a moment must be finite");
  });

  it('a negative, fractional or non-numeric count', () => {
    expect(refusal(withAdam((a) => (a.count = -1)))).toBe("loadState: '1.adam.count' is a count and must be a non-negative integer, got -1");
    expect(refusal(withAdam((a) => (a.count = 2.5)))).toBe("loadState: '1.adam.count' is a count and must be a non-negative integer, got 2.5");
    expect(refusal(withAdam((a) => (a.count = '2')))).toBe("loadState: '1.adam.count' should be a number, got the string \"2\"");
  });

  it('a negative norm', () => {
    const s = saved();
    (s[0] as Record<string, unknown>).lastNorm = -1;
    expect(refusal(s)).toBe("loadState: '0.lastNorm' is a norm and cannot be negative, got -1");
  });

  it('a missing, extra, mis-shaped or mis-typed entry', () => {
    expect(refusal(withAdam((a) => delete a.nuMax))).toBe("loadState: '1.adam.nuMax' should be an object (with entries fc, layers), got undefined");
    expect(refusal(withAdam((a) => (a.extra = t([1]))))).toBe("loadState: '1.adam.extra' has no place in this optimizer state (different settings or parameters?)");
    const shape = loadState(template(), withAdam((a) => ((a.mu as { layers: Tensor[] }).layers[1] = t([1, 2]))));
    expect(isLeft(shape) && shape.left).toBeInstanceOf(ShapeError);
    expect(isLeft(shape) && shape.left.message).toBe("loadState: '1.adam.mu.layers.1' has shape [2], the state needs [1]");
    const dtype = loadState(template(), withAdam((a) => ((a.mu as { layers: Tensor[] }).layers[1] = t([1], [1], 'float32'))));
    expect(isLeft(dtype) && dtype.left).toBeInstanceOf(DTypeError);
    expect(refusal(withAdam((a) => ((a.mu as { layers: Tensor[] }).layers = [(a.mu as { layers: Tensor[] }).layers[0]])))).toBe(
      "loadState: '1.adam.mu.layers' should have 2 entries, got 1",
    );
  });

  it('another optimizer’s state', () => {
    const other = throughFile(chain(clipByGlobalNorm(1), sgd({ lr: 0.1, momentum: 0.9 })).init(smallParams()));
    expect(refusal(other)).toBe("loadState: '1.momentum' has no place in this optimizer state (different settings or parameters?)");
    expect(refusal(throughFile(adagrad().init(smallParams())), adam().init(smallParams()))).toBe(
      "loadState: 'adagrad' has no place in this optimizer state (different settings or parameters?)",
    );
  });

  it('a state for parameters a mask skips', () => {
    const tx = masked(scaleByAdam(), { fc: true, layers: false });
    const s = throughFile(scaleByAdam().init(smallParams()));
    expect(refusal({ inner: s }, tx.init(smallParams()))).toBe("loadState: 'inner.mu.layers.0' should be absent (a parameter the transformation skips), got a tensor of shape [2,2]");
  });
});

describe('fuzz: a corrupted state loads as it is or is refused with a Tapestry error, never a crash', () => {
  const guarded = applyIfFinite(chain(clipByGlobalNorm(1), adam({ lr: 0.1, amsgrad: true })));
  const tmpl = guarded.init(smallParams());
  const good = (): unknown => throughFile(tmpl);
  const junk = fc.oneof(
    fc.constant(null),
    fc.constant(undefined),
    fc.double(),
    fc.string({ maxLength: 5 }),
    fc.boolean(),
    fc.array(fc.double(), { maxLength: 3 }).map((v) => t(v)),
    fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
    fc.array(fc.integer(), { maxLength: 2 }),
  );
  /** Replaces the node at a random path of `tree` (chosen by `pick`) with `value`. */
  function corrupt(tree: unknown, pick: number[], value: unknown): unknown {
    if (tree === null || typeof tree !== 'object' || tree instanceof Tensor || pick.length === 0) return value;
    const keys = Object.keys(tree);
    if (keys.length === 0) return value;
    const key = keys[pick[0] % keys.length];
    const copy: Record<string, unknown> = Array.isArray(tree) ? ([...tree] as unknown as Record<string, unknown>) : { ...tree };
    copy[key] = corrupt((tree as Record<string, unknown>)[key], pick.slice(1), value);
    return copy;
  }

  /**
   * `tree` as loadState returns it when accepted: a one-element tensor where the template holds a
   * number is read as that number (a tensor-only file stores counts and norms that way).
   */
  function numbersUnwrapped(tree: unknown, template: unknown): unknown {
    if (typeof template === 'number' && tree instanceof Tensor && tree.size === 1) return tree.data[0];
    if (tree === null || typeof tree !== 'object' || tree instanceof Tensor || template === null || typeof template !== 'object') return tree;
    const copy: Record<string, unknown> = Array.isArray(tree) ? ([...tree] as unknown as Record<string, unknown>) : { ...tree };
    for (const key of Object.keys(copy)) copy[key] = numbersUnwrapped(copy[key], (template as Record<string, unknown>)[key]);
    return copy;
  }

  it('replaced nodes', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), junk, (pick, value) => {
        const bad = corrupt(good(), pick, value);
        const result = loadState(tmpl, bad);
        if (isLeft(result)) {
          expect(result.left).toBeInstanceOf(TapestryError);
          expect(result.left.message.startsWith('loadState: ')).toBe(true);
        } else expect(sameTree(result.right, numbersUnwrapped(bad, tmpl)) || sameTree(result.right, tmpl)).toBe(true);
      }),
      { numRuns: numRuns * 4 },
    );
  });

  it('flipped tensor elements are accepted only when they stay finite (and ≥ 0 in second moments)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.double(), (which, value) => {
        const s = good() as { inner: Record<string, unknown>[] };
        const adamState = (s.inner[1] as Record<string, Record<string, unknown>>).adam;
        const field = (['mu', 'nu', 'nuMax'] as const)[which % 3];
        const leaf = (adamState[field] as { fc: { weight: Tensor } }).fc;
        const data = Float64Array.from(leaf.weight.data);
        data[which % data.length] = value;
        leaf.weight = fromStorage(leaf.weight.shape, data);
        const result = loadState(tmpl, s);
        const acceptable = Number.isFinite(value) && (field === 'mu' || value >= 0);
        expect(isRight(result)).toBe(acceptable);
        if (isLeft(result)) expect(result.left).toBeInstanceOf(ValueError);
      }),
      { numRuns: numRuns * 4 },
    );
  });
});
