/**
 * Pattern constructors against brute-force fromMask definitions, random patterns against their
 * stated properties, the cache, and every bad argument as a named TopologyError.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopologyError } from '../../src/errors.ts';
import { Generator } from '../../src/tensor/random.ts';
import * as T from '../../src/topology/index.ts';
import type { Topology } from '../../src/topology/index.ts';

/** Same shape and edges, with a readable failure naming the first differing cell. */
function assertSame(got: Topology, want: Topology, what: string): void {
  assert.equal(got.rows, want.rows, `${what}: rows`);
  assert.equal(got.cols, want.cols, `${what}: cols`);
  if (got.equals(want)) return;
  for (let i = 0; i < want.rows; i++) {
    for (let j = 0; j < want.cols; j++) {
      if (got.has(i, j) !== want.has(i, j)) assert.fail(`${what}: cell (${i}, ${j}) is ${got.has(i, j)} but the definition says ${want.has(i, j)}`);
    }
  }
  assert.fail(`${what}: not equal`);
}

/** A copy through the validating constructor: proves a trusted CSR really is sorted and unique. */
function revalidate(t: Topology): void {
  assert.doesNotThrow(() => new T.Topology(t.rows, t.cols, t.indptr.slice(), t.indices.slice()), `${t.origin} is not a valid CSR`);
}

