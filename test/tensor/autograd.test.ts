/** Autograd semantics: accumulation, retained graphs, noGrad, detach, zeroGrad, errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sc from '../../src/index.ts';
import { AutogradError, ShapeError, tensor } from '../../src/index.ts';

describe('autograd', () => {
  it('a value used twice gets the sum of both gradients', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    sc.sum(sc.add(sc.mul(x, x), x)).backward();
    assert.deepEqual([...x.grad!.data], [3, 5, 7]);
  });
  it('gradients accumulate across backward calls until zeroGrad', () => {
    const x = tensor([2], undefined, { requiresGrad: true });
    sc.sum(sc.mul(x, 3)).backward();
    sc.sum(sc.mul(x, 3)).backward();
    assert.equal(x.grad!.item(), 6);
    x.zeroGrad();
    assert.equal(x.grad, null);
    sc.sum(sc.mul(x, 3)).backward();
    assert.equal(x.grad!.item(), 3);
  });
  it('backward twice through the same graph needs retainGraph', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const y = sc.sum(sc.exp(x));
    y.backward();
    assert.throws(() => y.backward(), (e: Error) => e instanceof AutogradError && /already freed/.test(e.message) && /retainGraph/.test(e.message));
    const z = sc.sum(sc.exp(x));
    x.zeroGrad();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    assert.ok(Math.abs(x.grad!.data[0] - 2 * Math.E) < 1e-5);
  });
  it('backward from a non-scalar without a gradient is a clear error', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    assert.throws(() => sc.mul(x, 2).backward(), (e: Error) => e instanceof AutogradError && /\[2\]/.test(e.message) && /scalar/.test(e.message));
    assert.throws(() => sc.mul(x, 2).backward(tensor([1, 2, 3])), ShapeError);
    sc.mul(x, 2).backward(tensor([1, 10]));
    assert.deepEqual([...x.grad!.data], [2, 20]);
  });
  it('backward on a tensor that does not require gradients is an error', () => {
    assert.throws(() => sc.sum(tensor([1])).backward(), AutogradError);
  });
  it('noGrad records nothing; detach cuts the graph', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const y = sc.noGrad(() => sc.mul(x, 2));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.node, null);
    assert.equal(sc.isGradEnabled(), true);
    const d = sc.mul(x, 2).detach();
    assert.equal(d.requiresGrad, false);
    const z = sc.sum(sc.mul(x, d));
    z.backward();
    assert.deepEqual([...x.grad!.data], [2, 4]);
  });
  it('noGrad restores the previous state after an exception', () => {
    assert.throws(() => sc.noGrad(() => { throw new Error('boom'); }));
    assert.equal(sc.isGradEnabled(), true);
  });
  it('only leaves keep .grad; intermediate tensors do not', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const h = sc.mul(x, 2);
    sc.sum(h).backward();
    assert.equal(h.grad, null);
    assert.ok(x.grad);
  });
  it('a deep chain does not overflow the stack', () => {
    let x = tensor([1], undefined, { requiresGrad: true });
    const leaf = x;
    for (let i = 0; i < 20000; i++) x = sc.add(x, 1);
    sc.sum(x).backward();
    assert.equal(leaf.grad!.item(), 1);
  });
});
