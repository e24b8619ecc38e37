/**
 * Every real data file in ../shared/data loads, validates and converts; a few documented facts
 * (from that folder's README) are checked. Skipped where the folder is absent (a fresh clone).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, toFloat32, toInt32 } from '../../src/io/safetensors.ts';
import { isFloatDType } from '../../src/io/dtypes.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = join(repoRoot, '..', 'shared', 'data');

function find(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return find(p);
    return name.endsWith('.safetensors') ? [p] : [];
  });
}

const files = existsSync(dataDir) ? find(dataDir) : [];
const skip = existsSync(dataDir) ? (files.length === 0 ? `no *.safetensors under ${dataDir}` : false) : `${dataDir} is absent`;

test('every shared data file loads, validates and converts', { skip }, (t) => {
  for (const p of files) {
    const f = readSafetensors(p);
    assert.ok(f.tensors.size > 0, p);
    assert.ok(typeof f.metadata.name === 'string', `${p}: metadata has a name`);
    for (const e of f.tensors.values()) {
      const n = e.shape.reduce((a, b) => a * b, 1);
      const values = isFloatDType(e.dtype) ? toFloat32(e) : toInt32(e);
      assert.equal(values.length, n, `${p}: ${e.name}`);
      // The README promises element-aligned data: 4-byte tensors come back as views, not copies.
      if (e.dtype === 'F32' || e.dtype === 'I32') assert.equal(values.buffer, e.bytes.buffer, `${p}: ${e.name} is a view`);
      if (!isFloatDType(e.dtype)) assert.equal(toFloat32(e).length, n);
    }
    t.diagnostic(`${relative(dataDir, p)}: ${[...f.tensors.values()].map((e) => `${e.name} ${e.dtype}[${e.shape}]`).join(', ')}`);
  }
});

test('documented facts: Cora and MNIST', { skip }, (t) => {
  const cora = join(dataDir, 'planetoid', 'cora.safetensors');
  const mnist = join(dataDir, 'mnist', 'mnist-test.safetensors');
  if (!existsSync(cora) || !existsSync(mnist)) return t.skip('cora or mnist file missing');
  const c = readSafetensors(cora);
  assert.deepEqual(c.tensors.get('edge_index')!.shape, [2, 10556]);
  assert.equal(c.metadata.num_features, '1433');
  const indptr = toInt32(c.tensors.get('x_indptr')!);
  assert.equal(indptr.length, 2709);
  assert.equal(indptr[2708], 49216);
  assert.ok(toFloat32(c.tensors.get('x_values')!).every((v) => v === 1), 'Cora features are binary');

  const m = readSafetensors(mnist);
  assert.deepEqual(m.tensors.get('images')!.shape, [10000, 28, 28]);
  assert.deepEqual([...toInt32(m.tensors.get('labels')!).subarray(0, 10)], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  const px = toFloat32(m.tensors.get('images')!);
  let s = 0;
  for (const v of px) s += v;
  assert.equal((s / px.length).toFixed(4), '33.7912');
});
