/**
 * Analysis against brute force: reach vs dense boolean matrix powers, diameter vs
 * Floyd–Warshall, components vs closure; degree statistics, symmetry and cost by formula.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopologyError } from '../../src/errors.ts';
import { Generator } from '../../src/tensor/random.ts';
import * as T from '../../src/topology/index.ts';
import type { Topology } from '../../src/topology/index.ts';

function toDense(t: Topology): boolean[][] {
  const d = Array.from({ length: t.rows }, () => new Array<boolean>(t.cols).fill(false));
  for (let i = 0; i < t.rows; i++) for (const j of t.row(i)) d[i][j] = true;
  return d;
}

function randomSquare(g: Generator, n: number): Topology {
  const p = [0, 0.05, 0.1, 0.2, 0.4, 1][g.int(0, 6)];
  const emptyRow = n > 0 && g.uniform() < 0.5 ? g.int(0, n) : -1;
  const bits = Array.from({ length: n }, (_, i) => Array.from({ length: n }, () => i !== emptyRow && g.uniform() < p));
  return T.fromMask(n, n, (i, j) => bits[i][j]);
}

/** Per-row fractions reached by paths of 1..L edges: the nonzeros of A ∪ A² ∪ … ∪ A^L. */
function bruteReachRows(t: Topology, L: number): number[] {
  const n = t.rows;
  const A = toDense(t);
  let P = A.map((r) => r.slice());
  const acc = A.map((r) => r.slice());
  for (let k = 2; k <= L; k++) {
    P = P.map((row) => Array.from({ length: n }, (_, j) => row.some((v, x) => v && A[x][j])));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) acc[i][j] ||= P[i][j];
  }
  return acc.map((row) => row.filter(Boolean).length / n);
}

function throwsTopology(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: Error) => e instanceof TopologyError && pattern.test(e.message));
}

describe('reach', () => {
  it('exact reach equals dense boolean matrix powers', () => {
    const g = new Generator(1);
    for (let k = 0; k < 250; k++) {
      const n = [0, 1, 1, 2, 3, 5, 8, 13, 33, 40][g.int(0, 10)];
      const t = randomSquare(g, n);
      for (const L of [1, 2, 3, 5]) {
        const want = n === 0 ? 0 : bruteReachRows(t, L).reduce((a, b) => a + b, 0) / n;
        const got = T.reach(t, L);
        assert.ok(got.exact && got.stdError === 0);
        assert.ok(Math.abs(got.fraction - want) < 1e-12, `trial ${k}, n=${n}, L=${L}: ${got.fraction} vs ${want}`);
      }
    }
    // Known values: a causal window of 2 reaches L + 1 keys after L layers (cut at the start).
    const n = 100;
    const r3 = T.reach(T.slidingWindow(n, 2, { causal: true }), 3);
    let pairs = 0;
    for (let i = 0; i < n; i++) pairs += Math.min(i + 1, 4);
    assert.equal(r3.fraction, pairs / (n * n));
    assert.equal(T.reach(T.dense(7, 7), 1).fraction, 1);
  });

  it('sampled reach: BFS per sampled row is exact, the estimate lands within its standard error', () => {
    const g = new Generator(2);
    for (let k = 0; k < 60; k++) {
      const n = [5, 9, 20, 37][g.int(0, 4)];
      const t = randomSquare(g, n);
      const L = g.int(1, 5);
      const rowsF = bruteReachRows(t, L);
      const total = rowsF.reduce((a, b) => a + b, 0);
      // n − 1 samples: the estimate is the mean over all rows but one.
      const est = T.reach(t, L, { maxExact: 0, samples: n - 1, seed: k });
      assert.ok(!est.exact && est.samples === n - 1);
      assert.ok(rowsF.some((f) => Math.abs((total - f) / (n - 1) - est.fraction) < 1e-12), `trial ${k}: ${est.fraction} is not a leave-one-out mean`);
    }
    // A larger pattern: estimate vs exact.
    const t = T.union(T.slidingWindow(3000, 9), T.random(3000, 3000, 2, { seed: 3 }));
    const exact = T.reach(t, 3);
    const est = T.reach(t, 3, { maxExact: 1000, samples: 300, seed: 4 });
    assert.ok(exact.exact && !est.exact && est.stdError > 0);
    assert.ok(Math.abs(est.fraction - exact.fraction) < 4 * est.stdError, `estimate ${est.fraction} ± ${est.stdError} vs exact ${exact.fraction}`);
    assert.ok(T.reach(t, 3, { maxExact: 0, samples: 3000 }).exact, 'as many samples as rows: exact');
  });

  it('refuses non-square patterns and bad L', () => {
    throwsTopology(() => T.reach(T.dense(2, 3), 1), /^reach: needs a square topology/);
    throwsTopology(() => T.reach(T.dense(3, 3), 0), /reach: L \(hops, i.e. stacked layers\) must be a positive integer, got 0/);
    throwsTopology(() => T.reach(T.dense(3, 3), 1, { samples: 1 }), /samples must be an integer ≥ 2/);
  });
});

