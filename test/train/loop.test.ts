/** The training loop: metrics, evaluation cadence, early stopping, determinism. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sc from '../../src/index.ts';
import { AdamW, Generator, Linear, Module, Tensor, fit } from '../../src/index.ts';
import { assertClose } from '../helpers.ts';

class Reg extends Module {
  l = new Linear(3, 1, { generator: new Generator(1) });
  forward(x: Tensor): Tensor { return this.l.forward(x); }
}

function data(n: number, g: Generator) {
  const x = sc.randn([n, 3], { generator: g });
  const w = sc.tensor([[1], [-2], [0.5]]);
  return { x, y: sc.add(sc.matmul(x, w), 0.3) };
}

function setup(seed = 0) {
  const g = new Generator(seed);
  const model = new Reg();
  const train = data(64, g);
  const val = data(32, g);
  const optimizer = new AdamW(model.parameters(), { lr: 0.05, weightDecay: 0 });
  const batches = (epoch: number) => sc.batchIndices(64, 16, new Generator(100 + epoch)).map((idx) => ({ x: sc.gatherRows(train.x, idx), y: sc.gatherRows(train.y, idx) }));
  const step = (b: { x: Tensor; y: Tensor }) => ({ loss: sc.mseLoss(model.forward(b.x), b.y), examples: b.x.shape[0] });
  const evaluate = () => ({ loss: sc.mseLoss(model.forward(val.x), val.y).item() });
  return { model, optimizer, batches, step, evaluate };
}

describe('fit', () => {
  it('emits train metrics every step and eval metrics every N steps; the loss falls', () => {
    const s = setup();
    const seen: sc.Metrics[] = [];
    const r = fit({ ...s, epochs: 20, evalEvery: 8, onMetrics: (m) => seen.push(m) });
    assert.equal(r.steps, 80);
    assert.equal(r.epochs, 20);
    const train = seen.filter((m) => m.kind === 'train');
    const evals = seen.filter((m) => m.kind === 'eval') as sc.EvalMetrics[];
    assert.equal(train.length, 80);
    assert.deepEqual(evals.map((m) => m.step), [8, 16, 24, 32, 40, 48, 56, 64, 72, 80]);
    assert.ok((evals.at(-1)!.loss as number) < (evals[0].loss as number) / 10);
    assert.ok(train.every((m) => m.kind === 'train' && m.examplesPerSecond > 0 && m.lr === 0.05));
    assert.deepEqual(seen, r.history);
  });
  it('stops at maxSteps and evaluates at epoch ends by default', () => {
    const s = setup();
    const r = fit({ ...s, epochs: 100, maxSteps: 10 });
    assert.equal(r.steps, 10);
    assert.deepEqual(r.history.filter((m) => m.kind === 'eval').map((m) => m.step), [4, 8, 10]);
  });
  it('stops early when the metric stops improving and restores the best weights', () => {
    const s = setup();
    let calls = 0;
    // A validation metric that improves three times, then gets worse.
    const values = [5, 4, 3, 3.5, 3.6, 3.7, 3.8];
    const snapshots: Float32Array[] = [];
    const r = fit({
      ...s, epochs: 50,
      evaluate: () => { snapshots.push(s.model.l.weight.data.slice()); return { loss: values[Math.min(calls++, values.length - 1)] }; },
      earlyStopping: { metric: 'loss', mode: 'min', patience: 2, restoreBest: true },
    });
    assert.ok(r.stoppedEarly);
    assert.equal(r.epochs, 6);
    assert.deepEqual(r.best, { step: 12, value: 3 });
    assert.deepEqual(s.model.l.weight.data, snapshots[2]);
  });
  it('clips gradients and reports the norm; a schedule sets the lr', () => {
    const s = setup();
    const scheduler = new sc.LRScheduler(s.optimizer, sc.linearWarmup(4));
    const r = fit({ ...s, scheduler, maxSteps: 6, clipNorm: 0.01 });
    const train = r.history.filter((m): m is sc.TrainMetrics => m.kind === 'train');
    assert.ok(train.every((m) => typeof m.gradNorm === 'number' && m.gradNorm > 0));
    assertClose(train.map((m) => m.lr), [0, 0.0125, 0.025, 0.0375, 0.05, 0.05], 1e-12);
  });
  it('is deterministic: same seed, same losses', () => {
    const run = () => fit({ ...setup(3), epochs: 3 }).history.map((m) => (m.kind === 'train' ? m.loss : m.loss));
    assert.deepEqual(run(), run());
  });
  it('refuses bad options with named errors', () => {
    const s = setup();
    assert.throws(() => fit({ ...s }), /epochs or maxSteps/);
    assert.throws(() => fit({ ...s, epochs: 0 }), sc.ArgumentError);
    assert.throws(() => fit({ ...s, epochs: 1, evaluate: undefined, earlyStopping: { metric: 'loss', mode: 'min', patience: 1 } }), /needs evaluate/);
  });
});
