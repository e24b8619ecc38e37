/**
 * The sparse kernels, native against js, on random topologies (empty rows, a single row, one
 * column, 0 and 1,000+ edges per row), and finite-difference gradient checks of every sparse op.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SegmentOp, type Backend } from '../../src/kernels/backend.ts';
import * as sc from '../../src/index.ts';
import { Generator, Tensor, getBackend } from '../../src/index.ts';
import { Topology } from '../../src/topology/topology.ts';
import { aggregate, edgeSoftmax, sddmm, segmentReduce, spmm } from '../../src/ops/sparse.ts';
import { assertClose, gradcheck, randomArray, randomTensor } from '../helpers.ts';

const g = new Generator(99);

/** A random CSR pattern: each row gets a degree drawn from `degree(row)`, distinct sorted columns. */
function randomTopology(rows: number, cols: number, degree: (r: number) => number): Topology {
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  for (let r = 0; r < rows; r++) {
    const k = Math.min(cols, degree(r));
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(g.int(0, cols));
    idx.push(...[...chosen].sort((a, b) => a - b));
    indptr[r + 1] = idx.length;
  }
  return new Topology(rows, cols, indptr, Int32Array.from(idx));
}

const cases: Array<[string, Topology]> = [
  ['empty topology', randomTopology(5, 7, () => 0)],
  ['single row', randomTopology(1, 40, () => 13)],
  ['one column', randomTopology(9, 1, (r) => r % 2)],
  ['ragged with empty rows', randomTopology(60, 50, (r) => (r % 3 === 0 ? 0 : g.int(1, 12)))],
  ['1,000+ edges per row', randomTopology(6, 3000, () => 1200)],
  ['zero rows', new Topology(0, 4, Int32Array.from([0]), new Int32Array(0))],
];

const js = getBackend('js');
const native: Backend = getBackend('native');

function compare(name: string, run: (b: Backend) => Float32Array | Int32Array, rtol = 1e-5, atol = 1e-5): void {
  for (const threads of [1, 2]) {
    const before = native.threads();
    native.setThreads(threads);
    try {
      assertClose(run(native), run(js), rtol, atol, `${name} (${threads} threads)`);
    } finally {
      native.setThreads(before);
    }
  }
}

describe('sparse kernels: native vs js', () => {
  for (const [label, t] of cases) {
    it(`spmm, sddmm, edge softmax, segment reductions: ${label}`, () => {
      for (const [heads, dim] of [[1, 1], [1, 64], [1, 37], [1, 128], [1, 200], [2, 16], [3, 5]]) {
        const F = heads * dim;
        const X = randomArray(t.cols * F, g, 3);
        const A = randomArray(t.rows * F, g, 3);
        const vals = randomArray(t.nnz * heads, g);
        // float32 sums over a row's edges against the float64 reference: the error grows with
        // the degree (inputs are up to 3 in magnitude).
        let maxDeg = 0;
        for (let r = 0; r < t.rows; r++) maxDeg = Math.max(maxDeg, t.indptr[r + 1] - t.indptr[r]);
        const sumTol = 1e-5 + 3e-7 * maxDeg * Math.max(1, dim / 16);
        for (const v of [vals, null]) {
          compare(`spmm h=${heads} d=${dim}`, (b) => {
            const y = new Float32Array(t.rows * F).fill(NaN);
            b.spmm(t.rows, t.indptr, t.indices, v, heads, dim, X, y);
            return y;
          }, 1e-5, sumTol);
        }
        compare(`sddmm h=${heads} d=${dim}`, (b) => {
          const o = new Float32Array(t.nnz * heads);
          b.sddmm(t.rows, t.indptr, t.indices, A, X, heads, dim, o);
          return o;
        }, 1e-5, 1e-4 * Math.max(1, dim / 16));
        const scores = randomArray(t.nnz * heads, g, 50);
        const soft = (b: Backend) => { const o = new Float32Array(t.nnz * heads); b.edgeSoftmax(t.rows, t.indptr, heads, scores, o); return o; };
        compare(`edgeSoftmax h=${heads}`, soft, 1e-5, 1e-7);
        const y = soft(js);
        assert.ok(y.every((p) => Number.isFinite(p)), 'edge softmax has no NaN');
        const dy = randomArray(t.nnz * heads, g);
        compare(`edgeSoftmaxBackward h=${heads}`, (b) => { const o = new Float32Array(t.nnz * heads); b.edgeSoftmaxBackward(t.rows, t.indptr, heads, y, dy, o); return o; }, 1e-4, 1e-6);
      }
      for (const F of [1, 5, 64]) {
        const X = randomArray(t.cols * F, g);
        const E = randomArray(t.nnz * F, g);
        for (const op of [SegmentOp.Sum, SegmentOp.Mean, SegmentOp.Max]) {
          for (const gather of [true, false]) {
            const src = gather ? X : E;
            const run = (b: Backend) => {
              const o = new Float32Array(t.rows * F);
              const am = new Int32Array(t.rows * F);
              b.segmentReduce(op, t.rows, t.indptr, gather ? t.indices : null, src, F, o, op === SegmentOp.Max ? am : null);
              return [o, am] as const;
            };
            let maxDeg = 0;
            for (let r = 0; r < t.rows; r++) maxDeg = Math.max(maxDeg, t.indptr[r + 1] - t.indptr[r]);
            compare(`segmentReduce ${SegmentOp[op]} gather=${gather} F=${F}`, (b) => run(b)[0], 1e-5, 1e-5 + 3e-7 * maxDeg);
            if (op === SegmentOp.Max) {
              const [, amJs] = run(js);
              assert.deepEqual(run(native)[1], amJs, 'argmax');
              const dOut = randomArray(t.rows * F, g);
              compare('segmentMaxBackward', (b) => {
                const d = new Float32Array(src.length);
                b.segmentMaxBackward(t.rows, gather ? t.indices : null, amJs, dOut, F, d);
                return d;
              });
            }
          }
        }
      }
    });
  }
  it('empty rows give zeros for every reduction and no NaN anywhere', () => {
    const t = randomTopology(4, 4, (r) => (r === 2 ? 0 : 2));
    const x = randomTensor([4, 3], g, 1, false);
    for (const red of ['sum', 'mean', 'max'] as const) {
      const y = aggregate(t, x, red);
      assert.deepEqual([...y.data.subarray(6, 9)], [0, 0, 0]);
      assert.ok(y.data.every(Number.isFinite));
    }
  });
  it('raw kernel calls with bad CSR arrays are refused before C sees them', () => {
    const X = new Float32Array(8), Y = new Float32Array(8);
    assert.throws(() => native.spmm(2, Int32Array.from([0, 1, 2]), Int32Array.from([0, 9]), null, 1, 2, X, Y), sc.BackendError);
    assert.throws(() => native.spmm(2, Int32Array.from([0, 2, 1]), Int32Array.from([0, 1]), null, 1, 2, X, Y), /decreases/);
    assert.throws(() => native.spmm(2, Int32Array.from([0, 1, 2]), Int32Array.from([0, -1]), null, 1, 2, X, Y), /negative/);
    assert.throws(() => native.sddmm(2, Int32Array.from([0, 1]), Int32Array.from([0]), X, X, 1, 2, Y), /indptr/);
  });
});

