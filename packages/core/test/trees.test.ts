import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ShapeError, Tensor, add, flatten, leaves, mapTree, tensor, unflatten, zeros, zipTrees, type Tree } from '../src/index.js';
import { propertyRuns, shapeArb } from '../src/testing/index.js';

// Random parameter trees: non-empty objects (identifier keys) and arrays, tensors at the
// leaves. Empty containers have no leaves, so flatten cannot represent them; they are
// excluded here and covered by their own test below.
const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    shapeArb({ maxRank: 2, maxDim: 2 }).map((s) => zeros(s)),
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
    fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/), tie('tree'), { minKeys: 1, maxKeys: 3, noNullPrototype: true }),
  ),
})).tree;

describe('flatten / unflatten', () => {
  it('gives dotted state-dict paths in depth-first order', () => {
    const w0 = zeros([2]), w1 = zeros([3]), b = zeros([1]);
    const params = { layers: [{ weight_ih: w0 }, { weight_ih: w1 }], head: { b } };
    expect(flatten(params).map(({ path }) => path)).toEqual(['layers.0.weight_ih', 'layers.1.weight_ih', 'head.b']);
    expect(leaves(params)).toEqual([w0, w1, b]);
    expect(flatten(w0)).toEqual([{ path: '', leaf: w0 }]);
  });

  it('unflatten(flatten(t)) rebuilds t with the very same leaves', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        const rebuilt = unflatten(flatten(tree));
        expect(rebuilt).toStrictEqual(tree);
        expect(leaves(rebuilt).every((leaf, i) => leaf === leaves(tree)[i])).toBe(true);
      }),
      { numRuns: propertyRuns(100) },
    );
  });

  it('unflatten accepts a record of paths', () => {
    const a = zeros([1]), b = zeros([2]);
    expect(unflatten({ 'x.0': a, 'x.1': b, y: a })).toStrictEqual({ x: [a, b], y: a });
  });

  it('unflatten rejects paths that nest inside a tensor, in either order', () => {
    const t = zeros([1]);
    expect(() => unflatten({ a: t, 'a.b': t })).toThrow(ShapeError);
    expect(() => unflatten([{ path: 'a.b', leaf: t }, { path: 'a', leaf: t }])).toThrow(/unflatten: 'a'/);
  });

  it('treats keys such as __proto__ and constructor as plain names', () => {
    const t = zeros([1]);
    const tree = unflatten([
      { path: '__proto__.x', leaf: t },
      { path: 'constructor', leaf: t },
    ]) as Record<string, unknown>;
    expect(Object.keys(tree)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(flatten(tree).map(({ path }) => path)).toEqual(['__proto__.x', 'constructor']);
    expect(Object.keys(mapTree(tree, (x) => x))).toEqual(['__proto__', 'constructor']);
  });

  it('drops empty containers and keeps nothing but tensors', () => {
    expect(flatten({ a: [], b: {}, c: null, d: undefined })).toEqual([]);
  });
});

describe('mapTree', () => {
  it('keeps the structure, passes paths, and leaves null/undefined alone', () => {
    const tree = { w: tensor([1, 2]), list: [tensor([3]), null], opt: undefined };
    const paths: string[] = [];
    const doubled = mapTree(tree, (t, path) => {
      paths.push(path);
      return add(t, t);
    });
    expect(paths).toEqual(['w', 'list.0']);
    expect(doubled.w.toFlatArray()).toEqual([2, 4]);
    expect(doubled.list[0]?.toFlatArray()).toEqual([6]);
    expect(doubled.list[1]).toBeNull();
    expect('opt' in doubled && doubled.opt === undefined).toBe(true);
  });

  it('preserves the structure of random trees', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        const mapped = mapTree(tree, (t) => t.size);
        const structure = (node: unknown): unknown =>
          node instanceof Tensor ? node.size : Array.isArray(node) ? node.map(structure) : Object.fromEntries(Object.entries(node as object).map(([k, v]) => [k, structure(v)]));
        expect(mapped).toEqual(structure(tree));
      }),
      { numRuns: propertyRuns(50) },
    );
  });
});

describe('zipTrees', () => {
  it('combines trees of the same structure leaf by leaf', () => {
    const a = { w: tensor([1, 2]), bs: [tensor([3])] };
    const b = { w: tensor([10, 20]), bs: [tensor([30])] };
    const s = zipTrees([a, b], ([x, y], path) => {
      expect(['w', 'bs.0']).toContain(path);
      return add(x, y);
    });
    expect(s.w.toFlatArray()).toEqual([11, 22]);
    expect(s.bs[0].toFlatArray()).toEqual([33]);
  });

  it('works on random trees zipped with a mapped copy', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        const copy = mapTree(tree, (t) => add(t, 1));
        const zipped = zipTrees([tree, copy], ([x, y]) => y.size === x.size);
        expect(leaves(tree).length).toBe(flatten(copy).length);
        expect(JSON.stringify(zipped)).not.toContain('false');
      }),
      { numRuns: propertyRuns(50) },
    );
  });

  it('names the path where structures differ', () => {
    const t = zeros([1]);
    expect(() => zipTrees([{ a: t, b: t }, { a: t }], () => 0)).toThrow("zipTrees: tree structures differ at 'b'");
    expect(() => zipTrees([{ a: t }, { a: t, c: t }], () => 0)).toThrow("zipTrees: tree structures differ at 'c'");
    expect(() => zipTrees([{ a: t, b: t }, { a: t, c: t }], () => 0)).toThrow("zipTrees: tree structures differ at 'b'");
    expect(() => zipTrees([[t, t], [t]], () => 0)).toThrow("differ at '1'");
    expect(() => zipTrees([{ a: t }, { a: { x: t } }], () => 0)).toThrow(ShapeError);
    expect(() => zipTrees([{ a: [t] }, { a: [t] }, { a: [t, t] }], () => 0)).toThrow("differ at 'a.1'");
  });
});