function throwsTopology(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof TopologyError, `expected a TopologyError, got ${e?.constructor?.name}: ${e?.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('deterministic patterns match their definitions', () => {
  it('dense and causal', () => {
    for (const [r, c] of [[0, 0], [0, 3], [3, 0], [1, 1], [1, 5], [5, 1], [4, 7], [9, 9]]) {
      assertSame(T.dense(r, c), T.fromMask(r, c, () => true), `dense(${r}, ${c})`);
      revalidate(T.dense(r, c));
    }
    for (const n of [0, 1, 2, 7, 16]) assertSame(T.causal(n), T.fromMask(n, n, (i, j) => j <= i), `causal(${n})`);
  });

  it('slidingWindow: |i − j| ≤ ⌊w/2⌋, or i − w < j ≤ i when causal', () => {
    for (const n of [0, 1, 2, 5, 13, 40]) {
      for (const w of [1, 2, 3, 4, 7, 8, 50]) {
        const h = Math.floor(w / 2);
        assertSame(T.slidingWindow(n, w), T.fromMask(n, n, (i, j) => Math.abs(i - j) <= h), `slidingWindow(${n}, ${w})`);
        assertSame(T.slidingWindow(n, w, { causal: true }), T.fromMask(n, n, (i, j) => j <= i && j > i - w), `slidingWindow(${n}, ${w}, causal)`);
        revalidate(T.slidingWindow(n, w));
      }
    }
    // Interior rows see exactly w keys (odd w) or w + 1 (even w); causal rows see w.
    assert.equal(T.slidingWindow(100, 7).row(50).length, 7);
    assert.equal(T.slidingWindow(100, 8).row(50).length, 9);
    assert.equal(T.slidingWindow(100, 8, { causal: true }).row(50).length, 8);
  });

  it('slidingWindow(65536, 256) has exactly n(2h+1) − h(h+1) edges, h = 128', () => {
    const n = 65536;
    const h = 128;
    const t = T.slidingWindow(n, 256);
    assert.equal(t.nnz, n * (2 * h + 1) - h * (h + 1));
    assert.equal(t.nnz, 16_826_240);
    // Causal: each row min(i + 1, w) keys.
    const w = 256;
    assert.equal(T.slidingWindow(n, w, { causal: true }).nnz, n * w - (w * (w - 1)) / 2);
    T.clearTopologyCache();
  });

  it('dilated: j = i + k·d with |k| ≤ ⌊w/2⌋, or j = i − k·d with 0 ≤ k < w when causal', () => {
    for (const n of [0, 1, 6, 23]) {
      for (const w of [1, 2, 3, 5]) {
        for (const d of [1, 2, 3, 7]) {
          const h = Math.floor(w / 2);
          const sym = (i: number, j: number): boolean => Math.abs(i - j) % d === 0 && Math.abs(i - j) / d <= h;
          const cau = (i: number, j: number): boolean => j <= i && (i - j) % d === 0 && (i - j) / d < w;
          assertSame(T.dilated(n, w, d), T.fromMask(n, n, sym), `dilated(${n}, ${w}, ${d})`);
          assertSame(T.dilated(n, w, d, { causal: true }), T.fromMask(n, n, cau), `dilated(${n}, ${w}, ${d}, causal)`);
          revalidate(T.dilated(n, w, d));
        }
      }
    }
    assert.ok(T.dilated(30, 5, 1).equals(T.slidingWindow(30, 5)), 'dilation 1 is the sliding window');
  });

  it('global: chosen positions read and are read by all', () => {
    const cases: Array<[number, number[]]> = [[0, []], [1, [0]], [6, []], [6, [0]], [9, [4, 0, 8, 4]], [5, [0, 1, 2, 3, 4]]];
    for (const [n, G] of cases) {
      const g = new Set(G);
      assertSame(T.global(n, G), T.fromMask(n, n, (i, j) => g.has(i) || g.has(j)), `global(${n}, [${G}])`);
      revalidate(T.global(n, G));
    }
  });

  it('strided and fixed (Sparse Transformer, causal)', () => {
    for (const n of [0, 1, 5, 17, 40]) {
      for (const l of [1, 2, 3, 4, 8]) {
        assertSame(T.strided(n, l), T.fromMask(n, n, (i, j) => j <= i && (i - j < l || (i - j) % l === 0)), `strided(${n}, ${l})`);
        // The paper's two heads, literally: {max(0, i−l) … i} ∪ {j : (i − j) mod l = 0}, j ≤ i.
        const paper = (i: number, j: number): boolean => j <= i && ((j >= Math.max(0, i - l) && j <= i) || (i - j) % l === 0);
        assertSame(T.strided(n, l), T.fromMask(n, n, paper), `strided(${n}, ${l}) vs the paper's heads`);
        for (let c = 0; c <= l; c++) {
          const fx = (i: number, j: number): boolean => j <= i && (Math.floor(j / l) === Math.floor(i / l) || j % l >= l - c);
          assertSame(T.fixed(n, l, c), T.fromMask(n, n, fx), `fixed(${n}, ${l}, ${c})`);
        }
        revalidate(T.strided(n, l));
        revalidate(T.fixed(n, l, Math.min(2, l)));
      }
    }
  });

  it('local2d: square, cross and diamond neighbourhoods on a row-major grid', () => {
    for (const [H, W] of [[0, 0], [1, 1], [1, 6], [5, 1], [4, 5], [7, 6]]) {
      for (const r of [0, 1, 2, 3]) {
        const at = (p: number): [number, number] => [Math.floor(p / W), p % W];
        const def = {
          square: (dy: number, dx: number) => Math.max(Math.abs(dy), Math.abs(dx)) <= r,
          cross: (dy: number, dx: number) => (dy === 0 && Math.abs(dx) <= r) || (dx === 0 && Math.abs(dy) <= r),
          diamond: (dy: number, dx: number) => Math.abs(dy) + Math.abs(dx) <= r,
        };
        for (const shape of ['square', 'cross', 'diamond'] as const) {
          const want = T.fromMask(H * W, H * W, (p, q) => {
            const [y, x] = at(p);
            const [yy, xx] = at(q);
            return def[shape](yy - y, xx - x);
          });
          const got = shape === 'square' ? T.local2d(H, W, r) : T.local2d(H, W, r, { shape });
          assertSame(got, want, `local2d(${H}, ${W}, ${r}, ${shape})`);
          revalidate(got);
        }
      }
    }
  });

  it('blockSparse from boolean[][], {data} and {has}, with trimmed edges', () => {
    const g = new Generator(11);
    for (let trial = 0; trial < 30; trial++) {
      const RB = g.int(0, 5);
      const CB = g.int(0, 5);
      const b = g.int(1, 4);
      const bits = Array.from({ length: RB }, () => Array.from({ length: CB }, () => g.uniform() < 0.4));
      const rows = RB === 0 ? 0 : RB * b - g.int(0, b);
      const cols = CB === 0 ? 0 : CB * b - g.int(0, b);
      const want = T.fromMask(rows, cols, (i, j) => bits[Math.floor(i / b)][Math.floor(j / b)]);
      const data = Uint8Array.from(bits.flat(), (v) => (v ? 1 : 0));
      const what = `blockSparse trial ${trial} (${RB}×${CB} blocks of ${b}, ${rows}×${cols})`;
      // A boolean[][] with no rows cannot say how many block-columns it has.
      if (RB > 0) assertSame(T.blockSparse(bits, b, { rows, cols }), want, `${what} from boolean[][]`);
      assertSame(T.blockSparse({ rowBlocks: RB, colBlocks: CB, data }, b, { rows, cols }), want, `${what} from data`);
      assertSame(T.blockSparse({ rowBlocks: RB, colBlocks: CB, has: (R, C) => bits[R][C] }, b, { rows, cols }), want, `${what} from has()`);
      revalidate(T.blockSparse({ rowBlocks: RB, colBlocks: CB, data }, b, { rows, cols }));
    }
    assert.equal(T.blockSparse([[true, false], [false, true]], 3).rows, 6);
  });

  it('bigBird without random blocks is window ∪ global, in blocks', () => {
    for (const n of [1, 7, 16, 33, 64]) {
      for (const block of [1, 3, 4, 8]) {
        for (const wb of [1, 3, 5]) {
          const nb = Math.ceil(n / block);
          for (const g of [0, 1, 2, 3].filter((x) => x <= nb)) {
            const first = Math.ceil(g / 2);
            const isG = (B: number): boolean => B < first || B >= nb - (g - first);
            const want = T.fromMask(n, n, (i, j) => {
              const I = Math.floor(i / block);
              const J = Math.floor(j / block);
              return isG(I) || isG(J) || Math.abs(I - J) <= (wb - 1) / 2;
            });
            const got = T.bigBird(n, { block, windowBlocks: wb, globalBlocks: g, randomBlocks: 0 });
            assertSame(got, want, `bigBird(${n}, block=${block}, window=${wb}, global=${g})`);
            revalidate(got);
          }
        }
      }
    }
    // Explicit global block indices.
    const got = T.bigBird(40, { block: 4, windowBlocks: 1, globalBlocks: [3, 7], randomBlocks: 0 });
    assertSame(got, T.fromMask(40, 40, (i, j) => [3, 7].includes(Math.floor(i / 4)) || [3, 7].includes(Math.floor(j / 4)) || Math.floor(i / 4) === Math.floor(j / 4)), 'bigBird global [3, 7]');
  });

  it('bigBird random blocks: whole tiles outside window and global, exactly r per query block, seeded', () => {
    for (const [n, block, r] of [[64, 4, 3], [30, 4, 2], [50, 5, 20], [96, 8, 1]]) {
      const base = T.bigBird(n, { block, randomBlocks: 0 });
      const t = T.bigBird(n, { block, randomBlocks: r, seed: 5 });
      revalidate(t);
      const extra = T.difference(t, base);
      assert.equal(T.intersect(t, base).nnz, base.nnz, 'random blocks only add edges');
      const nb = Math.ceil(n / block);
      const bv = extra.blockView(block);
      for (let I = 0; I < nb; I++) {
        const isGlobal = I === 0 || I === nb - 1;
        const tiles = bv.tilePtr[I + 1] - bv.tilePtr[I];
        const avail = nb - 2 - (Math.min(nb - 2, I + 1) - Math.max(1, I - 1) + 1);
        assert.equal(tiles, isGlobal ? 0 : Math.min(r, avail), `bigBird(${n}, block=${block}) query block ${I}: random tiles`);
        for (let k = bv.tilePtr[I]; k < bv.tilePtr[I + 1]; k++) assert.equal(bv.full[k], 1, 'random blocks are whole tiles');
      }
      assert.ok(T.bigBird(n, { block, randomBlocks: r, seed: 5 }) === t, 'same seed: served from the cache');
    }
    // Fresh builds with the same seed agree; different seeds differ.
    const a = T.bigBird(256, { block: 8, seed: 1 });
    T.clearTopologyCache();
    assert.ok(T.bigBird(256, { block: 8, seed: 1 }).equals(a));
    assert.ok(!T.bigBird(256, { block: 8, seed: 2 }).equals(a));
  });
});