describe('sparse ops: gradients against finite differences', () => {
  const t = randomTopology(7, 6, (r) => (r === 3 ? 0 : g.int(1, 5)));
  const E = t.nnz;
  it('spmm: x and per-edge values, single- and multi-head', () => {
    gradcheck((v, x) => spmm(t, v, x), [randomTensor([E], g), randomTensor([6, 4], g)]);
    gradcheck((x) => spmm(t, null, x), [randomTensor([6, 3], g)]);
    gradcheck((v, x) => spmm(t, v, x), [randomTensor([E, 2], g), randomTensor([6, 2, 3], g)]);
  });
  it('sddmm: both sides, single- and multi-head', () => {
    gradcheck((a, b) => sddmm(t, a, b), [randomTensor([7, 5], g), randomTensor([6, 5], g)]);
    gradcheck((a, b) => sddmm(t, a, b), [randomTensor([7, 2, 3], g), randomTensor([6, 2, 3], g)]);
  });
  it('edgeSoftmax, single- and multi-head', () => {
    gradcheck((s) => edgeSoftmax(t, s), [randomTensor([E], g, 2)]);
    gradcheck((s) => edgeSoftmax(t, s), [randomTensor([E, 3], g, 2)]);
  });
  it('aggregate and segmentReduce: sum, mean, max', () => {
    for (const red of ['sum', 'mean'] as const) {
      gradcheck((x) => aggregate(t, x, red), [randomTensor([6, 4], g)]);
      gradcheck((x) => segmentReduce(t, x, red), [randomTensor([E, 2], g)]);
    }
    // Distinct, well-separated values so max has no near-ties under the FD step.
    const distinct = (n: number, f: number) => new Tensor(Float32Array.from(sc.randperm(n * f, new Generator(4)), (v) => v * 0.1), [n, f], true);
    gradcheck((x) => aggregate(t, x, 'max'), [distinct(6, 4)]);
    gradcheck((x) => segmentReduce(t, x, 'max'), [distinct(E, 2)]);
  });
  it('sddmm → edgeSoftmax → spmm (sparse attention) end to end', () => {
    const q = randomTensor([7, 2, 4], g), k = randomTensor([6, 2, 4], g), v = randomTensor([6, 2, 4], g);
    gradcheck((q_, k_, v_) => spmm(t, edgeSoftmax(t, sddmm(t, q_, k_)), v_), [q, k, v]);
  });
});

describe('sparse ops: errors name the op and the shapes', () => {
  const t = randomTopology(4, 3, () => 2);
  it('shape mismatches', () => {
    assert.throws(() => spmm(t, null, sc.zeros([4, 2])), /spmm: topology is 4×3 but x has 4 rows/);
    assert.throws(() => spmm(t, sc.zeros([t.nnz + 1]), sc.zeros([3, 2])), /values must be \[nnz\]/);
    assert.throws(() => sddmm(t, sc.zeros([4, 2]), sc.zeros([3, 3])), /share heads and feature size/);
    assert.throws(() => edgeSoftmax(t, sc.zeros([1])), sc.ShapeError);
    assert.throws(() => aggregate(t, sc.zeros([4, 2]), 'sum'), /aggregate: topology is 4×3 but x has 4 rows/);
    assert.throws(() => aggregate(t, sc.zeros([3, 2]), 'min' as 'sum'), /reduce must be/);
    assert.throws(() => spmm({} as Topology, null, sc.zeros([3, 2])), /must be a Topology/);
  });
});
