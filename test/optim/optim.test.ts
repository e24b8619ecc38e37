/** Optimisers against hand-computed steps and known trajectories; schedules; clipping. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sc from '../../src/index.ts';
import { Adam, AdamW, Parameter, SGD, Tensor } from '../../src/index.ts';
import { assertClose } from '../helpers.ts';

const param = (...v: number[]) => new Parameter(Float32Array.from(v), [v.length]);
const setGrad = (p: Tensor, ...g: number[]) => (p.grad = new Tensor(Float32Array.from(g), [g.length]));
/** Gradient of f(p) = Σ p² is 2p. */
const quadGrad = (p: Tensor) => (p.grad = new Tensor(p.data.map((v) => 2 * v), p.shape));

describe('SGD', () => {
  it('plain steps follow the closed form p·(1 − 2·lr)^t on Σp²', () => {
    const p = param(1, -2);
    const opt = new SGD([p], { lr: 0.1 });
    for (let t = 0; t < 10; t++) { quadGrad(p); opt.step(); }
    assertClose(p.data, [0.8 ** 10, -2 * 0.8 ** 10], 1e-6);
  });
  it('Nesterov momentum: hand-computed steps', () => {
    const p = param(1);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true });
    quadGrad(p); opt.step();
    assertClose(p.data, [0.62], 1e-6);
    quadGrad(p); opt.step();
    assertClose(p.data, [0.2224], 1e-6);
  });
  it('heavy-ball momentum with dampening and weight decay: hand-computed steps', () => {
    const p = param(1);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.5, dampening: 0.5, weightDecay: 0.1 });
    setGrad(p, 1); opt.step(); // d = 1.1, buf = 1.1, p = 0.89
    assertClose(p.data, [0.89], 1e-6);
    setGrad(p, 1); opt.step(); // d = 1.089, buf = 0.55 + 0.5445 = 1.0945, p = 0.89 − 0.10945
    assertClose(p.data, [0.78055], 1e-6);
  });
  it('rejects bad options', () => {
    assert.throws(() => new SGD([param(1)], { lr: -1 }), sc.ArgumentError);
    assert.throws(() => new SGD([param(1)], { lr: 0.1, nesterov: true }), /Nesterov/);
    assert.throws(() => new SGD([], { lr: 0.1 }), /no parameters/);
    assert.throws(() => new SGD([new Tensor(new Float32Array(1), [1])], { lr: 0.1 }), /does not require gradients/);
  });
});

describe('Adam and AdamW', () => {
  for (const backendName of ['js', 'native'] as const) {
    it(`Adam bias correction: the first step moves each value by lr·g/(|g|+eps) (${backendName})`, () => {
      const before = sc.backendInfo().name;
      sc.setBackend(backendName);
      try {
        const p = param(1, 1);
        const opt = new Adam([p], { lr: 0.1 });
        setGrad(p, 0.5, -3);
        opt.step();
        assertClose(p.data, [1 - 0.1 * 0.5 / (0.5 + 1e-8), 1 + 0.1], 1e-7);
        // Step 2 against the textbook algorithm in float64.
        setGrad(p, 0.25, 1);
        opt.step();
        const ref = (g1: number, g2: number, p0: number) => {
          let m = 0, v = 0, x = p0;
          [g1, g2].forEach((g, i) => {
            const t = i + 1;
            m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g;
            x -= (0.1 * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
          });
          return x;
        };
        assertClose(p.data, [ref(0.5, 0.25, 1), ref(-3, 1, 1)], 1e-6);
      } finally {
        sc.setBackend(before);
      }
    });
  }
  it('AdamW decays the weights directly; Adam adds the decay to the gradient', () => {
    const a = param(1), b = param(1);
    const adamw = new AdamW([a], { lr: 0.1, weightDecay: 0.1 });
    const adam = new Adam([b], { lr: 0.1, weightDecay: 0.1 });
    setGrad(a, 0); setGrad(b, 0);
    adamw.step(); adam.step();
    assertClose(a.data, [0.99], 1e-7); // p·(1 − lr·wd), and a zero gradient moves nothing else
    assertClose(b.data, [0.9], 1e-6); // g = wd·p = 0.1 → the first Adam step is lr·sign(g)
  });
  it('Adam and AdamW without decay follow the same trajectory exactly', () => {
    const a = param(3, -1), b = param(3, -1);
    const o1 = new Adam([a], { lr: 0.05 });
    const o2 = new AdamW([b], { lr: 0.05, weightDecay: 0 });
    for (let t = 0; t < 50; t++) { quadGrad(a); quadGrad(b); o1.step(); o2.step(); }
    assert.deepEqual(a.data, b.data);
  });
  it('Adam with betas (0, 0) is sign descent: p moves by lr each step', () => {
    const p = param(1, -1);
    const o = new Adam([p], { lr: 0.01, betas: [0, 0], eps: 0 });
    for (let t = 0; t < 30; t++) { quadGrad(p); o.step(); }
    assertClose(p.data, [0.7, -0.7], 1e-5);
  });
  it('every optimiser drives a quadratic to its minimum', () => {
    for (const make of [
      (p: Parameter) => new SGD([p], { lr: 0.1, momentum: 0.9 }),
      (p: Parameter) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }),
      (p: Parameter) => new Adam([p], { lr: 0.1 }),
      (p: Parameter) => new AdamW([p], { lr: 0.1 }),
    ]) {
      const p = param(2, -3, 0.5);
      const o = make(p);
      for (let t = 0; t < 300; t++) { quadGrad(p); o.step(); }
      assert.ok(p.data.every((v) => Math.abs(v) < 1e-2), `${o.name}: ${p.data}`);
    }
  });
  it('parameter groups: no decay on biases', () => {
    const w = param(1), b = param(1);
    const o = new AdamW([{ params: [w] }, { params: [b], weightDecay: 0 }], { lr: 0.1, weightDecay: 0.5 });
    setGrad(w, 0); setGrad(b, 0);
    o.step();
    assertClose([w.data[0], b.data[0]], [0.95, 1], 1e-7);
  });
  it('state dict round trip continues the same trajectory', () => {
    const a = param(1, 2), b = param(1, 2);
    const o1 = new Adam([a], { lr: 0.1 });
    for (let t = 0; t < 3; t++) { quadGrad(a); o1.step(); }
    b.data.set(a.data);
    const o2 = new Adam([b], { lr: 0.1 });
    o2.loadStateDict(JSON.parse(JSON.stringify(o1.stateDict())));
    for (let t = 0; t < 3; t++) { quadGrad(a); quadGrad(b); o1.step(); o2.step(); }
    assert.deepEqual(a.data, b.data);
    assert.throws(() => o2.loadStateDict({ state: [], groups: [] }), sc.ArgumentError);
  });
});

