/** saveModel / loadModel: state dicts round-trip bit-exactly with their config. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as sc from '../../src/index.ts';
import { Buffer, Generator, Linear, Module, Tensor, loadModel, saveModel } from '../../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'sc-model-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

class Net extends Module {
  a: Linear;
  b: Linear;
  mask = new Buffer(Float32Array.from([1, 0, NaN, -0]), [4]);
  constructor(readonly hidden: number, seed: number) {
    super();
    const g = new Generator(seed);
    this.a = new Linear(3, hidden, { generator: g });
    this.b = new Linear(hidden, 2, { generator: g });
  }
  forward(x: Tensor) { return this.b.forward(sc.relu(this.a.forward(x))); }
}

describe('saveModel / loadModel', () => {
  it('round-trips every parameter and buffer bit-exactly, with the config', () => {
    const m = new Net(5, 1);
    const path = join(dir, 'net.safetensors');
    saveModel(path, m, { hidden: 5 }, { note: 'test' });
    const { model, config, metadata } = loadModel(path, (c) => new Net((c as { hidden: number }).hidden, 2));
    assert.deepEqual(config, { hidden: 5 });
    assert.equal(metadata.note, 'test');
    assert.equal(metadata.format, 'pt');
    const a = m.stateDict(), b = model.stateDict();
    for (const k of Object.keys(a)) {
      assert.deepEqual(new Uint32Array(b[k].data.buffer, b[k].data.byteOffset, b[k].size), new Uint32Array(a[k].data.buffer, a[k].data.byteOffset, a[k].size), k);
    }
  });
  it('loading into a model of the wrong shape is a StateDictError naming the entries', () => {
    const path = join(dir, 'net5.safetensors');
    saveModel(path, new Net(5, 1));
    assert.throws(() => loadModel(path, new Net(6, 1)), (e: Error) => e instanceof sc.StateDictError && /a\.weight \(expected \[6,3\], got \[5,3\]\)/.test(e.message));
  });
  it('optimiser state survives a save through safetensors', () => {
    const m = new Net(4, 3);
    const opt = new sc.AdamW(m.parameters(), { lr: 0.01 });
    const x = sc.randn([8, 3], { generator: new Generator(1) });
    for (let i = 0; i < 3; i++) { opt.zeroGrad(); sc.sum(m.forward(x)).backward(); opt.step(); }
    const sd = opt.stateDict();
    const tensors: Record<string, Tensor> = {};
    sd.state.forEach((s, i) => {
      if (!s) return;
      for (const [k, v] of Object.entries(s)) if (Array.isArray(v)) tensors[`${i}.${k}`] = new Tensor(Float32Array.from(v), [v.length]);
    });
    const path = join(dir, 'opt.safetensors');
    sc.writeSafetensors(path, tensors, { groups: JSON.stringify(sd.groups), steps: JSON.stringify(sd.state.map((s) => s?.step ?? null)) });
    const file = sc.readSafetensors(path);
    const steps = JSON.parse(file.metadata.steps) as Array<number | null>;
    const restored: sc.OptimizerState = {
      groups: JSON.parse(file.metadata.groups),
      state: steps.map((step, i) => step === null ? null : { step, exp_avg: Array.from(sc.toFloat32(file.tensors.get(`${i}.exp_avg`)!)), exp_avg_sq: Array.from(sc.toFloat32(file.tensors.get(`${i}.exp_avg_sq`)!)) }),
    };
    assert.deepEqual(restored, sd);
  });
  it('a config that is not JSON is a FormatError', () => {
    const path = join(dir, 'badconfig.safetensors');
    sc.writeSafetensors(path, new Net(2, 1).stateDict(), { 'sparse_coupling.config': '{nope' });
    assert.throws(() => loadModel(path, new Net(2, 1)), sc.FormatError);
  });
  it('a truncated file is refused and the model is untouched', () => {
    const path = join(dir, 'trunc.safetensors');
    saveModel(path, new Net(3, 1));
    const bytes = sc.serializeSafetensors(new Net(3, 1).stateDict());
    writeFileSync(path, bytes.subarray(0, bytes.length - 5));
    const m = new Net(3, 9);
    const before = m.a.weight.data.slice();
    assert.throws(() => loadModel(path, m), sc.FormatError);
    assert.deepEqual(m.a.weight.data, before);
  });
});
