/**
 * Every native kernel against the js reference kernel on random inputs, including 1×1, empty
 * dimensions, sizes that are not multiples of the vector width or GEMM tile, and large values.
 * The native addon must be built (npm install builds it); this suite fails if it is not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BinaryOp, ReduceOp, UnaryOp, type Backend } from '../../src/kernels/backend.ts';
import { getBackend } from '../../src/index.ts';
import { Generator } from '../../src/index.ts';
import { assertClose, randomArray } from '../helpers.ts';

const js = getBackend('js');
const native: Backend = getBackend('native');
const g = new Generator(2024);
const rnd = (n: number, scale = 1) => randomArray(n, g, scale);
const contiguous = (shape: number[]) => {
  const s = new Int32Array(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]; }
  return s;
};

/** Run a kernel on both backends with fresh copies of the outputs; return both results. */
function both<T extends Float32Array | Int32Array>(outs: () => T[], run: (b: Backend, o: T[]) => void): [T[], T[]] {
  const a = outs();
  const b = outs();
  run(js, a);
  run(native, b);
  return [a, b];
}

const threadCounts = [1, 2];
function withThreads(fn: () => void): void {
  const before = native.threads();
  try {
    for (const t of threadCounts) {
      native.setThreads(t);
      fn();
    }
  } finally {
    native.setThreads(before);
  }
}

describe('native vs js: gemm', () => {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1], [0, 5, 3], [4, 0, 3], [3, 4, 0], [7, 13, 5], [1, 257, 33], [33, 1, 65], [65, 47, 129],
    [128, 96, 64], [200, 300, 17], [1, 4096, 1], [300, 3, 700],
  ];
  it('all transpose combinations, alpha/beta, awkward shapes, 1 and 2 threads', () => {
    withThreads(() => {
      for (const [M, N, K] of shapes) {
        for (const ta of [false, true]) for (const tb of [false, true]) {
          for (const [alpha, beta] of [[1, 0], [0.5, 1], [-2, 0.25]]) {
            const A = rnd(M * K), B = rnd(K * N), C0 = rnd(M * N);
            const [[r], [n]] = both(() => [C0.slice()], (b, [C]) =>
              b.gemm(M, N, K, alpha, A, ta ? M : K, ta, B, tb ? K : N, tb, beta, C, N));
            // float32 accumulation over K terms against a float64 reference.
            assertClose(n, r, 1e-4, 1e-5 * Math.max(1, K), `gemm ${M}x${N}x${K} ta=${ta} tb=${tb} a=${alpha} b=${beta}`);
          }
        }
      }
    });
  });
  it('beta = 0 never reads C (NaN in C does not leak)', () => {
    const M = 9, N = 17, K = 5;
    const C = new Float32Array(M * N).fill(NaN);
    native.gemm(M, N, K, 1, rnd(M * K), K, false, rnd(K * N), N, false, 0, C, N);
    assert.ok(C.every((v) => Number.isFinite(v)));
  });
  it('leading dimensions larger than the row length (sub-matrices)', () => {
    const M = 5, N = 6, K = 7, lda = 11, ldb = 9, ldc = 8;
    const A = rnd(M * lda), B = rnd(K * ldb), C0 = rnd(M * ldc);
    const [[r], [n]] = both(() => [C0.slice()], (b, [C]) => b.gemm(M, N, K, 1, A, lda, false, B, ldb, false, 0, C, ldc));
    assertClose(n, r, 1e-4, 1e-4);
  });
  it('large magnitudes', () => {
    const M = 40, N = 50, K = 60;
    const A = rnd(M * K, 1e15), B = rnd(K * N, 1e15);
    const [[r], [n]] = both(() => [new Float32Array(M * N)], (b, [C]) => b.gemm(M, N, K, 1, A, K, false, B, N, false, 0, C, N));
    assertClose(n, r, 1e-3, 1e26);
  });
});