describe('random patterns', () => {
  it('random: exactly k distinct sources per row, excludeSelf, seeded', () => {
    for (const [rows, cols, k] of [[0, 5, 2], [1, 1, 1], [1, 9, 9], [7, 1, 0], [20, 10, 3], [12, 40, 39], [30, 5, 5]]) {
      const t = T.random(rows, cols, k, { seed: 4 });
      revalidate(t);
      for (let i = 0; i < rows; i++) assert.equal(t.row(i).length, k);
      const x = T.random(rows, cols, Math.min(k, cols - 1 < 0 ? 0 : cols - 1), { seed: 4, excludeSelf: true });
      revalidate(x);
      for (let i = 0; i < Math.min(rows, cols); i++) assert.ok(!x.has(i, i), `excludeSelf: row ${i} has itself`);
    }
    const a = T.random(50, 50, 5, { seed: 9 });
    T.clearTopologyCache();
    assert.ok(T.random(50, 50, 5, { seed: 9 }).equals(a), 'same seed, same pattern');
    assert.ok(!T.random(50, 50, 5, { seed: 10 }).equals(a), 'other seed, other pattern');
    assert.ok(T.random(50, 50, 5, { generator: new Generator(9) }).equals(a), 'a generator seeded alike gives the same draws');
  });

  it('random: every column equally likely', () => {
    const t = T.random(4000, 10, 3, { seed: 1, excludeSelf: true });
    const hits = T.fanOut(t);
    // Rows 0..9 cannot pick their own column; every other row picks uniformly.
    const expected = (3990 * 3) / 10 + (10 * 3) / 9 - 0; // ≈ 1200
    for (let c = 0; c < 10; c++) assert.ok(Math.abs(hits[c] - expected) < 5 * Math.sqrt(expected), `column ${c}: ${hits[c]} hits, expected about ${expected}`);
  });

  it('erdosRenyi: edges independent with probability p, O(nnz) by skipping, seeded', () => {
    for (const [rows, cols, p] of [[0, 4, 0.5], [4, 0, 0.5], [1, 1, 1], [5, 7, 0], [5, 7, 1], [3, 1000, 0.01], [1000, 3, 0.3], [200, 300, 0.05]]) {
      const t = T.erdosRenyi(rows, cols, p, { seed: 2 });
      revalidate(t);
      const mean = rows * cols * p;
      const sd = Math.sqrt(rows * cols * p * (1 - p));
      assert.ok(Math.abs(t.nnz - mean) <= 5 * sd + 1e-9, `erdosRenyi(${rows}, ${cols}, ${p}): ${t.nnz} edges, expected ${mean} ± ${sd}`);
    }
    // Uniform over rows and over columns, including the first and last column of each row.
    const t = T.erdosRenyi(2000, 50, 0.1, { seed: 8 });
    const byCol = T.fanOut(t);
    for (let c = 0; c < 50; c++) assert.ok(Math.abs(byCol[c] - 200) < 5 * Math.sqrt(180), `column ${c}: ${byCol[c]} edges, expected about 200`);
    const byRowBlock = new Array(10).fill(0);
    for (let i = 0; i < 2000; i++) byRowBlock[Math.floor(i / 200)] += t.row(i).length;
    for (const v of byRowBlock) assert.ok(Math.abs(v - 1000) < 5 * Math.sqrt(900));
    // Sparse and large: only nnz work (a cell-by-cell coin flip would take 10^10 draws).
    const big = T.erdosRenyi(100_000, 100_000, 1e-5, { seed: 3 });
    assert.ok(Math.abs(big.nnz - 100_000) < 5 * Math.sqrt(100_000));
    // More cells than float64 counts exactly (2^23 · (2^31 − 1) > 2^53): still a valid CSR.
    const huge = T.erdosRenyi(2 ** 23, 2 ** 31 - 1, 1e-14, { seed: 4 });
    revalidate(huge);
    const mean = 2 ** 23 * (2 ** 31 - 1) * 1e-14;
    assert.ok(Math.abs(huge.nnz - mean) < 5 * Math.sqrt(mean), `${huge.nnz} edges, expected about ${mean}`);
    const a = T.erdosRenyi(100, 100, 0.2, { seed: 5 });
    T.clearTopologyCache();
    assert.ok(T.erdosRenyi(100, 100, 0.2, { seed: 5 }).equals(a));
    assert.ok(!T.erdosRenyi(100, 100, 0.2, { seed: 6 }).equals(a));
  });

  it('nm: exactly n edges in every group of m columns; random or by scores', () => {
    for (const [rows, cols, n, m] of [[0, 8, 2, 4], [1, 4, 2, 4], [5, 8, 2, 4], [3, 12, 1, 3], [4, 10, 0, 5], [4, 10, 5, 5], [6, 16, 3, 8]]) {
      const t = T.nm(rows, cols, n, m, { seed: 1 });
      revalidate(t);
      for (let i = 0; i < rows; i++) {
        const counts = new Array(cols / m).fill(0);
        for (const j of t.row(i)) counts[Math.floor(j / m)]++;
        assert.deepEqual(counts, new Array(cols / m).fill(n), `nm(${rows}, ${cols}, ${n}:${m}) row ${i}`);
      }
    }
    // Scores: the n largest of each group (ties to the lower column, NaN lowest).
    const scores = Float32Array.from([0.1, 0.9, 0.5, 0.2, /* */ 3, 3, NaN, 1, /* row 1 */ -1, -2, -3, -4, 0, 0, 0, 0]);
    const t = T.nm(2, 8, 2, 4, { scores });
    assert.deepEqual([...t.row(0)], [1, 2, 4, 5]);
    assert.deepEqual([...t.row(1)], [0, 1, 4, 5]);
  });
});

