/**
 * Interoperability with an independent implementation: Python + numpy writing and reading
 * safetensors by hand from the spec (test/io/fixtures/interop.py). Skipped without python3/numpy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, toFloat32, toInt32, writeSafetensors } from '../../src/io/safetensors.ts';
import { Tensor } from '../../src/tensor/tensor.ts';

const script = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'interop.py');

function python(...args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('python3', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout ?? '', err: r.error ? String(r.error) : (r.stderr ?? '') };
}

const probe = python('-c', 'import numpy');
const skip = probe.ok ? false : `python3 with numpy is not available (${probe.err.trim().split('\n').pop()})`;
const bits = (a: Float32Array): number[] => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

test('we read a file Python wrote by hand (F32, F16, I64, scalar, metadata)', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-interop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'from-python.safetensors');
  const r = python(script, 'write', p);
  assert.ok(r.ok, r.err);
  const want = JSON.parse(r.out) as { half: number[]; weight: number[]; ids: number[]; scalar: number[]; shapes: Record<string, number[]> };

  const f = readSafetensors(p);
  assert.deepEqual(f.metadata, { source: 'numpy', format: 'pt' });
  for (const [name, shape] of Object.entries(want.shapes)) assert.deepEqual(f.tensors.get(name)!.shape, shape, name);
  assert.equal(f.tensors.get('half')!.dtype, 'F16');
  assert.deepEqual(bits(toFloat32(f.tensors.get('half')!)), want.half);
  assert.deepEqual(bits(toFloat32(f.tensors.get('weight')!)), want.weight);
  assert.deepEqual(bits(toFloat32(f.tensors.get('scalar')!)), want.scalar);
  assert.equal(f.tensors.get('ids')!.dtype, 'I64');
  assert.deepEqual([...toInt32(f.tensors.get('ids')!)], want.ids);
});

test('Python reads the file we wrote (json header + numpy.frombuffer)', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-interop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'from-ts.safetensors');
  const w = new Float32Array(new Uint32Array([0x3dcccccd, 0x80000000, 0x7fc00001, 0x00000001, 0xff800000, 0x4b189680]).buffer);
  const ids = Int32Array.of(-(2 ** 31), 2 ** 31 - 1, 0, 5);
  writeSafetensors(p, {
    'layer.0.weight': new Tensor(w, [2, 3]),
    ids: { dtype: 'I32', shape: [2, 2], data: ids },
    scalar: new Tensor(Float32Array.of(-3.5), []),
    empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
  }, { epoch: '12' });

  const r = python(script, 'read', p);
  assert.ok(r.ok, r.err);
  const got = JSON.parse(r.out) as {
    metadata: Record<string, string>; data_start: number; exact_size: boolean;
    tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
  };
  assert.deepEqual(got.metadata, { format: 'pt', epoch: '12' });
  assert.equal(got.data_start % 8, 0);
  assert.ok(got.exact_size, 'the data buffer ends exactly at the last tensor');
  assert.deepEqual(got.tensors['layer.0.weight'], { dtype: 'F32', shape: [2, 3], values: bits(w) });
  assert.deepEqual(got.tensors.ids, { dtype: 'I32', shape: [2, 2], values: [...ids] });
  assert.deepEqual(got.tensors.scalar, { dtype: 'F32', shape: [], values: bits(Float32Array.of(-3.5)) });
  assert.deepEqual(got.tensors.empty, { dtype: 'F32', shape: [0, 4], values: [] });
});
