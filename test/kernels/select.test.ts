/** Backend selection: automatic, by environment variable, by function; thread count. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import * as sc from '../../src/index.ts';

function infoWith(env: Record<string, string>): { name: string; threads: number } {
  const code = "import('./src/index.ts').then((m) => { const i = m.backendInfo(); console.log(JSON.stringify(i)); })";
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', code], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('backend selection', () => {
  it('SPARSE_COUPLING_BACKEND chooses the backend; the choice is queryable', () => {
    assert.equal(infoWith({ SPARSE_COUPLING_BACKEND: 'js' }).name, 'js');
    assert.equal(infoWith({ SPARSE_COUPLING_BACKEND: 'native' }).name, 'native');
  });
  it('SPARSE_COUPLING_THREADS sets the native thread count', () => {
    assert.equal(infoWith({ SPARSE_COUPLING_BACKEND: 'native', SPARSE_COUPLING_THREADS: '1' }).threads, 1);
  });
  it('an unknown backend name is an error', () => {
    assert.throws(() => infoWith({ SPARSE_COUPLING_BACKEND: 'gpu' }), /must be 'js' or 'native'/);
    assert.throws(() => sc.setBackend('gpu' as sc.BackendName), sc.BackendError);
  });
  it('setBackend switches every op; both give the same result', () => {
    const before = sc.backendInfo().name;
    try {
      const a = sc.randn([20, 30], { generator: new sc.Generator(1) });
      const b = sc.randn([30, 10], { generator: new sc.Generator(2) });
      sc.setBackend('js');
      assert.equal(sc.backendInfo().name, 'js');
      const r = sc.matmul(a, b);
      sc.setBackend('native');
      const n = sc.matmul(a, b);
      for (let i = 0; i < r.size; i++) assert.ok(Math.abs(r.data[i] - n.data[i]) < 1e-4);
    } finally {
      sc.setBackend(before);
    }
  });
  it('same seed, same backend, same threads: bitwise the same numbers', () => {
    const run = () => {
      const g = new sc.Generator(11);
      const x = sc.randn([64, 300], { generator: g, requiresGrad: true });
      const w = sc.randn([300, 50], { generator: g, requiresGrad: true });
      const loss = sc.crossEntropy(sc.gelu(sc.matmul(x, w)), sc.randint(0, 50, 64, g));
      loss.backward();
      return [loss.item(), ...w.grad!.data];
    };
    assert.deepEqual(run(), run());
  });
  it('setThreads validates its argument', () => {
    assert.throws(() => sc.setThreads(0), sc.ArgumentError);
  });
});