describe('erk (RigL Erdős–Rényi–Kernel densities)', () => {
  const kept = (shapes: number[][], d: number[]): number => shapes.reduce((s, sh, l) => s + d[l] * sh.reduce((a, b) => a * b, 1), 0);
  const total = (shapes: number[][]): number => shapes.reduce((s, sh) => s + sh.reduce((a, b) => a * b, 1), 0);

  it('keeps targetDensity of all weights, density ∝ Σdims/Πdims, ≤ 1', () => {
    const shapes = [[300, 784], [100, 300], [10, 100]];
    const d = T.erk(shapes, 0.1);
    assert.ok(Math.abs(kept(shapes, d) - 0.1 * total(shapes)) < 1e-6);
    const raw = shapes.map((s) => (s[0] + s[1]) / (s[0] * s[1]));
    assert.ok(Math.abs(d[1] / d[0] - raw[1] / raw[0]) < 1e-12);
    for (const x of d) assert.ok(x > 0 && x <= 1);
  });

  it('makes layers dense when their density would pass 1 and rescales the rest (as RigL iterates)', () => {
    // Tiny last layer: raw score 1.1 → dense. Then the middle layer crosses 1 too.
    const shapes = [[1000, 1000], [20, 30], [10, 2]];
    const d = T.erk(shapes, 0.05);
    assert.equal(d[2], 1);
    assert.ok(Math.abs(kept(shapes, d) - 0.05 * total(shapes)) < 1e-6);
    // Hand computation of RigL's loop.
    const raw = shapes.map((s) => (s[0] + s[1]) / (s[0] * s[1]));
    let dense = new Set<number>();
    let eps = 0;
    for (;;) {
      let rhs = 0;
      let div = 0;
      shapes.forEach((s, l) => {
        const size = s[0] * s[1];
        if (dense.has(l)) rhs -= size * (1 - 0.05);
        else {
          rhs += size * 0.05;
          div += raw[l] * size;
        }
      });
      eps = rhs / div;
      const maxRaw = Math.max(...raw.filter((_, l) => !dense.has(l)));
      if (maxRaw * eps > 1) dense = new Set([...dense, raw.indexOf(maxRaw)]);
      else break;
    }
    shapes.forEach((_, l) => assert.ok(Math.abs(d[l] - (dense.has(l) ? 1 : eps * raw[l])) < 1e-12, `layer ${l}`));
  });

  it('conv kernels count kh + kw; power 0 is uniform; target 0 and 1', () => {
    const shapes = [[64, 3, 3, 3], [128, 64, 3, 3], [10, 128]];
    const d = T.erk(shapes, 0.2);
    assert.ok(Math.abs(kept(shapes, d) - 0.2 * total(shapes)) < 1e-6);
    const raw = shapes.map((s) => s.reduce((a, b) => a + b, 0) / s.reduce((a, b) => a * b, 1));
    assert.ok(d[0] === 1 || Math.abs(d[1] / d[2] - raw[1] / raw[2]) < 1e-9);
    assert.deepEqual(T.erk([[10, 20], [30, 40]], 0.3, { power: 0 }).map((x) => +x.toFixed(12)), [0.3, 0.3]);
    assert.deepEqual(T.erk(shapes, 0), [0, 0, 0]);
    assert.deepEqual(T.erk(shapes, 1), [1, 1, 1]);
  });
});

