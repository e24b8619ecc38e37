/** Tensor construction, shapes, seeded random numbers and their error cases. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sc from '../../src/index.ts';
import { DTypeError, Generator, ShapeError, Tensor, tensor } from '../../src/index.ts';

describe('Tensor', () => {
  it('builds from nested arrays and flat Float32Arrays without copying', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(t.toNested(), [[1, 2, 3], [4, 5, 6]]);
    const d = new Float32Array(6);
    assert.equal(tensor(d, [3, 2]).data, d);
    assert.equal(sc.scalar(5).item(), 5);
    assert.deepEqual(sc.zeros([2, 0]).shape, [2, 0]);
  });
  it('refuses wrong dtypes, ragged arrays and mismatched shapes with named errors', () => {
    assert.throws(() => new Tensor(new Float64Array(2) as unknown as Float32Array, [2]), (e: Error) => e instanceof DTypeError && /Float64Array/.test(e.message));
    assert.throws(() => tensor(new Int32Array(3) as unknown as Float32Array), DTypeError);
    assert.throws(() => tensor([[1, 2], [3]]), ShapeError);
    assert.throws(() => tensor([1, 2, 3], [2, 2]), (e: Error) => e instanceof ShapeError && /\[2,2\]/.test(e.message));
    assert.throws(() => sc.zeros([2, -1]), ShapeError);
    assert.throws(() => sc.zeros([1.5]), ShapeError);
    assert.throws(() => tensor([1, 2]).item(), ShapeError);
  });
  it('arange, full, ones', () => {
    assert.deepEqual([...sc.arange(4).data], [0, 1, 2, 3]);
    assert.deepEqual([...sc.arange(1, 2, 0.25).data], [1, 1.25, 1.5, 1.75]);
    assert.deepEqual([...sc.full([2], 7).data], [7, 7]);
  });
});

describe('seeded random numbers', () => {
  it('the same seed gives the same stream; different seeds differ', () => {
    const a = sc.randn([1000], { generator: new Generator(5) });
    const b = sc.randn([1000], { generator: new Generator(5) });
    const c = sc.randn([1000], { generator: new Generator(6) });
    assert.deepEqual(a.data, b.data);
    assert.notDeepEqual(a.data, c.data);
  });
  it('is pinned: these values are the same on every machine and run', () => {
    const g = new Generator(123);
    const ints = [g.nextUint32(), g.nextUint32(), g.nextUint32()];
    const again = new Generator(123);
    assert.deepEqual([again.nextUint32(), again.nextUint32(), again.nextUint32()], ints);
    // Golden values recorded when the generator was written; a change here changes every seed.
    assert.deepEqual(ints, GOLDEN_123);
  });
  it('uniform, normal, int and permutation have the right statistics', () => {
    const g = new Generator(1);
    const n = 100000;
    const u = sc.rand([n], { generator: g }).data;
    const mu = u.reduce((s, v) => s + v, 0) / n;
    assert.ok(Math.abs(mu - 0.5) < 0.01, `uniform mean ${mu}`);
    assert.ok(u.every((v) => v >= 0 && v < 1));
    const z = sc.randn([n], { generator: g }).data;
    const zm = z.reduce((s, v) => s + v, 0) / n;
    const zv = z.reduce((s, v) => s + (v - zm) ** 2, 0) / n;
    assert.ok(Math.abs(zm) < 0.01 && Math.abs(zv - 1) < 0.02, `normal mean ${zm} var ${zv}`);
    const ints = sc.randint(3, 7, 10000, g);
    assert.ok(ints.every((v) => v >= 3 && v < 7));
    assert.equal(new Set(ints).size, 4);
    const p = sc.randperm(50, g);
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  });
  it('manualSeed resets the default generator', () => {
    sc.manualSeed(77);
    const a = sc.rand([5]).data;
    sc.manualSeed(77);
    assert.deepEqual(sc.rand([5]).data, a);
  });
});

// Checked against an independent Python implementation of splitmix32 + xoshiro128**.
const GOLDEN_123 = [3146710351, 1913850085, 2160143029];
