/**
 * Crash safety: a child process saving a 256 MB file is SIGKILLed in the middle of the write.
 * The target must still load and hold exactly the previous values; the leftover temp file
 * must be harmless.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { FormatError } from '../../src/errors.ts';
import { readSafetensors, toFloat32, toInt32, writeSafetensors } from '../../src/io/safetensors.ts';
import { Tensor } from '../../src/tensor/tensor.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MB = 256;
const FULL_BYTES = MB * 2 ** 20; // data only; the file is a little larger

const previous = Float32Array.of(0.5, -0, NaN, 1e-40, 3);

function tempFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('.target.safetensors.') && f.endsWith('.tmp'));
}

test('SIGKILL in the middle of writeSafetensors leaves the previous file intact', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-kill-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const target = join(dir, 'target.safetensors');
  writeSafetensors(target, { big: new Tensor(previous, [5]), marker: { dtype: 'I32', shape: [1], data: Int32Array.of(0) } }, { version: '0' });

  const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'io', 'fixtures', 'kill-writer.ts'), target, String(MB)], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  t.after(() => child.kill('SIGKILL'));

  // Wait until a temp file exists and is partly written, then kill at once.
  let seen: { name: string; size: number } | undefined;
  const deadline = Date.now() + 60_000;
  while (seen === undefined) {
    assert.ok(Date.now() < deadline, `no partial temp file appeared; child stdout: ${out} stderr: ${err}`);
    assert.equal(child.exitCode, null, `child exited early: ${err}`);
    for (const name of tempFiles(dir)) {
      let size = 0;
      try {
        size = statSync(join(dir, name)).size;
      } catch {
        continue; // renamed away between readdir and stat
      }
      if (size > 0 && size < FULL_BYTES) seen = { name, size };
    }
    if (seen === undefined) await sleep(1);
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  assert.match(out, /^writing 1$/m, 'the child had started a save');
  const done = [...out.matchAll(/^done (\d+)$/gm)].map((m) => Number(m[1]));
  t.diagnostic(`killed with ${seen.name} at ${seen.size} of ≥${FULL_BYTES} bytes; saves completed before: ${done.length}`);

  // The target loads and holds exactly the last complete version: the original unless the child
  // finished whole saves before the one that was killed.
  const f = readSafetensors(target);
  const version = done.length === 0 ? 0 : done[done.length - 1];
  assert.equal(f.metadata.version, String(version));
  assert.deepEqual([...toInt32(f.tensors.get('marker')!)], [version]);
  const big = toFloat32(f.tensors.get('big')!);
  if (version === 0) {
    assert.deepEqual(new Uint32Array(big.buffer, big.byteOffset, big.length), new Uint32Array(previous.buffer));
  } else {
    assert.equal(big.length, FULL_BYTES / 4);
    assert.ok(big.every((v) => v === version));
  }

  // The temp file of the killed save is left behind (SIGKILL allows no cleanup). It is never
  // read as the target; reading it directly fails cleanly; saving again still works.
  const left = tempFiles(dir);
  assert.ok(left.includes(seen.name), 'the killed save left its temp file');
  for (const name of left) {
    // Almost always truncated (a FormatError); if the kill landed after the last byte but
    // before the rename, it is a complete, valid file of the next version.
    try {
      const tmp = readSafetensors(join(dir, name));
      assert.deepEqual([...toInt32(tmp.tensors.get('marker')!)], [version + 1]);
    } catch (e) {
      assert.ok(e instanceof FormatError, `leftover ${name}: ${String(e)}`);
    }
  }
  writeSafetensors(target, { marker: { dtype: 'I32', shape: [1], data: Int32Array.of(99) } });
  assert.deepEqual([...toInt32(readSafetensors(target).tensors.get('marker')!)], [99]);
  assert.deepEqual(tempFiles(dir), left, 'a new save neither trips over nor reuses the leftover');
});