describe('fromEdges and fromMask', () => {
  it('fromEdges sorts, merges duplicates or refuses them', () => {
    const t = T.fromEdges(3, 4, [2, 0, 2, 0, 2], [3, 1, 0, 1, 3]);
    assert.deepEqual([...t.indptr], [0, 1, 1, 3]);
    assert.deepEqual([...t.indices], [1, 0, 3]);
    revalidate(t);
    throwsTopology(() => T.fromEdges(3, 4, [2, 0, 2, 0], [3, 1, 0, 1], { duplicates: 'error' }), /fromEdges: edge \(0, 1\) appears more than once/);
    assert.equal(T.fromEdges(0, 0, [], []).nnz, 0);
    assert.equal(T.fromEdges(2, 2, Int32Array.of(1, 0), Float64Array.of(0, 1)).nnz, 2);
  });

  it('fromEdges agrees with fromMask on random edge lists', () => {
    const g = new Generator(3);
    for (let trial = 0; trial < 40; trial++) {
      const rows = g.int(0, 9);
      const cols = g.int(0, 9);
      const E = rows * cols === 0 ? 0 : g.int(0, 30);
      const r = Array.from({ length: E }, () => g.int(0, rows));
      const c = Array.from({ length: E }, () => g.int(0, cols));
      const set = new Set(r.map((x, e) => `${x},${c[e]}`));
      assertSame(T.fromEdges(rows, cols, r, c), T.fromMask(rows, cols, (i, j) => set.has(`${i},${j}`)), `trial ${trial}`);
    }
  });

  it('fromMask calls the predicate once per cell', () => {
    let calls = 0;
    T.fromMask(3, 5, () => (calls++, false));
    assert.equal(calls, 15);
  });
});

