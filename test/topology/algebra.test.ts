/**
 * Property tests of the topology algebra against dense boolean matrices, on many seeded random
 * topologies including empty shapes, empty rows, a single row and a single column.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopologyError } from '../../src/errors.ts';
import { Generator } from '../../src/tensor/random.ts';
import * as T from '../../src/topology/index.ts';
import type { Topology } from '../../src/topology/index.ts';

type Dense = boolean[][];

function toDense(t: Topology): Dense {
  const d = Array.from({ length: t.rows }, () => new Array<boolean>(t.cols).fill(false));
  for (let i = 0; i < t.rows; i++) for (const j of t.row(i)) d[i][j] = true;
  return d;
}

function fromDense(d: Dense, cols: number): Topology {
  return T.fromMask(d.length, cols, (i, j) => d[i][j]);
}

/** A random topology of the given shape; some rows forced empty, densities from 0 to 1. */
function randomTopology(g: Generator, rows: number, cols: number): Topology {
  const p = [0, 0.1, 0.3, 0.6, 1][g.int(0, 5)];
  const emptyRow = rows > 0 && g.uniform() < 0.5 ? g.int(0, rows) : -1;
  const bits = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, () => i !== emptyRow && g.uniform() < p));
  return T.fromMask(rows, cols, (i, j) => bits[i][j]);
}

/** Shapes that include the degenerate ones. */
function randomShape(g: Generator): [number, number] {
  const pick = (): number => [0, 1, 1, 2, 3, 5, 8, 11][g.int(0, 8)];
  return [pick(), pick()];
}

const TRIALS = 300;

function throwsTopology(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: Error) => e instanceof TopologyError && pattern.test(e.message));
}

describe('set operations', () => {
  it('union commutes, is associative, and is the cell-wise OR', () => {
    const g = new Generator(1);
    for (let k = 0; k < TRIALS; k++) {
      const [r, c] = randomShape(g);
      const a = randomTopology(g, r, c);
      const b = randomTopology(g, r, c);
      const x = randomTopology(g, r, c);
      const u = T.union(a, b);
      assert.ok(u.equals(T.union(b, a)), `trial ${k}: union(a, b) ≠ union(b, a)`);
      assert.ok(T.union(T.union(a, b), x).equals(T.union(a, T.union(b, x))), `trial ${k}: not associative`);
      assert.ok(T.union(a, b, x).equals(T.union(T.union(a, b), x)), `trial ${k}: variadic union`);
      const da = toDense(a);
      const db = toDense(b);
      assert.ok(u.equals(fromDense(da.map((row, i) => row.map((v, j) => v || db[i][j])), c)), `trial ${k}: union ≠ OR`);
      assert.ok(T.union(a, a).equals(a), 'idempotent');
    }
  });

  it('intersect is the AND, difference the AND NOT; a = (a ∩ b) ∪ (a − b)', () => {
    const g = new Generator(2);
    for (let k = 0; k < TRIALS; k++) {
      const [r, c] = randomShape(g);
      const a = randomTopology(g, r, c);
      const b = randomTopology(g, r, c);
      const da = toDense(a);
      const db = toDense(b);
      assert.ok(T.intersect(a, b).equals(fromDense(da.map((row, i) => row.map((v, j) => v && db[i][j])), c)), `trial ${k}: intersect`);
      assert.ok(T.difference(a, b).equals(fromDense(da.map((row, i) => row.map((v, j) => v && !db[i][j])), c)), `trial ${k}: difference`);
      assert.ok(T.intersect(a, b).equals(T.intersect(b, a)));
      assert.ok(T.union(T.intersect(a, b), T.difference(a, b)).equals(a));
      assert.equal(T.intersect(T.difference(a, b), b).nnz, 0);
    }
  });

  it('refuses shape mismatches, naming the op and both shapes', () => {
    const a = T.dense(2, 3);
    const b = T.dense(3, 2);
    throwsTopology(() => T.union(a, b), /^union: shapes differ: a is 2×3 but b is 3×2$/);
    throwsTopology(() => T.intersect(a, b), /^intersect: shapes differ: a is 2×3 but b is 3×2$/);
    throwsTopology(() => T.difference(a, b), /^difference: shapes differ: a is 2×3 but b is 3×2$/);
    throwsTopology(() => T.union(a, a, b), /union: shapes differ: a is 2×3 but b is 3×2/);
    throwsTopology(() => T.union(a, null as unknown as Topology), /union: b must be a Topology/);
  });
});

