/**
 * Ops write their large outputs into uninitialised buffers. Poisoned with NaN here, every
 * element of every output and gradient must still come out finite: nothing is left unwritten.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as sc from '../../src/index.ts';
import { Generator, Tensor } from '../../src/index.ts';
import { setPoisonUninitialised } from '../../src/tensor/alloc.ts';
import { randomTensor } from '../helpers.ts';

const g = new Generator(3);
const big = (...shape: number[]) => randomTensor(shape, g); // ≥ 16,384 elements: the uninitialised path

function allFinite(t: Tensor | null, what: string): void {
  assert.ok(t, `${what}: missing`);
  const bad = t.data.findIndex((v) => !Number.isFinite(v));
  assert.equal(bad, -1, `${what}: element ${bad} is ${t.data[bad]}`);
}

function check(name: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  for (const x of inputs) x.grad = null;
  const y = f(...inputs);
  allFinite(y, `${name} output`);
  sc.sum(y).backward();
  inputs.forEach((x, i) => x.requiresGrad && allFinite(x.grad, `${name} gradient ${i}`));
}

describe('uninitialised outputs are fully written', () => {
  before(() => setPoisonUninitialised(true));
  after(() => setPoisonUninitialised(false));
  it('matmul, including transposed, batched, shared and empty-batch cases', () => {
    check('matmul', (a, b) => sc.matmul(a, b), [big(130, 140), big(140, 150)]);
    check('matmul TT', (a, b) => sc.matmul(a, b, { transA: true, transB: true }), [big(140, 130), big(150, 140)]);
    check('matmul batched', (a, b) => sc.matmul(a, b), [big(2, 130, 70), big(2, 70, 130)]);
    check('matmul shared a', (a, b) => sc.matmul(a, b), [big(130, 140), big(2, 140, 70)]);
    check('matmul empty batch', (a, b) => sc.matmul(a, b), [big(130, 140), randomTensor([0, 140, 5], g)]);
    check('matmul K = 0', (a, b) => sc.add(sc.matmul(a, b), 1), [randomTensor([130, 0], g), randomTensor([0, 140], g)]);
  });
  it('elementwise, softmax, layer norm, layout', () => {
    const x = big(130, 131);
    for (const [name, f] of [['gelu', sc.gelu], ['exp', sc.exp], ['tanh', sc.tanh], ['softmax', (t: Tensor) => sc.softmax(t)], ['logSoftmax', (t: Tensor) => sc.logSoftmax(t)], ['layerNorm', (t: Tensor) => sc.layerNorm(t)], ['transpose', (t: Tensor) => sc.transpose(t)]] as const) {
      check(name, f as (t: Tensor) => Tensor, [x]);
    }
    check('add broadcast', (a, b) => sc.add(a, b), [x, big(131)]);
    check('where', (a, b) => sc.where(sc.gelu(a), a, b), [x, big(131)]);
    check('slice', (t) => sc.slice(t, [[1, 129], null]), [x]);
  });
  it('sparse ops, with empty rows', () => {
    const t = sc.topology.random(200, 150, 90, { seed: 1 });
    // The same edges with every 7th row emptied.
    const rowsOf = t.edgeRows();
    const keep = [...rowsOf.keys()].filter((e) => rowsOf[e] % 7 !== 0);
    const withEmpty = sc.topology.fromEdges(200, 150, keep.map((e) => rowsOf[e]), keep.map((e) => t.indices[e]));
    assert.equal(withEmpty.indptr[1] - withEmpty.indptr[0], 0);
    for (const top of [t, withEmpty]) {
      check('spmm', (v, x) => sc.spmm(top, v, x), [big(top.nnz), big(150, 130)]);
      check('sddmm', (a, b) => sc.sddmm(top, a, b), [big(200, 100), big(150, 100)]);
      check('edgeSoftmax', (s) => sc.edgeSoftmax(top, s), [big(top.nnz)]);
      check('aggregate mean', (x) => sc.aggregate(top, x, 'mean'), [big(150, 130)]);
      check('aggregate max', (x) => sc.aggregate(top, x, 'max'), [big(150, 130)]);
    }
    const empty = new sc.Topology(200, 150, new Int32Array(201), new Int32Array(0));
    check('spmm on empty rows', (x) => sc.spmm(empty, null, x), [big(150, 130)]);
  });
});