describe('schedules', () => {
  it('take their documented values at boundary steps', () => {
    const w = sc.linearWarmup(10);
    assert.deepEqual([w(0), w(5), w(10), w(11)], [0, 0.5, 1, 1]);
    const c = sc.cosine(100, 0.1);
    assertClose([c(0), c(50), c(100), c(200)], [1, 0.55, 0.1, 0.1], 1e-12);
    const s = sc.stepDecay(10, 0.5);
    assert.deepEqual([s(0), s(9), s(10), s(25)], [1, 1, 0.5, 0.25]);
    const l = sc.linearDecay(4, 0);
    assert.deepEqual([l(0), l(2), l(4), l(9)], [1, 0.5, 0, 0]);
    const seq = sc.sequence([sc.linearWarmup(10), 10], [sc.cosine(90), 90]);
    assertClose([seq(0), seq(5), seq(10), seq(55), seq(100)], [0, 0.5, 1, 0.5, 0], 1e-12);
    assert.deepEqual(sc.chain(sc.constant(0.5), sc.stepDecay(1, 0.5))(2), 0.125);
  });
  it('LRScheduler scales each group from its base rate', () => {
    const o = new SGD([{ params: [param(1)] }, { params: [param(1)], lr: 1 }], { lr: 0.1 });
    const sched = new sc.LRScheduler(o, sc.linearWarmup(2));
    assert.deepEqual(o.lrs, [0, 0]);
    sched.step();
    assertClose(o.lrs, [0.05, 0.5], 1e-12);
    sched.step();
    sched.step();
    assertClose(o.lrs, [0.1, 1], 1e-12);
  });
});

describe('clipGradNorm', () => {
  it('returns the global norm and scales gradients to maxNorm', () => {
    const a = param(0, 0), b = param(0);
    setGrad(a, 3, 0); setGrad(b, 4);
    const n = sc.clipGradNorm([a, b], 1);
    assert.equal(n, 5);
    assertClose([...a.grad!.data, ...b.grad!.data], [0.6, 0, 0.8], 1e-5);
    setGrad(a, 0.3, 0); setGrad(b, 0.4);
    sc.clipGradNorm([a, b], 1);
    assertClose([...a.grad!.data, ...b.grad!.data], [0.3, 0, 0.4], 1e-7);
  });
  it('gradients shared between two leaves are clipped once', () => {
    const a = param(1), b = param(2);
    sc.sum(sc.add(a, b)).backward();
    sc.clipGradNorm([a, b], Math.SQRT2 / 2);
    assertClose([a.grad!.data[0], b.grad!.data[0]], [0.5, 0.5], 1e-5);
  });
});