describe('diameter and components', () => {
  it('diameter matches Floyd–Warshall, directed and undirected', () => {
    const g = new Generator(3);
    for (let k = 0; k < 200; k++) {
      const n = [0, 1, 2, 3, 6, 10, 17][g.int(0, 7)];
      const t = randomSquare(g, n);
      for (const directed of [true, false]) {
        const A = toDense(t);
        const D = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : A[i][j] || (!directed && A[j][i]) ? 1 : Infinity)));
        for (let m = 0; m < n; m++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i][j] = Math.min(D[i][j], D[i][m] + D[m][j]);
        const want = n <= 1 ? 0 : Math.max(...D.flat());
        assert.equal(T.diameter(t, { directed }), want, `trial ${k}, n=${n}, directed=${directed}`);
      }
    }
    assert.equal(T.diameter(T.slidingWindow(20, 3)), 19);
    assert.equal(T.diameter(T.causal(5)), Infinity, 'row 0 never reads row 4');
    assert.equal(T.diameter(T.causal(5), { directed: false }), 1);
  });

  it('connected components match the transitive closure of the symmetrised pattern', () => {
    const g = new Generator(4);
    for (let k = 0; k < 200; k++) {
      const n = [0, 1, 2, 5, 9, 16][g.int(0, 6)];
      const t = randomSquare(g, n);
      const A = toDense(t);
      const C = A.map((row, i) => row.map((v, j) => v || A[j][i] || i === j));
      for (let m = 0; m < n; m++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) C[i][j] ||= C[i][m] && C[m][j];
      const { count, labels, sizes } = T.connectedComponents(t);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.equal(labels[i] === labels[j], C[i][j], `trial ${k}: ${i}, ${j}`);
      assert.equal(count, new Set(labels).size);
      assert.equal(sizes.reduce((a, b) => a + b, 0), n);
      // Labels in order of first appearance.
      let next = 0;
      for (let i = 0; i < n; i++) if (labels[i] === next) next++;
      assert.equal(next, count);
    }
    const two = T.union(T.blockSparse([[1, 0], [0, 1]], 4), T.withSelfLoops(T.fromEdges(8, 8, [], [])));
    assert.equal(T.connectedComponents(two).count, 2);
    throwsTopology(() => T.connectedComponents(T.dense(2, 3)), /connectedComponents: needs a square topology/);
  });
});

describe('degrees, symmetry, cost', () => {
  it('nnz, density, fan-in (row lengths) and fan-out (column counts)', () => {
    const t = T.fromEdges(3, 4, [0, 0, 0, 2], [0, 1, 3, 1]);
    assert.equal(T.nnz(t), 4);
    assert.equal(T.density(t), 4 / 12);
    assert.deepEqual([...T.fanIn(t)], [3, 0, 1]);
    assert.deepEqual([...T.fanOut(t)], [1, 2, 0, 1]);
    assert.deepEqual(T.degrees(t).fanIn, T.fanIn(t));
    const s = T.fanInStats(t);
    assert.deepEqual([s.min, s.max, s.mean, s.count], [0, 3, 4 / 3, 3]);
    assert.ok(Math.abs(s.std - Math.sqrt(((3 - 4 / 3) ** 2 + (4 / 3) ** 2 + (1 - 4 / 3) ** 2) / 3)) < 1e-12);
    assert.deepEqual(s.histogram, { edges: [0, 1, 2, 3, 4], counts: [1, 1, 0, 1] });
    assert.equal(T.density(T.dense(0, 5)), 0);
    assert.equal(T.fanOutStats(T.dense(0, 0)).count, 0);
  });

  it('wide degree ranges get at most 20 equal-width integer bins covering every value', () => {
    const g = new Generator(5);
    const deg = Array.from({ length: 1000 }, () => g.int(3, 500));
    const s = T.degreeStats(deg);
    const { edges, counts } = s.histogram;
    assert.ok(counts.length <= 20 && counts.length >= 5);
    assert.equal(edges.length, counts.length + 1);
    assert.equal(edges[0], s.min);
    assert.ok(edges[edges.length - 1] > s.max);
    assert.equal(counts.reduce((a, b) => a + b, 0), 1000);
  });

  it('isSymmetric', () => {
    assert.ok(T.isSymmetric(T.slidingWindow(30, 5)));
    assert.ok(T.isSymmetric(T.global(30, [3])));
    assert.ok(!T.isSymmetric(T.causal(3)));
    assert.ok(!T.isSymmetric(T.dense(2, 3)));
    assert.ok(T.isSymmetric(T.dense(0, 0)));
  });

  it('cost of a sparse linear layer and of attention against dense', () => {
    const t = T.slidingWindow(100, 5); // nnz = 5·100 − 2·3 = 494
    assert.equal(t.nnz, 494);
    const lin = T.cost(t);
    assert.equal(lin.use, 'linear');
    assert.deepEqual(lin.sparse, { params: 494 + 100, macs: 494, bytes: (494 + 100) * 4 + 494 * 4 + 101 * 4 });
    assert.deepEqual(lin.dense, { params: 10000 + 100, macs: 10000, bytes: 10100 * 4 });
    assert.equal(lin.ratio.macs, 494 / 10000);
    const noBias = T.cost(t, { bias: false, bytesPerValue: 2, indexBytes: 4 });
    assert.deepEqual(noBias.sparse, { params: 494, macs: 494, bytes: 494 * 2 + 494 * 4 + 101 * 4 });
    const att = T.cost(t, { use: 'attention', featureDim: 32, heads: 4 });
    assert.deepEqual(att.sparse, { params: 0, macs: 2 * 4 * 494 * 32, bytes: 4 * 494 * 4 + 494 * 4 + 101 * 4 });
    assert.deepEqual(att.dense, { params: 0, macs: 2 * 4 * 10000 * 32, bytes: 4 * 10000 * 4 });
    assert.equal(att.ratio.params, 1);
    assert.match(att.counted, /4 head/);
    throwsTopology(() => T.cost(t, { use: 'conv' as 'linear' }), /cost: use must be 'linear' or 'attention', got conv/);
    throwsTopology(() => T.cost(t, { use: 'attention', heads: 0 }), /cost: heads must be a positive integer, got 0/);
  });
});
