/** The Topology class itself: validation of user CSR, transpose with its edge permutation, block view. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Generator, Topology, TopologyError } from '../../src/index.ts';

const I = (...v: number[]) => Int32Array.from(v);
const g = new Generator(5);

function randomTop(rows: number, cols: number, p: number): Topology {
  const ptr = [0];
  const idx: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) if (g.uniform() < p) idx.push(c);
    ptr.push(idx.length);
  }
  return new Topology(rows, cols, Int32Array.from(ptr), Int32Array.from(idx));
}

describe('Topology validation', () => {
  it('refuses bad CSR from the user with a TopologyError saying what was expected', () => {
    const bad: Array<[() => unknown, RegExp]> = [
      [() => new Topology(-1, 3, I(0), I()), /rows must be an integer in \[0, 2\^31\), got -1/],
      [() => new Topology(2, 2.5, I(0, 0, 0), I()), /cols must be an integer/],
      [() => new Topology(2, 3, I(0, 1), I(0)), /indptr has 2 entries, expected rows \+ 1 = 3/],
      [() => new Topology(1, 3, I(1, 1), I(0)), /indptr\[0\] must be 0/],
      [() => new Topology(1, 3, I(0, 2), I(0)), /indptr\[1\] = 2 but there are 1 indices/],
      [() => new Topology(2, 3, I(0, 2, 1), I(0, 1)), /indptr\[2\] = 1 but there are 2 indices|decreases/],
      [() => new Topology(1, 3, I(0, 1), I(3)), /row 0 has column 3, outside \[0, 3\)/],
      [() => new Topology(1, 3, I(0, 1), I(-1)), /column -1, outside/],
      [() => new Topology(1, 3, I(0, 2), I(2, 1)), /row 0 is not sorted \(column 1 after 2\)/],
      [() => new Topology(1, 3, I(0, 2), I(1, 1)), /row 0 has column 1 twice/],
      [() => new Topology(1, 3, [0, 1] as unknown as Int32Array, I(0)), /indptr must be an Int32Array/],
    ];
    for (const [make, msg] of bad) assert.throws(make, (e: Error) => e instanceof TopologyError && msg.test(e.message), String(msg));
  });
  it('accepts empty rows, zero rows and zero columns', () => {
    assert.equal(new Topology(3, 0, I(0, 0, 0, 0), I()).nnz, 0);
    assert.equal(new Topology(0, 5, I(0), I()).nnz, 0);
  });
});

describe('transpose', () => {
  it('is an involution, cached, and its permutation carries edge values', () => {
    for (let k = 0; k < 20; k++) {
      const t = randomTop(1 + g.int(0, 12), 1 + g.int(0, 12), g.uniform());
      const tt = t.transpose();
      assert.equal(tt.transpose(), t);
      assert.equal(t.transpose(), tt);
      const perm = t.transposePermutation();
      const rowsOf = t.edgeRows();
      // Edge e' of the transpose is (c, r) where edge perm[e'] of t is (r, c).
      const rowsT = tt.edgeRows();
      for (let e = 0; e < tt.nnz; e++) {
        assert.equal(tt.indices[e], rowsOf[perm[e]]);
        assert.equal(rowsT[e], t.indices[perm[e]]);
      }
      assert.deepEqual([...perm].sort((a, b) => a - b), Array.from({ length: t.nnz }, (_, i) => i));
      assert.deepEqual(tt.transposePermutation(), Int32Array.from({ length: t.nnz }, (_, i) => perm.indexOf(i)));
    }
  });
  it('has() answers membership', () => {
    const t = new Topology(2, 4, I(0, 2, 3), I(1, 3, 0));
    assert.deepEqual([t.has(0, 1), t.has(0, 2), t.has(0, 3), t.has(1, 0), t.has(5, 0)], [true, false, true, true, false]);
  });
});

describe('blockView', () => {
  it('tiles cover exactly the edges; full tiles are full; partial masks are exact', () => {
    for (const b of [1, 2, 3, 4, 8]) {
      for (let k = 0; k < 10; k++) {
        const rows = 1 + g.int(0, 20), cols = 1 + g.int(0, 20);
        const t = randomTop(rows, cols, [0.1, 0.5, 0.95][k % 3]);
        const v = t.blockView(b);
        assert.equal(v, t.blockView(b), 'cached');
        let covered = 0;
        for (let R = 0; R < v.rowBlocks; R++) {
          for (let k2 = v.tilePtr[R]; k2 < v.tilePtr[R + 1]; k2++) {
            const C = v.tileCols[k2];
            if (k2 > v.tilePtr[R]) assert.ok(C > v.tileCols[k2 - 1], 'tiles sorted');
            let inTile = 0;
            for (let r = R * b; r < Math.min(rows, R * b + b); r++) {
              for (let c = C * b; c < Math.min(cols, C * b + b); c++) {
                const edge = t.has(r, c);
                if (edge) inTile++;
                const fromView = v.full[k2] ? true : v.masks[v.maskOffset[k2] + (r - R * b) * b + (c - C * b)] === 1;
                assert.equal(fromView, edge, `b=${b} tile (${R},${C}) cell (${r},${c})`);
              }
            }
            assert.ok(inTile > 0, 'no empty tiles');
            covered += inTile;
          }
        }
        assert.equal(covered, t.nnz);
      }
    }
  });
  it('refuses a bad block size', () => {
    assert.throws(() => new Topology(1, 1, I(0, 1), I(0)).blockView(0), TopologyError);
  });
});
