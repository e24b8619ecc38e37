/** Regressions from a review of the training core: discovery, optimiser state, fit. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sc from '../../src/index.ts';
import { Adam, Buffer, Generator, Linear, Module, Parameter, SGD, Tensor, fit } from '../../src/index.ts';

const param = (...v: number[]) => new Parameter(Float32Array.from(v), [v.length]);

describe('Module discovery', () => {
  it('finds parameters in arrays and modules in arrays with gaps; survives a back-reference', () => {
    class Child extends Module {
      w = param(1);
      parent: Module | null = null;
      forward(x: Tensor) { return x; }
    }
    class Holder extends Module {
      weights = [param(1, 2), param(3)];
      experts: Array<Child | null> = [new Child(), null, new Child()];
      constructor() {
        super();
        for (const c of this.experts) if (c) c.parent = this;
      }
      forward(x: Tensor) { return x; }
    }
    const names = [...new Holder().namedParameters()].map(([n]) => n);
    assert.deepEqual(names, ['weights.0', 'weights.1', 'experts.0.w', 'experts.2.w']);
  });
  it('refuses containers it would silently skip', () => {
    class Bad extends Module {
      byName = new Map([['a', new Linear(2, 2)]]);
      forward(x: Tensor) { return x; }
    }
    assert.throws(() => [...new Bad().namedParameters()], /not discovered/);
  });
  it('lists a shared buffer once, like a shared parameter', () => {
    class Leaf extends Module {
      b = new Buffer(new Float32Array(2), [2]);
      forward(x: Tensor) { return x; }
    }
    class Two extends Module {
      a: Leaf;
      c: Leaf;
      constructor() {
        super();
        this.a = new Leaf();
        this.c = this.a;
      }
      forward(x: Tensor) { return x; }
    }
    assert.deepEqual(Object.keys(new Two().stateDict()), ['a.b']);
  });
});

describe('optimiser state', () => {
  it('a failed loadStateDict changes nothing', () => {
    const a = param(1, 1), b = param(1, 1);
    const o = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
    a.grad = sc.ones([2]); b.grad = sc.ones([2]);
    o.step();
    const before = JSON.stringify(o.stateDict());
    const bad = JSON.parse(before);
    bad.groups[0].lr = 0.5;
    bad.state[1].momentum_buffer = [1];
    assert.throws(() => o.loadStateDict(bad), /momentum_buffer/);
    assert.equal(JSON.stringify(o.stateDict()), before);
  });
  it('refuses state from another optimiser and state without a step', () => {
    const p = param(1);
    const sgd = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = sc.ones([1]);
    sgd.step();
    const adam = new Adam([p]);
    assert.throws(() => adam.loadStateDict(sgd.stateDict()), /exp_avg/);
    const noStep = sgd.stateDict();
    delete (noStep.state[0] as Record<string, unknown>).step;
    assert.throws(() => sgd.loadStateDict(noStep), /step/);
  });
  it('SGD momentum switched on later starts its buffer from the gradient, as in PyTorch', () => {
    const p = param(0);
    const o = new SGD([p], { lr: 1 });
    p.grad = sc.ones([1]);
    o.step(); // p = -1
    o.groups[0].options.momentum = 0.9;
    o.groups[0].options.dampening = 0.5;
    o.step(); // fresh buffer = g = 1 → p = -2
    assert.equal(p.data[0], -2);
  });
});

describe('fit', () => {
  it('does not let frozen parameters accumulate gradients, and clips what it trains', () => {
    class Net extends Module {
      body = new Linear(3, 3, { generator: new Generator(1) });
      head = new Linear(3, 1, { generator: new Generator(2) });
      forward(x: Tensor) { return this.head.forward(this.body.forward(x)); }
    }
    const m = new Net();
    const opt = new SGD(m.head.parameters(), { lr: 0 });
    const x = sc.randn([4, 3], { generator: new Generator(3) });
    const r = fit({ model: m, optimizer: opt, maxSteps: 4, clipNorm: 1e9, batches: () => [x, x, x, x], step: (b) => ({ loss: sc.sum(m.forward(b)) }) });
    const norms = r.history.filter((h): h is sc.TrainMetrics => h.kind === 'train').map((h) => h.gradNorm!);
    assert.ok(norms.every((n) => Math.abs(n - norms[0]) < 1e-5), `norms ${norms}`);
  });
  it('a NaN metric is never the best', () => {
    const m = new Linear(1, 1, { generator: new Generator(0) });
    const opt = new SGD(m.parameters(), { lr: 0.01 });
    const values = [NaN, 5, 4, 3];
    let i = 0;
    const r = fit({ model: m, optimizer: opt, epochs: 4, batches: () => [sc.ones([1, 1])], step: (b) => ({ loss: sc.sum(m.forward(b)) }),
      evaluate: () => ({ loss: values[i++] }), earlyStopping: { metric: 'loss', mode: 'min', patience: 1 } });
    assert.deepEqual(r.best, { step: 4, value: 3 });
    assert.equal(r.stoppedEarly, false);
  });
});
