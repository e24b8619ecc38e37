/**
 * Every differentiable op's gradient against central finite differences, on the backend in use
 * (native by default; run with SPARSE_COUPLING_BACKEND=js for the reference kernels).
 */
import { describe, it } from 'node:test';
import * as sc from '../../src/index.ts';
import { Generator, Tensor } from '../../src/index.ts';
import { awayFromZero, gradcheck, randomTensor } from '../helpers.ts';

const g = new Generator(42);
const R = (...shape: number[]) => randomTensor(shape, g);
const P = (...shape: number[]) => {
  // Strictly positive values for log, sqrt, pow and division.
  const t = randomTensor(shape, g);
  for (let i = 0; i < t.size; i++) t.data[i] = 0.5 + Math.abs(t.data[i]);
  return t;
};

describe('gradients: matmul', () => {
  it('2-D', () => gradcheck((a, b) => sc.matmul(a, b), [R(3, 4), R(4, 5)]));
  it('2-D with transA and transB', () => {
    gradcheck((a, b) => sc.matmul(a, b, { transA: true }), [R(4, 3), R(4, 5)]);
    gradcheck((a, b) => sc.matmul(a, b, { transB: true }), [R(3, 4), R(5, 4)]);
    gradcheck((a, b) => sc.matmul(a, b, { transA: true, transB: true }), [R(4, 3), R(5, 4)]);
  });
  it('batched, both operands batched', () => {
    gradcheck((a, b) => sc.matmul(a, b), [R(2, 3, 4), R(2, 4, 2)]);
    gradcheck((a, b) => sc.matmul(a, b, { transA: true, transB: true }), [R(2, 2, 3, 4), R(2, 2, 5, 3)]);
  });
  it('batched against a shared 2-D operand (both sides)', () => {
    gradcheck((a, b) => sc.matmul(a, b), [R(2, 3, 4), R(4, 5)]);
    gradcheck((a, b) => sc.matmul(a, b, { transB: true }), [R(2, 3, 4), R(5, 4)]);
    gradcheck((a, b) => sc.matmul(a, b, { transA: true }), [R(2, 4, 3), R(4, 5)]);
    gradcheck((a, b) => sc.matmul(a, b), [R(3, 4), R(2, 4, 5)]);
  });
});

describe('gradients: broadcasting arithmetic', () => {
  it('add, sub, mul, div with equal shapes', () => {
    gradcheck((a, b) => sc.add(a, b), [R(3, 4), R(3, 4)]);
    gradcheck((a, b) => sc.sub(a, b), [R(3, 4), R(3, 4)]);
    gradcheck((a, b) => sc.mul(a, b), [R(3, 4), R(3, 4)]);
    gradcheck((a, b) => sc.div(a, b), [R(3, 4), P(3, 4)]);
  });
  it('broadcast on both sides and against scalars', () => {
    gradcheck((a, b) => sc.add(a, b), [R(2, 1, 4), R(3, 1)]);
    gradcheck((a, b) => sc.mul(a, b), [R(4), R(2, 3, 4)]);
    gradcheck((a, b) => sc.div(a, b), [R(2, 3), P(1, 3)]);
    gradcheck((a, b) => sc.sub(a, b), [R(2, 3), R()]);
    gradcheck((a) => sc.add(sc.mul(sc.sub(2, a), 3), 1), [R(5)]);
  });
});

describe('gradients: unary functions', () => {
  for (const [name, f] of [
    ['neg', sc.neg], ['exp', sc.exp], ['tanh', sc.tanh], ['sigmoid', sc.sigmoid],
    ['gelu', sc.gelu], ['silu', sc.silu],
  ] as const) {
    it(name, () => gradcheck((x) => f(x), [R(3, 5)]));
  }
  it('log and sqrt on positive inputs', () => {
    gradcheck((x) => sc.log(x), [P(7)]);
    gradcheck((x) => sc.sqrt(x), [P(7)]);
  });
  it('pow with integer, fractional and negative exponents', () => {
    gradcheck((x) => sc.pow(x, 3), [R(6)]);
    gradcheck((x) => sc.pow(x, 0.5), [P(6)]);
    gradcheck((x) => sc.pow(x, -2), [P(6)]);
  });
  it('kinked functions away from their kinks: relu, abs, clamp', () => {
    gradcheck((x) => sc.relu(x), [awayFromZero([4, 4], g)]);
    gradcheck((x) => sc.abs(x), [awayFromZero([4, 4], g)]);
    const x = awayFromZero([20], g, 0.05);
    for (let i = 0; i < x.size; i++) if (Math.abs(Math.abs(x.data[i]) - 0.6) < 0.05) x.data[i] = 0.3;
    gradcheck((t) => sc.clamp(t, -0.6, 0.6), [x]);
  });
  it('affine', () => gradcheck((x) => sc.affine(x, -1.5, 0.25), [R(4)]));
});