describe('native vs js: elementwise', () => {
  const sizes = [0, 1, 7, 16, 33, 1000, 70001];
  it('every unary op and its backward', () => {
    withThreads(() => {
      for (const n of sizes) {
        for (const op of Object.values(UnaryOp).filter((v): v is UnaryOp => typeof v === 'number')) {
          const pos = op === UnaryOp.Log || op === UnaryOp.Sqrt || op === UnaryOp.Pow;
          const x = rnd(n, 4).map((v) => (pos ? Math.abs(v) + 0.1 : v));
          const [p0, p1] = op === UnaryOp.Pow ? [1.7, 0] : op === UnaryOp.Clamp ? [-1, 2] : op === UnaryOp.Affine ? [1.5, -0.5] : [0, 0];
          const [[r], [c]] = both(() => [new Float32Array(n)], (b, [o]) => b.unary(op, x, o, n, p0, p1));
          assertClose(c, r, 2e-6, 1e-6, `unary ${UnaryOp[op]} n=${n}`);
          const dy = rnd(n);
          const [[rb], [cb]] = both(() => [new Float32Array(n)], (b, [o]) => b.unaryBackward(op, x, r, dy, o, n, p0, p1));
          assertClose(cb, rb, 2e-5, 1e-6, `unaryBackward ${UnaryOp[op]} n=${n}`);
        }
      }
    });
  });
  it('large magnitudes stay finite where the reference is finite', () => {
    const x = Float32Array.from([-1e30, -100, -88, 88, 100, 1e30, 0, -0]);
    for (const op of [UnaryOp.Exp, UnaryOp.Sigmoid, UnaryOp.Tanh, UnaryOp.Silu, UnaryOp.Gelu, UnaryOp.Relu]) {
      const [[r], [c]] = both(() => [new Float32Array(x.length)], (b, [o]) => b.unary(op, x, o, x.length, 0, 0));
      assertClose(c, r, 2e-6, 1e-30, `unary ${UnaryOp[op]} on large values`);
    }
  });
  it('binary ops under broadcasting of many shapes', () => {
    const cases: Array<[number[], number[]]> = [
      [[5], [5]], [[3, 4], [4]], [[3, 1], [1, 4]], [[2, 3, 4], [3, 1]], [[1], [7, 9]], [[], [3]],
      [[0, 4], [4]], [[2, 1, 3, 1, 2], [4, 1, 5, 2]], [[300, 257], [257]], [[257, 300], [257, 1]],
    ];
    withThreads(() => {
      for (const [sa, sb] of cases) {
        const rank = Math.max(sa.length, sb.length);
        const shape = Array.from({ length: rank }, (_, i) => {
          const da = sa[sa.length - rank + i] ?? 1, db = sb[sb.length - rank + i] ?? 1;
          return da === 1 ? db : da;
        });
        const strides = (s: number[]) => {
          const own = contiguous(s);
          return Int32Array.from(shape, (_, i) => { const j = s.length - rank + i; return j < 0 || s[j] === 1 ? 0 : own[j]; });
        };
        const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
        const a = rnd(size(sa), 3), b = rnd(size(sb), 3).map((v) => v + (v >= 0 ? 0.5 : -0.5));
        for (const op of [BinaryOp.Add, BinaryOp.Sub, BinaryOp.Mul, BinaryOp.Div]) {
          const [[r], [c]] = both(() => [new Float32Array(size(shape))], (k, [o]) => k.binary(op, a, strides(sa), b, strides(sb), o, Int32Array.from(shape)));
          assertClose(c, r, 1e-6, 1e-7, `binary ${BinaryOp[op]} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`);
        }
        const cond = rnd(size(sb)).map((v) => (v > 0 ? 1 : 0));
        const [[rw], [cw]] = both(() => [new Float32Array(size(shape))], (k, [o]) =>
          k.where(cond, strides(sb), a, strides(sa), b, strides(sb), o, Int32Array.from(shape)));
        assert.deepEqual(cw, rw);
      }
    });
  });
  it('stridedCopy: permutations, offsets, broadcast reads, empty', () => {
    const shapes: Array<[number[], number[]]> = [[[3, 4], [1, 0]], [[2, 3, 5], [2, 0, 1]], [[7, 1, 9, 2], [3, 2, 0, 1]], [[0, 3], [1, 0]], [[1], [0]]];
    for (const [shape, perm] of shapes) {
      const n = shape.reduce((a, b) => a * b, 1);
      const src = rnd(n);
      const own = contiguous(shape);
      const outShape = Int32Array.from(perm, (p) => shape[p]);
      const [[r], [c]] = both(() => [new Float32Array(n + 3)], (k, [o]) =>
        k.stridedCopy(src, 0, Int32Array.from(perm, (p) => own[p]), o, 3, contiguous([...outShape]), outShape));
      assert.deepEqual(c, r);
    }
    // A broadcast read (stride 0) from an offset.
    const src = rnd(20);
    const [[r], [c]] = both(() => [new Float32Array(12)], (k, [o]) =>
      k.stridedCopy(src, 5, Int32Array.from([0, 1]), o, 0, Int32Array.from([4, 1]), Int32Array.from([3, 4])));
    assert.deepEqual(c, r);
  });
});

