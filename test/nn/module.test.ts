/** Module: discovery and naming of parameters, state dicts, modes; the first layers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sc from '../../src/index.ts';
import { Buffer, Generator, Linear, Module, Parameter, StateDictError, Tensor, init, tensor } from '../../src/index.ts';
import { assertClose, gradcheck, randomTensor } from '../helpers.ts';

class Attn extends Module {
  q_proj = new Linear(4, 4, { generator: new Generator(1) });
  out = new Linear(4, 2, { bias: false, generator: new Generator(2) });
  mask = new Buffer(new Float32Array(3), [3]);
  forward(x: Tensor): Tensor {
    return this.out.forward(this.q_proj.forward(x));
  }
}

class Net extends Module {
  embed = new sc.Embedding(10, 4, { generator: new Generator(3) });
  blocks = [new Attn(), new Attn()];
  norm = new sc.LayerNorm(2);
  drop = new sc.Dropout(0.5);
  forward(ids: number[]): Tensor {
    let h = this.embed.forward(ids);
    for (const b of this.blocks) h = sc.add(h, sc.slice(sc.concat([b.forward(h), b.forward(h)], 1), [null, [0, 4]]));
    return this.norm.forward(sc.slice(h, [null, [0, 2]]));
  }
}

describe('Module', () => {
  it('names parameters with dotted paths in a stable order', () => {
    const names = [...new Net().namedParameters()].map(([n]) => n);
    assert.deepEqual(names, [
      'embed.weight',
      'blocks.0.q_proj.weight', 'blocks.0.q_proj.bias', 'blocks.0.out.weight',
      'blocks.1.q_proj.weight', 'blocks.1.q_proj.bias', 'blocks.1.out.weight',
      'norm.weight', 'norm.bias',
    ]);
    assert.deepEqual([...new Net().namedBuffers()].map(([n]) => n), ['blocks.0.mask', 'blocks.1.mask']);
    assert.deepEqual(Object.keys(new Net().stateDict()).slice(-2), ['blocks.0.mask', 'blocks.1.mask']);
  });
  it('counts parameters, shared ones once', () => {
    const n = new Net();
    assert.equal(n.numParameters(), 40 + 2 * (16 + 4 + 8) + 4);
    class Tied extends Module {
      a = new Linear(3, 3);
      b = new Linear(3, 3);
      constructor() {
        super();
        (this.b as { weight: Parameter }).weight = this.a.weight;
      }
      forward(x: Tensor) { return this.b.forward(this.a.forward(x)); }
    }
    assert.equal(new Tied().numParameters(), 9 + 3 + 3);
  });
  it('train() and eval() reach every sub-module; dropout follows them', () => {
    const n = new Net();
    n.eval();
    assert.ok([...n.namedModules()].every(([, m]) => !m.training));
    const x = sc.ones([100]);
    assert.deepEqual(n.drop.forward(x).data, x.data);
    n.train();
    assert.ok(n.drop.forward(x).data.some((v) => v === 0));
  });
  it('loadStateDict copies values in place (optimisers keep their references)', () => {
    const a = new Net();
    const b = new Net();
    for (const p of b.parameters()) p.data.fill(0.5);
    const w = a.blocks[1].q_proj.weight;
    a.loadStateDict(b.stateDict());
    assert.equal(a.blocks[1].q_proj.weight, w);
    assert.ok(w.data.every((v) => v === 0.5));
  });
  it('strict loading lists every missing, unexpected and misshapen entry and copies nothing', () => {
    const a = new Net();
    const other = new Net();
    for (const p of other.parameters()) p.data.fill(0.25);
    const sd = { ...other.stateDict() };
    delete sd['norm.bias'];
    delete sd['blocks.1.mask'];
    sd['extra.weight'] = sc.zeros([2]);
    sd['embed.weight'] = sc.zeros([9, 4]);
    const before = a.blocks[0].q_proj.weight.data.slice();
    assert.throws(() => a.loadStateDict(sd), (e: Error) => {
      assert.ok(e instanceof StateDictError);
      assert.deepEqual(e.missing, ['norm.bias', 'blocks.1.mask']);
      assert.deepEqual(e.unexpected, ['extra.weight']);
      assert.equal(e.mismatched[0].name, 'embed.weight');
      assert.match(e.message, /missing: norm\.bias, blocks\.1\.mask; unexpected: extra\.weight; wrong shape: embed\.weight \(expected \[10,4\], got \[9,4\]\)/);
      return true;
    });
    assert.deepEqual(a.blocks[0].q_proj.weight.data, before);
    const report = a.loadStateDict(sd, { strict: false });
    assert.deepEqual(report.missing, ['norm.bias', 'blocks.1.mask']);
    assert.deepEqual(report.unexpected, ['extra.weight']);
    assert.ok(a.blocks[0].q_proj.weight.data.every((v) => v === 0.25));
    assert.notEqual(a.embed.weight.data[0], 0);
  });
  it('zeroGrad clears every gradient', () => {
    const n = new Net();
    sc.sum(n.forward([1, 2, 3])).backward();
    assert.ok(n.parameters().some((p) => p.grad));
    n.zeroGrad();
    assert.ok(n.parameters().every((p) => p.grad === null));
  });
});

describe('layers', () => {
  it('Linear computes x·Wᵀ + b with W shaped [out, in], and its gradients', () => {
    const l = new Linear(3, 2, { generator: new Generator(0) });
    l.weight.data.set([1, 2, 3, 4, 5, 6]);
    l.bias!.data.set([10, 20]);
    assert.deepEqual([...l.forward(tensor([[1, 0, -1]])).data], [8, 18]);
    assert.deepEqual(l.forward(tensor([1, 0, -1])).shape, [2]);
    const g = new Generator(5);
    gradcheck((x, w, b) => { l.weight.data.set(w.data); return sc.add(sc.matmul(x, w, { transB: true }), b); }, [randomTensor([4, 3], g), randomTensor([2, 3], g), randomTensor([2], g)]);
    assert.throws(() => l.forward(sc.zeros([2, 4])), /Linear\(3→2\): input \[2,4\] must end in 3/);
  });
  it('Linear initialises like PyTorch: |w| <= 1/sqrt(in)', () => {
    const l = new Linear(64, 32);
    const bound = 1 / Math.sqrt(64);
    assert.ok(l.weight.data.every((v) => Math.abs(v) <= bound));
    const std = Math.sqrt(l.weight.data.reduce((s, v) => s + v * v, 0) / l.weight.size);
    assert.ok(Math.abs(std - bound / Math.sqrt(3)) < 0.01, `std ${std}`);
  });
  it('Sequential chains modules and names them layers.i', () => {
    const s = new sc.Sequential(new Linear(2, 3), new sc.ReLU(), new Linear(3, 1));
    assert.deepEqual([...s.namedParameters()].map(([n]) => n), ['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']);
    assert.deepEqual(s.forward(sc.zeros([5, 2])).shape, [5, 1]);
  });
});

describe('initialisers', () => {
  const stdOf = (t: Tensor) => Math.sqrt(t.data.reduce((s, v) => s + v * v, 0) / t.size);
  it('Xavier and Kaiming have the documented spread', () => {
    const g = new Generator(1);
    const t = sc.zeros([256, 512]);
    init.xavierUniform_(t, { generator: g });
    assert.ok(Math.abs(stdOf(t) - Math.sqrt(2 / (256 + 512))) < 2e-3);
    init.xavierNormal_(t, { generator: g, gain: 2 });
    assert.ok(Math.abs(stdOf(t) - 2 * Math.sqrt(2 / 768)) < 2e-3);
    init.kaimingNormal_(t, { generator: g, nonlinearity: 'relu' });
    assert.ok(Math.abs(stdOf(t) - Math.sqrt(2 / 512)) < 2e-3);
    init.kaimingUniform_(t, { generator: g, nonlinearity: 'relu', mode: 'fanOut' });
    assert.ok(Math.abs(stdOf(t) - Math.sqrt(2 / 256)) < 2e-3);
    assert.ok(t.data.every((v) => Math.abs(v) <= Math.sqrt(6 / 256)));
  });
  it('truncated normal stays inside its bounds', () => {
    const t = init.truncNormal_(sc.zeros([10000]), 0, 1, -0.5, 1, new Generator(2));
    assert.ok(t.data.every((v) => v >= -0.5 && v <= 1));
  });
  it('gains and fans', () => {
    assertClose([init.calculateGain('tanh'), init.calculateGain('leaky_relu', 0.2)], [5 / 3, Math.sqrt(2 / 1.04)], 1e-7);
    assert.deepEqual(init.fans([8, 3, 5, 5]), { fanIn: 75, fanOut: 200 });
    assert.throws(() => init.xavierUniform_(sc.zeros([5])), sc.ShapeError);
  });
  it('sparse Kaiming uses each unit’s real fan-in', () => {
    const indptr = Int32Array.from([0, 1, 1, 101]);
    const v = init.sparseKaimingUniform_(new Float32Array(101), indptr, { nonlinearity: 'relu', generator: new Generator(3) });
    assert.ok(Math.abs(v[0]) <= Math.sqrt(6) && Math.abs(v[0]) > 0);
    assert.ok(v.subarray(1).every((x) => Math.abs(x) <= Math.sqrt(6 / 100)));
  });
});