describe('the pattern cache', () => {
  it('serves identical requests (defaults canonicalised, seed in the key) and not generator ones', () => {
    T.clearTopologyCache();
    assert.equal(T.slidingWindow(128, 8), T.slidingWindow(128, 8, { causal: false }));
    assert.notEqual(T.slidingWindow(128, 8), T.slidingWindow(128, 8, { causal: true }));
    assert.equal(T.random(10, 10, 2, { seed: 3 }), T.random(10, 10, 2, { seed: 3 }));
    assert.notEqual(T.random(10, 10, 2, { seed: 3 }), T.random(10, 10, 2, { seed: 4 }));
    const g1 = T.random(10, 10, 2, { generator: new Generator(3) });
    assert.notEqual(g1, T.random(10, 10, 2, { generator: new Generator(3) }));
    assert.notEqual(T.random(10, 10, 2), T.random(10, 10, 2), 'no seed: the default generator, not cached');
    assert.equal(T.global(10, [3, 1]), T.global(10, [1, 3, 3]));
    assert.equal(T.blockSparse([[1, 0], [0, 1]], 2), T.blockSparse({ rowBlocks: 2, colBlocks: 2, data: Uint8Array.of(1, 0, 0, 1) }, 2));
    const has = (R: number, C: number): boolean => R === C;
    assert.notEqual(T.blockSparse({ rowBlocks: 2, colBlocks: 2, has }, 2), T.blockSparse({ rowBlocks: 2, colBlocks: 2, has }, 2));
    assert.equal(T.bigBird(64, { block: 8, randomBlocks: 0 }), T.bigBird(64, { block: 8, randomBlocks: 0, generator: new Generator(1) }), 'no random blocks: the generator is irrelevant');
    const s = T.topologyCache.stats();
    assert.ok(s.hits >= 5 && s.entries > 0);
    T.clearTopologyCache();
    assert.equal(T.topologyCache.stats().entries, 0);
    assert.equal(T.topologyCache.stats().size, 0);
  });

  it('is bounded: least recently used entries go first, oversized ones are not kept', () => {
    const c = new T.TopologyCache(100);
    const mk = (n: number) => () => T.fromMask(n, n, () => true);
    const a = c.getOrBuild('a', mk(5)); // 25 + 6 = 31
    c.getOrBuild('b', mk(5));
    c.getOrBuild('c', mk(5)); // 93
    assert.equal(c.getOrBuild('a', mk(5)), a, 'hit refreshes a');
    c.getOrBuild('d', mk(5)); // 124 > 100: evict the LRU, b
    assert.ok(c.has('a') && !c.has('b') && c.has('c') && c.has('d'));
    assert.ok(c.stats().size <= 100);
    c.getOrBuild('huge', mk(20));
    assert.ok(!c.has('huge'));
    c.setBudget(0);
    assert.equal(c.stats().entries, 0);
    throwsTopology(() => c.setBudget(-1), /budget must be a non-negative integer/);
  });
});

