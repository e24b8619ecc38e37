/**
 * The native guard and the op-level checks refuse what would read or write outside an array,
 * and edge cases agree between backends (regressions of a review of the kernels).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnaryOp } from '../../src/kernels/backend.ts';
import * as sc from '../../src/index.ts';
import { BackendError, Generator, getBackend } from '../../src/index.ts';

const native = getBackend('native');
const js = getBackend('js');
const I = (...v: number[]) => Int32Array.from(v);

describe('native guard', () => {
  it('refuses negative shapes, strides and offsets in the strided kernels', () => {
    assert.throws(() => native.binary(0, new Float32Array(1), I(750000000, 0, 500000000), new Float32Array(1), I(0, 0, 0), new Float32Array(4), I(-1, -1, 4)), /negative/);
    assert.throws(() => native.stridedCopy(new Float32Array(4), 0, I(1), new Float32Array(8).subarray(4), -4, I(1), I(4)), BackendError);
    assert.throws(() => native.where(new Float32Array(1), I(-1), new Float32Array(1), I(0), new Float32Array(1), I(0), new Float32Array(2), I(2)), /negative/);
  });
  it('refuses leading dimensions and sizes that do not fit', () => {
    const one = new Float32Array(1);
    assert.throws(() => native.gemm(1, 1, 1, 1, one, -3, false, one, 1, false, 0, one, 1), BackendError);
    assert.throws(() => native.gemm(1, 2, 1, 1, one, 1, false, new Float32Array(2), 2, false, 0, new Float32Array(2), -1), BackendError);
    assert.throws(() => native.gemm(-1, 1, 1, 1, one, 1, false, one, 1, false, 0, one, 1), BackendError);
    assert.throws(() => native.softmax(one, one, -1, -1, false), BackendError);
    assert.throws(() => native.unary(99 as UnaryOp, one, one, 1, 0, 0), /unknown op/);
  });
  it('counts whole rows when checking gather and scatter indices', () => {
    assert.throws(() => native.gatherRows(new Float32Array(10), I(3), 1, 3, new Float32Array(3)), BackendError);
    assert.throws(() => native.scatterAddRows(new Float32Array(3), I(3), 1, 3, new Float32Array(10)), BackendError);
  });
  it('a topology whose arrays were written after construction cannot make a kernel read out of bounds', () => {
    const ind = I(0, 1);
    const t = new sc.Topology(2, 2, I(0, 1, 2), ind);
    ind[1] = 100000000; // the Topology copied the user's arrays
    assert.deepEqual([...sc.spmm(t, null, sc.ones([2, 1])).data], [1, 1]);
    const own = sc.topology.slidingWindow(4, 1);
    (own.indices as Int32Array)[0] = 100000000; // abuse of a library-built pattern
    assert.throws(() => native.spmm(own.rows, own.indptr, own.indices, null, 1, 1, new Float32Array(4), new Float32Array(4)), BackendError);
    own.indices[0] = 0;
    sc.topology.clearTopologyCache();
  });
  it('bounds the thread count', () => {
    assert.throws(() => sc.setThreads(100000), sc.ArgumentError);
    assert.throws(() => sc.setThreads(2 ** 31), sc.ArgumentError);
  });
});

describe('op-level checks', () => {
  it('crossEntropy refuses an ignoreIndex that is not a 32-bit integer', () => {
    for (const bad of [1.5, NaN, 2 ** 32 + 1]) assert.throws(() => sc.crossEntropy(sc.zeros([2, 3]), [0, 1], { ignoreIndex: bad }), sc.ArgumentError);
  });
  it('indices beyond 32 bits are an IndexError, not a silent wrap', () => {
    assert.throws(() => sc.gatherRows(sc.zeros([3, 2]), [2 ** 32 + 1]), sc.IndexError);
    assert.throws(() => sc.crossEntropy(sc.zeros([1, 3]), [2 ** 32 + 1]), sc.IndexError);
  });
  it('scatterAddRows of zero rows gives zeros of the right width', () => {
    const y = sc.scatterAddRows(sc.zeros([0, 5]), [], 4);
    assert.deepEqual(y.shape, [4, 5]);
    assert.ok(y.data.every((v) => v === 0));
  });
  it('rank above 8 is a named ShapeError on every backend', () => {
    const x = sc.zeros([1, 1, 1, 1, 1, 1, 1, 1, 2]);
    assert.throws(() => sc.add(x, x), /rank 9 is above the 8 axes/);
    assert.throws(() => sc.permute(x, [8, 0, 1, 2, 3, 4, 5, 6, 7]), sc.ShapeError);
  });
});

describe('backends agree on edge cases', () => {
  it('a sum over a non-last axis accumulates in double on both backends', () => {
    const x = sc.tensor([[1e8], [1], [-1e8]]);
    for (const b of ['js', 'native'] as const) {
      sc.setBackend(b);
      assert.equal(sc.sum(x, 0).item(), 1, b);
      assert.equal(sc.sum(sc.tensor([[1e8, 1e8], [1, 1], [-1e8, -1e8]]), 0).data[1], 1, b);
    }
    sc.setBackend('native');
  });
  it('clamp compares against the float32 bound on both backends', () => {
    const x = new Float32Array([0.1]);
    const dy = new Float32Array([1]);
    const [a, b] = [new Float32Array(1), new Float32Array(1)];
    js.unaryBackward(11, x, x, dy, a, 1, -Infinity, 0.1);
    native.unaryBackward(11, x, x, dy, b, 1, -Infinity, 0.1);
    assert.deepEqual(a, b);
  });
  it('layerNorm keeps a tiny eps (no NaN on a constant row)', () => {
    for (const b of ['js', 'native'] as const) {
      sc.setBackend(b);
      assert.ok(sc.layerNorm(sc.ones([1, 4]), null, null, 1e-50).data.every((v) => !Number.isNaN(v)), b);
    }
    sc.setBackend('native');
  });
});

describe('seeds', () => {
  it('different integer seeds give different streams (negative and beyond 32 bits too)', () => {
    const first = (s: number) => new Generator(s).nextUint32();
    const seeds = [0, 1, 2, -1, -2, 2 ** 32, 2 ** 32 + 1, 2 ** 40, -(2 ** 40)];
    assert.equal(new Set(seeds.map(first)).size, seeds.length);
  });
});
