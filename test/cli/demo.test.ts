/** The quick-start demo trains, saves and reloads to the same evaluation loss. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runDemo } from '../../src/cli/demo-mlp.ts';

describe('demo', () => {
  it('the loss falls, the model learns, and the reloaded model gives the same loss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-demo-test-'));
    try {
      const lines: string[] = [];
      const r = runDemo({ epochs: 15, out: join(dir, 'm.safetensors'), log: (l) => lines.push(l) });
      assert.ok(r.lastLoss < r.firstLoss / 3, `loss ${r.firstLoss} → ${r.lastLoss}`);
      assert.ok(r.accuracy > 0.8, `accuracy ${r.accuracy}`);
      assert.equal(r.reloadedLoss, r.evalLoss);
      assert.match(lines.at(-1)!, /identical/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('is deterministic for a seed', () => {
    const a = runDemo({ epochs: 2, log: () => {} });
    const b = runDemo({ epochs: 2, log: () => {} });
    assert.equal(a.evalLoss, b.evalLoss);
  });
});