describe('bad arguments are named TopologyErrors saying what was expected', () => {
  it('sizes, windows, densities, seeds', () => {
    throwsTopology(() => T.slidingWindow(-1, 3), /slidingWindow: n must be a non-negative integer, got -1/);
    throwsTopology(() => T.slidingWindow(10.5, 3), /slidingWindow: n must be a non-negative integer, got 10.5/);
    throwsTopology(() => T.slidingWindow(10, 0), /^slidingWindow: window must be a positive integer, got 0$/);
    throwsTopology(() => T.slidingWindow(10, 2.5), /window must be a positive integer, got 2.5/);
    throwsTopology(() => T.slidingWindow(10, 3, { causal: 'yes' as unknown as boolean }), /causal must be true or false/);
    throwsTopology(() => T.dense(-2, 3), /dense: rows must be a non-negative integer, got -2/);
    throwsTopology(() => T.dense(100_000, 100_000), /more than the 2\^31 − 1/);
    throwsTopology(() => T.causal(NaN), /causal: n must be a non-negative integer, got NaN/);
    throwsTopology(() => T.dilated(10, 3, 0), /dilated: dilation must be a positive integer, got 0/);
    throwsTopology(() => T.dilated(10, 0, 2), /dilated: window must be a positive integer/);
    throwsTopology(() => T.strided(10, 0), /strided: stride must be a positive integer, got 0/);
    throwsTopology(() => T.fixed(10, 4, 5), /fixed: c must be at most stride \(4\), got 5/);
    throwsTopology(() => T.local2d(4, 4, -1), /local2d: radius must be a non-negative integer, got -1/);
    throwsTopology(() => T.local2d(4, 4, 1, { shape: 'circle' as 'square' }), /shape must be 'square', 'cross' or 'diamond'/);
    throwsTopology(() => T.global(5, [5]), /global: indices\[0\] = 5 is not an integer in \[0, 5\)/);
    throwsTopology(() => T.global(5, [1.5]), /indices\[0\] = 1.5/);
    throwsTopology(() => T.erdosRenyi(3, 3, 1.5, { seed: 0 }), /erdosRenyi: density must be a number in \[0, 1\], got 1.5/);
    throwsTopology(() => T.erdosRenyi(3, 3, -0.1, { seed: 0 }), /density must be a number in \[0, 1\], got -0.1/);
    throwsTopology(() => T.erdosRenyi(3, 3, NaN, { seed: 0 }), /got NaN/);
    throwsTopology(() => T.erk([[10, 10]], 2), /erk: density must be a number in \[0, 1\], got 2/);
    throwsTopology(() => T.erk([[10, 0]], 0.5), /erk: layerShapes\[0\] must hold positive integers/);
    throwsTopology(() => T.erk([[10]], 0.5), /erk: layerShapes\[0\] must be \[out, in\]/);
    throwsTopology(() => T.random(3, 3, 4, { seed: 0 }), /random: k = 4 is more than the 3 columns available per row/);
    throwsTopology(() => T.random(3, 3, 3, { seed: 0, excludeSelf: true }), /k = 3 is more than the 2 columns available per row \(cols = 3, excludeSelf\)/);
    throwsTopology(() => T.random(3, 3, 1, { seed: 1.5 }), /random: seed must be an integer, got 1.5/);
    throwsTopology(() => T.random(3, 3, 1, { seed: 1, generator: new Generator(1) }), /either seed or generator/);
  });

  it('N:M, blocks, BigBird', () => {
    throwsTopology(() => T.nm(2, 8, 5, 4, { seed: 0 }), /nm: n must be at most m \(n = 5 edges in each group of m = 4 columns\)/);
    throwsTopology(() => T.nm(2, 10, 2, 4, { seed: 0 }), /nm: cols = 10 must be a multiple of m = 4/);
    throwsTopology(() => T.nm(2, 8, 2, 0), /nm: m must be a positive integer, got 0/);
    throwsTopology(() => T.nm(2, 8, 2, 4, { scores: [1, 2] }), /scores must have rows·cols = 16 entries, got 2/);
    throwsTopology(() => T.blockSparse([[true], [true, false]], 2), /mask must be rectangular/);
    throwsTopology(() => T.blockSparse([[true]], 0), /blockSparse: block must be a positive integer, got 0/);
    throwsTopology(() => T.blockSparse([[true]], 4, { rows: 5 }), /rows = 5 does not fit 1 block-rows of 4/);
    throwsTopology(() => T.blockSparse({ rowBlocks: 2, colBlocks: 2, data: new Uint8Array(3) }, 2), /mask.data must have rowBlocks·colBlocks = 4 entries, got 3/);
    throwsTopology(() => T.bigBird(64, { block: 8, windowBlocks: 2 }), /bigBird: windowBlocks must be an odd positive integer/);
    throwsTopology(() => T.bigBird(64, { block: 8, globalBlocks: 9 }), /globalBlocks = 9 is more than the 8 blocks/);
    throwsTopology(() => T.bigBird(64, { block: 8, globalBlocks: [8] }), /globalBlocks\[0\] = 8 is not an integer in \[0, 8\)/);
    throwsTopology(() => T.bigBird(64, { block: -8 }), /bigBird: block must be a positive integer, got -8/);
  });

  it('edge lists: out of range, negative, non-integer, mismatched lengths, bad option', () => {
    throwsTopology(() => T.fromEdges(2, 2, [0, 2], [0, 0]), /fromEdges: edge 1 has row 2, expected an integer in \[0, 2\)/);
    throwsTopology(() => T.fromEdges(2, 2, [0, 1], [0, -1]), /edge 1 has column -1, expected an integer in \[0, 2\)/);
    throwsTopology(() => T.fromEdges(2, 2, [0.5], [0]), /edge 0 has row 0.5/);
    throwsTopology(() => T.fromEdges(2, 2, [0, 1], [0]), /rowIndex has 2 entries but colIndex has 1/);
    throwsTopology(() => T.fromEdges(2, 2, [0], [0], { duplicates: 'sum' as 'merge' }), /duplicates must be 'merge' or 'error', got sum/);
    throwsTopology(() => T.fromEdges(-1, 2, [], []), /fromEdges: rows must be a non-negative integer, got -1/);
    throwsTopology(() => T.fromMask(2, 2, 'x' as unknown as () => boolean), /fromMask: mask must be a function/);
  });
});
