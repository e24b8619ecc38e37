/** Forward values of the ops against hand-computed results, and their error cases. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sc from '../../src/index.ts';
import { ArgumentError, DTypeError, IndexError, ShapeError, tensor } from '../../src/index.ts';
import { assertClose } from '../helpers.ts';

const v = (t: sc.Tensor) => [...t.data];

describe('forward values', () => {
  it('matmul 2-D, transposed and batched', () => {
    const a = tensor([[1, 2], [3, 4], [5, 6]]);
    const b = tensor([[1, 0, 2], [0, 1, 3]]);
    assert.deepEqual(v(sc.matmul(a, b)), [1, 2, 8, 3, 4, 18, 5, 6, 28]);
    assert.deepEqual(v(sc.matmul(b, a, { transA: true, transB: true })), v(sc.transpose(sc.matmul(a, b))));
    const batch = sc.reshape(sc.arange(12), [2, 2, 3]);
    const out = sc.matmul(batch, sc.reshape(sc.arange(6), [3, 2]));
    assert.deepEqual(out.shape, [2, 2, 2]);
    assert.deepEqual(v(out), [10, 13, 28, 40, 46, 67, 64, 94]);
    assert.deepEqual(v(sc.matmul(sc.zeros([2, 0]), sc.zeros([0, 3]))), [0, 0, 0, 0, 0, 0]);
  });
  it('matmul into a preallocated out tensor', () => {
    const a = tensor([[1, 2], [3, 4]]);
    const b = tensor([[5, 6], [7, 8]]);
    const out = sc.zeros([2, 2]);
    assert.equal(sc.matmul(a, b, { out }), out);
    assert.deepEqual(v(out), [19, 22, 43, 50]);
    assert.throws(() => sc.matmul(a, b, { out: sc.zeros([2, 3]) }), /out has shape \[2,3\] but the product is \[2,2\]/);
    assert.throws(() => sc.matmul(a, b, { out: a }), /must not share memory/);
    const w = tensor([[1, 0], [0, 1]], undefined, { requiresGrad: true });
    assert.throws(() => sc.matmul(a, w, { out }), /noGrad/);
    sc.noGrad(() => sc.matmul(a, w, { out }));
    assert.deepEqual(v(out), [1, 2, 3, 4]);
  });
  it('broadcasting arithmetic', () => {
    assert.deepEqual(v(sc.add(tensor([[1], [2]]), tensor([10, 20, 30]))), [11, 21, 31, 12, 22, 32]);
    assert.deepEqual(v(sc.sub(1, tensor([1, 2]))), [0, -1]);
    assert.deepEqual(v(sc.div(tensor([1, 2]), 4)), [0.25, 0.5]);
  });
  it('unary functions at known points', () => {
    assertClose(sc.gelu(tensor([-1, 0, 1])).data, [-0.15865525, 0, 0.84134475], 1e-5, 1e-6);
    assertClose(sc.silu(tensor([1])).data, [0.7310586], 1e-6);
    assertClose(sc.sigmoid(tensor([-100, 0, 100])).data, [0, 0.5, 1], 1e-6, 1e-30);
    assert.deepEqual(v(sc.clamp(tensor([-2, 0.5, 3]), -1, 1)), [-1, 0.5, 1]);
    assert.deepEqual(v(sc.relu(tensor([-1, 2]))), [0, 2]);
    assert.deepEqual(v(sc.pow(tensor([2, 3]), 2)), [4, 9]);
  });
  it('reductions', () => {
    const x = sc.reshape(sc.arange(6), [2, 3]);
    assert.deepEqual(v(sc.sum(x, 0)), [3, 5, 7]);
    assert.deepEqual(sc.sum(x, 1, true).shape, [2, 1]);
    assert.equal(sc.mean(x).item(), 2.5);
    assert.deepEqual(v(sc.max(x, 1)), [2, 5]);
    assert.equal(sc.max(x).item(), 5);
  });
  it('softmax is stable for large logits; logSoftmax matches log(softmax)', () => {
    const s = sc.softmax(tensor([[1000, 1000], [0, Math.log(3)]]));
    assertClose(s.data, [0.5, 0.5, 0.25, 0.75], 1e-6);
    const x = tensor([[0.3, -2, 5]]);
    assertClose(sc.logSoftmax(x).data, sc.log(sc.softmax(x)).data, 1e-5, 1e-6);
  });
  it('layerNorm normalises each row', () => {
    const y = sc.layerNorm(tensor([[1, 2, 3, 4]]), null, null, 0);
    assertClose(y.data, [-1.3416408, -0.4472136, 0.4472136, 1.3416408], 1e-5);
  });
  it('layout ops', () => {
    const x = sc.reshape(sc.arange(6), [2, 3]);
    assert.deepEqual(v(sc.transpose(x)), [0, 3, 1, 4, 2, 5]);
    assert.deepEqual(v(sc.slice(x, [null, [1, 3]])), [1, 2, 4, 5]);
    assert.deepEqual(v(sc.concat([x, x], 1)), [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5]);
    assert.deepEqual(v(sc.broadcastTo(tensor([1, 2]), [2, 2])), [1, 2, 1, 2]);
    assert.deepEqual(sc.reshape(x, [-1]).shape, [6]);
  });
  it('where, maskedFill, embedding, scatterAddRows', () => {
    assert.deepEqual(v(sc.where(tensor([1, 0]), tensor([1, 2]), 9)), [1, 9]);
    assert.deepEqual(v(sc.maskedFill(tensor([1, 2, 3]), tensor([0, 1, 0]), -1)), [1, -1, 3]);
    const w = tensor([[0, 1], [2, 3], [4, 5]]);
    const e = sc.embedding(w, [2, 0, 2, 1], [2, 2]);
    assert.deepEqual(e.shape, [2, 2, 2]);
    assert.deepEqual(v(e), [4, 5, 0, 1, 4, 5, 2, 3]);
    assert.deepEqual(v(sc.scatterAddRows(tensor([[1], [2], [3]]), [1, 1, 0], 2)), [3, 3]);
  });
  it('crossEntropy matches −log softmax at the target, with ignoreIndex', () => {
    const x = tensor([[2, 1, 0], [0, 0, 0], [1, 2, 3]]);
    const ls = sc.logSoftmax(x).data;
    const l = sc.crossEntropy(x, [0, -100, 2]).item();
    assertClose([l], [-(ls[0] + ls[8]) / 2], 1e-6);
    assert.ok(Number.isNaN(sc.crossEntropy(x, [-100, -100, -100]).item()));
    assert.equal(sc.crossEntropy(x, [0, 1, 2], { reduction: 'none' }).shape[0], 3);
  });
  it('dropout keeps the expectation and is the identity in evaluation', () => {
    const x = sc.ones([10000]);
    const y = sc.dropout(x, 0.25, { generator: new sc.Generator(1) });
    const kept = y.data.filter((t) => t !== 0);
    assert.ok(kept.every((t) => Math.abs(t - 4 / 3) < 1e-6));
    assert.ok(Math.abs(kept.length / 10000 - 0.75) < 0.02);
    assert.equal(sc.dropout(x, 0.5, { training: false }), x);
  });
});

describe('errors name the op, the argument and the shapes', () => {
  it('shape mismatches', () => {
    assert.throws(() => sc.matmul(sc.zeros([2, 3]), sc.zeros([4, 5])), (e: Error) => e instanceof ShapeError && /matmul/.test(e.message) && /\[2,3\]/.test(e.message) && /\[4,5\]/.test(e.message));
    assert.throws(() => sc.add(sc.zeros([2, 3]), sc.zeros([4])), (e: Error) => e instanceof ShapeError && /add/.test(e.message) && /\[2,3\]/.test(e.message) && /\[4\]/.test(e.message));
    assert.throws(() => sc.matmul(sc.zeros([2, 2, 3]), sc.zeros([3, 3, 2])), /batch axes differ/);
    assert.throws(() => sc.matmul(sc.zeros([3]), sc.zeros([3, 2])), ShapeError);
    assert.throws(() => sc.reshape(sc.zeros([2, 3]), [4]), (e: Error) => e instanceof ShapeError && /reshape/.test(e.message));
    assert.throws(() => sc.concat([sc.zeros([2, 3]), sc.zeros([3, 3])], 1), /xs\[1\]/);
    assert.throws(() => sc.layerNorm(sc.zeros([2, 3]), sc.zeros([4])), /weight must have shape \[3\]/);
    assert.throws(() => sc.mseLoss(sc.zeros([2]), sc.zeros([3])), ShapeError);
    assert.throws(() => sc.crossEntropy(sc.zeros([2, 3]), [0]), /2 rows but 1 targets/);
  });
  it('indices out of range are errors, never a crash', () => {
    assert.throws(() => sc.embedding(sc.zeros([3, 2]), [0, 3]), (e: Error) => e instanceof IndexError && /\[0, 3\)/.test(e.message));
    assert.throws(() => sc.embedding(sc.zeros([3, 2]), [-1]), IndexError);
    assert.throws(() => sc.embedding(sc.zeros([3, 2]), [0.5]), DTypeError);
    assert.throws(() => sc.crossEntropy(sc.zeros([1, 3]), [3]), IndexError);
    assert.throws(() => sc.scatterAddRows(sc.zeros([2, 2]), [0, 5], 3), IndexError);
    assert.throws(() => sc.slice(sc.zeros([3]), [[0, 4]]), IndexError);
    assert.throws(() => sc.sum(sc.zeros([3]), 1), IndexError);
    assert.throws(() => sc.transpose(sc.zeros([3, 2]), 0, 2), IndexError);
  });
  it('bad arguments', () => {
    assert.throws(() => sc.dropout(sc.zeros([2]), 1.5), ArgumentError);
    assert.throws(() => sc.clamp(sc.zeros([2]), 1, 0), ArgumentError);
    assert.throws(() => sc.softmax(sc.zeros([2, 3]), 0), /only the last axis/);
    assert.throws(() => sc.add(sc.zeros([2]), 'x' as unknown as number), DTypeError);
    assert.throws(() => sc.matmul([1, 2] as unknown as sc.Tensor, sc.zeros([2, 2])), DTypeError);
  });
  it('the native wrapper refuses arrays too short for the sizes it is given', () => {
    if (!sc.backendInfo().nativeAvailable) return;
    const nb = sc.getBackend('native');
    assert.throws(() => nb.gemm(4, 4, 4, 1, new Float32Array(3), 4, false, new Float32Array(16), 4, false, 0, new Float32Array(16), 4), sc.BackendError);
    assert.throws(() => nb.gatherRows(new Float32Array(4), Int32Array.from([2]), 1, 2, new Float32Array(2)), sc.BackendError);
    assert.throws(() => nb.unary(0, new Float32Array(2), new Float32Array(1), 2, 0, 0), sc.BackendError);
  });
});