describe('native vs js: reductions, softmax, layer norm', () => {
  const views: Array<[number, number, number]> = [[1, 1, 1], [1, 0, 1], [0, 3, 2], [3, 5, 1], [2, 7, 3], [1, 100000, 1], [64, 33, 65], [5000, 17, 1]];
  it('sum and max (with argmax) over the middle axis', () => {
    withThreads(() => {
      for (const [o, r, i] of views) {
        const x = rnd(o * r * i, 10);
        for (const op of [ReduceOp.Sum, ReduceOp.Max]) {
          const outs = () => [new Float32Array(o * i)];
          const ar = new Int32Array(o * i), an = new Int32Array(o * i);
          const [[rr], [cc]] = both(outs, (k, [out]) => k.reduce(op, x, o, r, i, out, op === ReduceOp.Max ? (k === js ? ar : an) : null));
          assertClose(cc, rr, op === ReduceOp.Sum ? 1e-5 : 0, op === ReduceOp.Sum ? 1e-4 : 0, `reduce ${ReduceOp[op]} ${o},${r},${i}`);
          if (op === ReduceOp.Max) {
            assert.deepEqual(an, ar);
            if (r > 0) {
              const dy = rnd(o * i);
              const base = rnd(o * r * i);
              const [[dr], [dc]] = both(() => [base.slice()], (k, [d]) => k.reduceMaxBackward(dy, ar, o, r, i, d));
              assert.deepEqual(dc, dr);
            }
          }
        }
      }
    });
  });
  it('max propagates NaN and handles ties by the first index', () => {
    const x = Float32Array.from([1, NaN, 3, 2, 5, 5, 5, 1]);
    for (const k of [js, native]) {
      const out = new Float32Array(2), arg = new Int32Array(2);
      k.reduce(ReduceOp.Max, x, 2, 4, 1, out, arg);
      assert.ok(Number.isNaN(out[0]), `${k.name} NaN`);
      assert.equal(out[1], 5);
      assert.equal(arg[1], 0);
    }
  });
  it('softmax and log-softmax, forward and backward, with large logits', () => {
    withThreads(() => {
      for (const [rows, cols] of [[1, 1], [0, 5], [3, 0], [4, 7], [33, 129], [1000, 10], [2, 5000]]) {
        for (const scale of [1, 1e4]) {
          const x = rnd(rows * cols, scale);
          for (const lg of [false, true]) {
            const [[r], [c]] = both(() => [new Float32Array(rows * cols)], (k, [o]) => k.softmax(x, o, rows, cols, lg));
            assertClose(c, r, 1e-5, lg ? 1e-3 : 1e-6, `softmax log=${lg} ${rows}x${cols} scale=${scale}`);
            const dy = rnd(rows * cols);
            const [[br], [bc]] = both(() => [new Float32Array(rows * cols)], (k, [o]) => k.softmaxBackward(r, dy, o, rows, cols, lg));
            assertClose(bc, br, 1e-4, 1e-5, `softmaxBackward log=${lg}`);
          }
        }
      }
    });
  });
  it('layer norm forward and backward, with and without affine parameters', () => {
    withThreads(() => {
      for (const [rows, cols] of [[1, 1], [0, 4], [1, 7], [5, 33], [300, 257], [2, 10000]]) {
        for (const affine of [false, true]) {
          const x = rnd(rows * cols, 100).map((v) => v + 1000);
          const gamma = affine ? rnd(cols) : null, beta = affine ? rnd(cols) : null;
          const outs = () => [new Float32Array(rows * cols), new Float32Array(rows), new Float32Array(rows)];
          const [[yr, mr, sr], [yc, mc, sc]] = both(outs, (k, [y, m, s]) => k.layerNorm(x, gamma, beta, y, m, s, rows, cols, 1e-5));
          assertClose(mc, mr, 1e-6, 1e-4, 'mean');
          assertClose(sc, sr, 1e-4, 1e-7, 'rstd');
          assertClose(yc, yr, 1e-3, 1e-3, `layerNorm ${rows}x${cols}`);
          const dy = rnd(rows * cols);
          const bouts = () => [new Float32Array(rows * cols), new Float32Array(cols), new Float32Array(cols)];
          const [[dxr, dgr, dbr], [dxc, dgc, dbc]] = both(bouts, (k, [dx, dg, db]) =>
            k.layerNormBackward(x, gamma, dy, mr, sr, dx, affine ? dg : null, affine ? db : null, rows, cols));
          assertClose(dxc, dxr, 1e-3, 1e-4, 'layerNorm dx');
          assertClose(dgc, dgr, 1e-4, 1e-4, 'layerNorm dgamma');
          assertClose(dbc, dbr, 1e-5, 1e-5, 'layerNorm dbeta');
        }
      }
    });
  });
});