describe('transpose and compose', () => {
  it('transpose is the dense transpose and transpose(transpose(t)) equals t', () => {
    const g = new Generator(3);
    for (let k = 0; k < TRIALS; k++) {
      const [r, c] = randomShape(g);
      const t = randomTopology(g, r, c);
      const tt = T.transpose(t);
      const d = toDense(t);
      assert.ok(tt.equals(T.fromMask(c, r, (i, j) => d[j][i])), `trial ${k}: transpose`);
      assert.ok(T.transpose(tt).equals(t), `trial ${k}: transpose twice`);
      // Again through a fresh copy, so the class's cached back-link is not what is tested.
      const fresh = new T.Topology(tt.rows, tt.cols, tt.indptr.slice(), tt.indices.slice());
      assert.ok(T.transpose(fresh).equals(t), `trial ${k}: transpose of a fresh copy`);
    }
  });

  it('compose agrees with the dense boolean product', () => {
    const g = new Generator(4);
    for (let k = 0; k < TRIALS; k++) {
      const [r, m] = randomShape(g);
      const c = randomShape(g)[0];
      const a = randomTopology(g, r, m);
      const b = randomTopology(g, m, c);
      const da = toDense(a);
      const db = toDense(b);
      const want = T.fromMask(r, c, (i, j) => da[i].some((v, x) => v && db[x][j]));
      const got = T.compose(a, b);
      assert.ok(got.equals(want), `trial ${k}: compose of ${r}×${m} and ${m}×${c}`);
      assert.doesNotThrow(() => new T.Topology(got.rows, got.cols, got.indptr.slice(), got.indices.slice()));
    }
    // Two hops of a causal window of 3 is a causal window of 5.
    assert.ok(T.compose(T.slidingWindow(50, 3, { causal: true }), T.slidingWindow(50, 3, { causal: true })).equals(T.slidingWindow(50, 5, { causal: true })));
    throwsTopology(() => T.compose(T.dense(2, 3), T.dense(4, 5)), /^compose: a is 2×3 but b is 4×5; a.cols must equal b.rows$/);
  });
});

describe('selection and self-loops', () => {
  it('selectRows and selectCols keep and renumber', () => {
    const g = new Generator(5);
    for (let k = 0; k < TRIALS; k++) {
      const [r, c] = randomShape(g);
      const t = randomTopology(g, r, c);
      const d = toDense(t);
      const rows = r === 0 ? [] : Array.from({ length: g.int(0, 2 * r) }, () => g.int(0, r));
      assert.ok(T.selectRows(t, rows).equals(T.fromMask(rows.length, c, (i, j) => d[rows[i]][j])), `trial ${k}: selectRows`);
      const perm = [...g.permutation(c)].slice(0, g.int(0, c + 1));
      const got = T.selectCols(t, perm);
      assert.ok(got.equals(T.fromMask(r, perm.length, (i, j) => d[i][perm[j]])), `trial ${k}: selectCols`);
      assert.doesNotThrow(() => new T.Topology(got.rows, got.cols, got.indptr.slice(), got.indices.slice()));
    }
    throwsTopology(() => T.selectRows(T.dense(3, 3), [3]), /selectRows: rows\[0\] = 3 is not an integer in \[0, 3\)/);
    throwsTopology(() => T.selectCols(T.dense(3, 3), [1, 1]), /selectCols: column 1 is listed twice/);
    throwsTopology(() => T.selectCols(T.dense(3, 3), [-1]), /cols\[0\] = -1/);
  });

  it('withSelfLoops adds the diagonal (square only)', () => {
    const g = new Generator(6);
    for (let k = 0; k < TRIALS; k++) {
      const n = randomShape(g)[0];
      const t = randomTopology(g, n, n);
      const d = toDense(t);
      const got = T.withSelfLoops(t);
      assert.ok(got.equals(T.fromMask(n, n, (i, j) => i === j || d[i][j])), `trial ${k}`);
      assert.doesNotThrow(() => new T.Topology(n, n, got.indptr.slice(), got.indices.slice()));
    }
    throwsTopology(() => T.withSelfLoops(T.dense(2, 3)), /^withSelfLoops: needs a square topology, got 2×3$/);
  });
});
