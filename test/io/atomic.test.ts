/** atomicWriteFile: content, replacement, temporary names, cleanup. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { atomicWriteFile, tempPathFor } from '../../src/io/atomic.ts';

test('atomicWriteFile writes new files and replaces existing ones, leaving no temp file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'data.bin');
  atomicWriteFile(p, Uint8Array.of(1, 2, 3));
  assert.deepEqual([...readFileSync(p)], [1, 2, 3]);
  writeFileSync(p, 'old content that is longer');
  atomicWriteFile(p, Uint8Array.of(9));
  assert.deepEqual([...readFileSync(p)], [9]);
  atomicWriteFile(p, new Uint8Array(0));
  assert.equal(readFileSync(p).length, 0);
  // A view into a larger buffer writes only its own bytes.
  atomicWriteFile(p, new Uint8Array([0, 5, 6, 0]).subarray(1, 3));
  assert.deepEqual([...readFileSync(p)], [5, 6]);
  assert.deepEqual(readdirSync(dir), ['data.bin']);
});

test('temporary names: hidden, same folder, unique, bounded length', () => {
  const a = tempPathFor('/some/dir/model.safetensors');
  const b = tempPathFor('/some/dir/model.safetensors');
  assert.notEqual(a, b);
  assert.equal(dirname(a), '/some/dir');
  assert.match(basename(a), new RegExp(`^\\.model\\.safetensors\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
  assert.ok(basename(tempPathFor(`/d/${'x'.repeat(250)}`)).length < 255);
});

test('a failure removes the temporary file and keeps the target', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'target');
  writeFileSync(p, 'previous');
  // Something that is not bytes makes writeSync fail after the temp file exists.
  assert.throws(() => atomicWriteFile(p, { byteLength: 10 } as never), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.equal(readFileSync(p, 'utf8'), 'previous');
  assert.deepEqual(readdirSync(dir), ['target']);
});

test('a save through a symlink replaces the real file and keeps its permissions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-atomic-link-'));
  try {
    const real = join(dir, 'real.bin');
    const link = join(dir, 'link.bin');
    writeFileSync(real, 'old');
    chmodSync(real, 0o640);
    symlinkSync(real, link);
    atomicWriteFile(link, new TextEncoder().encode('new'));
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readFileSync(real, 'utf8'), 'new');
    assert.equal(statSync(real).mode & 0o777, 0o640);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