describe('native vs js: gather, scatter, cross-entropy', () => {
  it('gatherRows and scatterAddRows with repeats, empty and single rows', () => {
    withThreads(() => {
      for (const [rows, cols, n] of [[1, 1, 1], [5, 3, 0], [5, 0, 4], [10, 7, 25], [1000, 64, 5000]]) {
        const table = rnd(rows * cols);
        const idx = Int32Array.from({ length: n }, () => g.int(0, rows));
        const [[r], [c]] = both(() => [new Float32Array(n * cols)], (k, [o]) => k.gatherRows(table, idx, n, cols, o));
        assert.deepEqual(c, r);
        const src = rnd(n * cols);
        const base = rnd(rows * cols);
        const [[sr], [sc]] = both(() => [base.slice()], (k, [o]) => k.scatterAddRows(src, idx, n, cols, o));
        assertClose(sc, sr, 1e-6, 1e-6, 'scatterAddRows');
      }
    });
  });
  it('cross-entropy forward and backward with ignored rows and large logits', () => {
    for (const [rows, cols] of [[1, 1], [0, 3], [6, 5], [500, 1000]]) {
      for (const scale of [1, 1e3]) {
        const x = rnd(rows * cols, scale);
        const t = Int32Array.from({ length: rows }, (_, i) => (i % 4 === 3 ? -100 : g.int(0, cols)));
        const [[lr, er], [lc, ec]] = both(() => [new Float32Array(rows), new Float32Array(rows)], (k, [l, e]) => k.crossEntropy(x, t, rows, cols, -100, l, e));
        assertClose(lc, lr, 1e-5, 1e-4, 'crossEntropy loss');
        assertClose(ec, er, 1e-6, 1e-4, 'crossEntropy lse');
        const scaleArr = rnd(rows);
        const [[dr], [dc]] = both(() => [new Float32Array(rows * cols)], (k, [d]) => k.crossEntropyBackward(x, t, er, scaleArr, rows, cols, -100, d));
        assertClose(dc, dr, 1e-4, 1e-6, 'crossEntropyBackward');
      }
    }
  });
});

describe('native vs js: optimiser update', () => {
  it('adamStep, coupled and decoupled decay, odd sizes', () => {
    withThreads(() => {
      for (const n of [0, 1, 17, 100003]) {
        for (const decoupled of [false, true]) {
          const p0 = rnd(n), grad = rnd(n), m0 = rnd(n, 0.1), v0 = rnd(n).map(Math.abs);
          const [[pr, mr, vr], [pc, mc, vc]] = both(() => [p0.slice(), m0.slice(), v0.slice()], (k, [p, m, v]) =>
            k.adamStep(p, grad, m, v, n, 1e-2, 0.9, 0.999, 1e-8, 0.05, 1 - 0.9 ** 3, 1 - 0.999 ** 3, decoupled));
          assertClose(pc, pr, 1e-6, 1e-7, 'adam p');
          assertClose(mc, mr, 1e-6, 1e-7, 'adam m');
          assertClose(vc, vr, 1e-6, 1e-7, 'adam v');
        }
      }
    });
  });
});