describe('gradients: reductions', () => {
  it('sum over all, one axis, several axes, keepDims', () => {
    gradcheck((x) => sc.sum(x), [R(3, 4)]);
    gradcheck((x) => sc.sum(x, 1), [R(3, 4, 2)]);
    gradcheck((x) => sc.sum(x, [0, 2], true), [R(3, 4, 2)]);
  });
  it('mean', () => {
    gradcheck((x) => sc.mean(x), [R(3, 4)]);
    gradcheck((x) => sc.mean(x, -1, true), [R(3, 4)]);
  });
  it('max over an axis and over everything (distinct values)', () => {
    const x = new Tensor(Float32Array.from(sc.randperm(24, new Generator(3)), (v) => v / 10), [2, 3, 4], true);
    gradcheck((t) => sc.max(t, 1), [x], { eps: 1e-2 });
    gradcheck((t) => sc.max(t, -1, true), [x]);
    gradcheck((t) => sc.max(t), [x]);
  });
});

describe('gradients: softmax, layer norm, losses', () => {
  it('softmax and logSoftmax over the last axis', () => {
    gradcheck((x) => sc.softmax(x), [R(3, 6)]);
    gradcheck((x) => sc.logSoftmax(x), [R(2, 3, 5)]);
  });
  it('layerNorm with and without affine parameters', () => {
    gradcheck((x, w, b) => sc.layerNorm(x, w, b), [R(4, 6), R(6), R(6)]);
    gradcheck((x) => sc.layerNorm(x), [R(2, 3, 5)]);
  });
  it('crossEntropy with mean, sum, none and an ignored target', () => {
    const t = [1, 0, 3, -100, 2];
    gradcheck((x) => sc.crossEntropy(x, t), [R(5, 4)]);
    gradcheck((x) => sc.crossEntropy(x, t, { reduction: 'sum' }), [R(5, 4)]);
    gradcheck((x) => sc.crossEntropy(x, t, { reduction: 'none' }), [R(5, 4)]);
  });
  it('mseLoss', () => gradcheck((a, b) => sc.mseLoss(a, b), [R(3, 4), R(3, 4)]));
});

describe('gradients: layout and indexing', () => {
  it('reshape, transpose, permute, broadcastTo', () => {
    gradcheck((x) => sc.reshape(x, [4, -1]), [R(2, 6)]);
    gradcheck((x) => sc.transpose(x), [R(3, 5)]);
    gradcheck((x) => sc.permute(x, [2, 0, 1]), [R(2, 3, 4)]);
    gradcheck((x) => sc.broadcastTo(x, [2, 3, 4]), [R(3, 1)]);
  });
  it('slice and concat', () => {
    gradcheck((x) => sc.slice(x, [[1, 3], null, [-2, 4]]), [R(4, 2, 4)]);
    gradcheck((a, b) => sc.concat([a, b], 1), [R(2, 3), R(2, 2)]);
    gradcheck((a, b) => sc.concat([a, b, a], 0), [R(1, 3), R(2, 3)]);
  });
  it('where and maskedFill', () => {
    const cond = new Tensor(Float32Array.from([1, 0, 0, 1, 1, 0]), [2, 3]);
    gradcheck((a, b) => sc.where(cond, a, b), [R(2, 3), R(1, 3)]);
    gradcheck((x) => sc.maskedFill(x, cond, -5), [R(2, 3)]);
  });
  it('embedding / gatherRows with repeated ids, scatterAddRows', () => {
    gradcheck((w) => sc.embedding(w, [2, 0, 2, 4], [2, 2]), [R(5, 3)]);
    gradcheck((s) => sc.scatterAddRows(s, [1, 1, 0], 3), [R(3, 2)]);
  });
  it('dropout (same mask in every evaluation)', () => {
    const x = R(4, 5);
    gradcheck((t) => sc.dropout(t, 0.3, { generator: new Generator(9) }), [x]);
  });
});
