/**
 * The `native` backend: C kernels in a Node-API addon, on the tensors' own memory.
 *
 * Ops check user input before calling a kernel. This wrapper adds a second, O(1) guard: each
 * array must be at least as long as the sizes passed with it, so a bug in an op becomes an
 * exception here rather than an out-of-bounds write in C.
 */
import { BackendError } from '../../errors.ts';
import { MAX_RANK, type Backend } from '../backend.ts';
import type { NativeAddon } from './load.ts';

function need(kernel: string, arg: string, arr: { length: number } | null, n: number): void {
  if (arr === null) return;
  if (!(n >= 0) || arr.length < n) {
    throw new BackendError(`native ${kernel}: ${arg} has ${arr.length} elements, needs ${n}`);
  }
}

/** Largest flat offset + 1 reached by strided access over shape (0 if the shape is empty). */
function extent(shape: Int32Array, strides: Int32Array, offset = 0): number {
  let hi = offset;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 0) return 0;
    if (strides[d] < 0) return Infinity;
    hi += (shape[d] - 1) * strides[d];
  }
  return hi + 1;
}

function rankOk(kernel: string, shape: Int32Array, ...strides: Int32Array[]): void {
  if (shape.length > MAX_RANK || strides.some((s) => s.length !== shape.length)) {
    throw new BackendError(`native ${kernel}: rank ${shape.length} shape with strides of ranks ${strides.map((s) => s.length).join(',')}`);
  }
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] < 0) throw new BackendError(`native ${kernel}: shape[${d}] = ${shape[d]} is negative`);
    for (const s of strides) if (s[d] < 0) throw new BackendError(`native ${kernel}: stride ${s[d]} on axis ${d} is negative`);
  }
}

function nonNegativeInts(kernel: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isSafeInteger(v) || v < 0) throw new BackendError(`native ${kernel}: ${name} must be a non-negative integer, got ${v}`);
  }
}

const CSR_RULES = [
  '',
  'indptr has fewer than rows + 1 entries',
  'indptr[0] must be 0',
  'indptr decreases',
  'indptr[rows] exceeds the number of indices',
  'an index is negative',
];

/**
 * Check CSR arrays before a sparse kernel reads through them (in C, O(rows + nnz), a small
 * fraction of any kernel): returns the number of source rows the kernel may touch (largest
 * index + 1). Done on every call, since a Topology's arrays are shared and could be written.
 */
function csr(addon: NativeAddon, kernel: string, rows: number, indptr: Int32Array, indices: Int32Array | null): number {
  if (!(Number.isInteger(rows) && rows >= 0)) throw new BackendError(`native ${kernel}: rows must be a non-negative integer, got ${rows}`);
  const r = addon.csrCheck(rows, indptr, indices);
  if (r < 0) throw new BackendError(`native ${kernel}: invalid CSR: ${CSR_RULES[-r] ?? `rule ${-r}`}`);
  return r;
}

export function makeNativeBackend(addon: NativeAddon): Backend {
  return {
    name: 'native',
    threads: () => addon.threads(),
    setThreads: (n) => addon.setThreads(n),
    gemm(M, N, K, alpha, A, lda, transA, B, ldb, transB, beta, C, ldc) {
      nonNegativeInts('gemm', { M, N, K, lda, ldb, ldc });
      if (lda < (transA ? M : K) || ldb < (transB ? K : N) || ldc < N) {
        throw new BackendError(`native gemm: leading dimensions too small (lda ${lda}, ldb ${ldb}, ldc ${ldc} for ${M}×${N}×${K}${transA ? ', transA' : ''}${transB ? ', transB' : ''})`);
      }
      if (M > 0 && N > 0 && K > 0) {
        need('gemm', 'A', A, transA ? (K - 1) * lda + M : (M - 1) * lda + K);
        need('gemm', 'B', B, transB ? (N - 1) * ldb + K : (K - 1) * ldb + N);
      }
      if (M > 0 && N > 0) need('gemm', 'C', C, (M - 1) * ldc + N);
      addon.gemm(M, N, K, alpha, A, lda, transA, B, ldb, transB, beta, C, ldc);
    },
    unary(op, x, out, n, p0, p1) {
      nonNegativeInts('unary', { n, op });
      if (op > 12) throw new BackendError(`native unary: unknown op ${op}`);
      need('unary', 'x', x, n);
      need('unary', 'out', out, n);
      addon.unary(op, x, out, n, p0, p1);
    },
    unaryBackward(op, x, y, dy, dx, n, p0, p1) {
      nonNegativeInts('unaryBackward', { n, op });
      if (op > 12) throw new BackendError(`native unaryBackward: unknown op ${op}`);
      for (const [name, a] of [['x', x], ['y', y], ['dy', dy], ['dx', dx]] as const) need('unaryBackward', name, a, n);
      addon.unaryBackward(op, x, y, dy, dx, n, p0, p1);
    },
    binary(op, a, as, b, bs, out, shape) {
      if (!(op >= 0 && op <= 3 && Number.isInteger(op))) throw new BackendError(`native binary: unknown op ${op}`);
      rankOk('binary', shape, as, bs);
      need('binary', 'a', a, extent(shape, as));
      need('binary', 'b', b, extent(shape, bs));
      need('binary', 'out', out, shape.reduce((x, y) => x * y, 1));
      addon.binary(op, a, as, b, bs, out, shape);
    },
    where(c, cs, a, as, b, bs, out, shape) {
      rankOk('where', shape, cs, as, bs);
      need('where', 'cond', c, extent(shape, cs));
      need('where', 'a', a, extent(shape, as));
      need('where', 'b', b, extent(shape, bs));
      need('where', 'out', out, shape.reduce((x, y) => x * y, 1));
      addon.where(c, cs, a, as, b, bs, out, shape);
    },
    stridedCopy(src, so, ss, dst, dof, ds, shape) {
      rankOk('stridedCopy', shape, ss, ds);
      nonNegativeInts('stridedCopy', { srcOffset: so, dstOffset: dof });
      need('stridedCopy', 'src', src, extent(shape, ss, so));
      need('stridedCopy', 'dst', dst, extent(shape, ds, dof));
      addon.stridedCopy(src, so, ss, dst, dof, ds, shape);
    },
    reduce(op, x, outer, r, inner, out, argmax) {
      nonNegativeInts('reduce', { op, outer, r, inner });
      if (op > 1) throw new BackendError(`native reduce: unknown op ${op}`);
      need('reduce', 'x', x, outer * r * inner);
      need('reduce', 'out', out, outer * inner);
      need('reduce', 'argmax', argmax, outer * inner);
      addon.reduce(op, x, outer, r, inner, out, argmax);
    },
    reduceMaxBackward(dy, argmax, outer, r, inner, dx) {
      nonNegativeInts('reduceMaxBackward', { outer, r, inner });
      need('reduceMaxBackward', 'dy', dy, outer * inner);
      need('reduceMaxBackward', 'argmax', argmax, outer * inner);
      need('reduceMaxBackward', 'dx', dx, outer * r * inner);
      for (let i = 0; i < outer * inner; i++) {
        if (argmax[i] < 0 || argmax[i] >= r) throw new BackendError(`native reduceMaxBackward: argmax[${i}] = ${argmax[i]} outside [0, ${r})`);
      }
      addon.reduceMaxBackward(dy, argmax, outer, r, inner, dx);
    },
    softmax(x, out, rows, cols, log) {
      nonNegativeInts('softmax', { rows, cols });
      need('softmax', 'x', x, rows * cols);
      need('softmax', 'out', out, rows * cols);
      addon.softmax(x, out, rows, cols, log);
    },
    softmaxBackward(y, dy, dx, rows, cols, log) {
      nonNegativeInts('softmaxBackward', { rows, cols });
      for (const [name, a] of [['y', y], ['dy', dy], ['dx', dx]] as const) need('softmaxBackward', name, a, rows * cols);
      addon.softmaxBackward(y, dy, dx, rows, cols, log);
    },
    layerNorm(x, gamma, beta, y, mean, rstd, rows, cols, eps) {
      nonNegativeInts('layerNorm', { rows, cols });
      need('layerNorm', 'x', x, rows * cols);
      need('layerNorm', 'y', y, rows * cols);
      need('layerNorm', 'gamma', gamma, cols);
      need('layerNorm', 'beta', beta, cols);
      need('layerNorm', 'mean', mean, rows);
      need('layerNorm', 'rstd', rstd, rows);
      addon.layerNorm(x, gamma, beta, y, mean, rstd, rows, cols, eps);
    },
    layerNormBackward(x, gamma, dy, mean, rstd, dx, dgamma, dbeta, rows, cols) {
      nonNegativeInts('layerNormBackward', { rows, cols });
      for (const [name, a] of [['x', x], ['dy', dy], ['dx', dx]] as const) need('layerNormBackward', name, a, rows * cols);
      for (const [name, a] of [['gamma', gamma], ['dgamma', dgamma], ['dbeta', dbeta]] as const) need('layerNormBackward', name, a, cols);
      need('layerNormBackward', 'mean', mean, rows);
      need('layerNormBackward', 'rstd', rstd, rows);
      addon.layerNormBackward(x, gamma, dy, mean, rstd, dx, dgamma, dbeta, rows, cols);
    },
    gatherRows(table, idx, n, cols, out) {
      nonNegativeInts('gatherRows', { n, cols });
      need('gatherRows', 'idx', idx, n);
      need('gatherRows', 'out', out, n * cols);
      const rows = cols > 0 ? Math.floor(table.length / cols) : Infinity;
      for (let i = 0; i < n; i++) {
        if (!(idx[i] >= 0 && idx[i] < rows)) throw new BackendError(`native gatherRows: index ${idx[i]} outside [0, ${rows})`);
      }
      addon.gatherRows(table, idx, n, cols, out);
    },
    scatterAddRows(src, idx, n, cols, out) {
      nonNegativeInts('scatterAddRows', { n, cols });
      need('scatterAddRows', 'idx', idx, n);
      need('scatterAddRows', 'src', src, n * cols);
      const rows = cols > 0 ? Math.floor(out.length / cols) : Infinity;
      for (let i = 0; i < n; i++) {
        if (!(idx[i] >= 0 && idx[i] < rows)) throw new BackendError(`native scatterAddRows: index ${idx[i]} outside [0, ${rows})`);
      }
      addon.scatterAddRows(src, idx, n, cols, out);
    },
    crossEntropy(logits, targets, rows, cols, ignore, loss, lse) {
      nonNegativeInts('crossEntropy', { rows, cols });
      need('crossEntropy', 'logits', logits, rows * cols);
      need('crossEntropy', 'targets', targets, rows);
      need('crossEntropy', 'loss', loss, rows);
      need('crossEntropy', 'lse', lse, rows);
      for (let i = 0; i < rows; i++) {
        const t = targets[i];
        if (t !== ignore && !(t >= 0 && t < cols)) throw new BackendError(`native crossEntropy: target ${t} outside [0, ${cols})`);
      }
      addon.crossEntropy(logits, targets, rows, cols, ignore, loss, lse);
    },
    crossEntropyBackward(logits, targets, lse, scale, rows, cols, ignore, dlogits) {
      nonNegativeInts('crossEntropyBackward', { rows, cols });
      need('crossEntropyBackward', 'logits', logits, rows * cols);
      need('crossEntropyBackward', 'dlogits', dlogits, rows * cols);
      for (const [name, a] of [['targets', targets], ['lse', lse], ['scale', scale]] as const) need('crossEntropyBackward', name, a, rows);
      for (let i = 0; i < rows; i++) {
        const t = targets[i];
        if (t !== ignore && !(t >= 0 && t < cols)) throw new BackendError(`native crossEntropyBackward: target ${t} outside [0, ${cols})`);
      }
      addon.crossEntropyBackward(logits, targets, lse, scale, rows, cols, ignore, dlogits);
    },
    adamStep(p, g, m, v, n, lr, beta1, beta2, eps, wd, bc1, bc2, decoupled) {
      nonNegativeInts('adamStep', { n });
      for (const [name, a] of [['p', p], ['g', g], ['m', m], ['v', v]] as const) need('adamStep', name, a, n);
      addon.adamStep(p, g, m, v, n, lr, beta1, beta2, eps, wd, bc1, bc2, decoupled);
    },
    spmm(rows, indptr, indices, values, heads, dim, X, Y) {
      nonNegativeInts('spmm', { heads, dim });
      const cols = csr(addon, 'spmm', rows, indptr, indices);
      const nnz = indptr[rows];
      need('spmm', 'values', values, nnz * heads);
      need('spmm', 'X', X, cols * heads * dim);
      need('spmm', 'Y', Y, rows * heads * dim);
      addon.spmm(rows, indptr, indices, values, heads, dim, X, Y);
    },
    sddmm(rows, indptr, indices, A, B, heads, dim, out) {
      nonNegativeInts('sddmm', { heads, dim });
      const cols = csr(addon, 'sddmm', rows, indptr, indices);
      need('sddmm', 'A', A, rows * heads * dim);
      need('sddmm', 'B', B, cols * heads * dim);
      need('sddmm', 'out', out, indptr[rows] * heads);
      addon.sddmm(rows, indptr, indices, A, B, heads, dim, out);
    },
    edgeSoftmax(rows, indptr, heads, scores, out) {
      nonNegativeInts('edgeSoftmax', { heads });
      csr(addon, 'edgeSoftmax', rows, indptr, null);
      need('edgeSoftmax', 'scores', scores, indptr[rows] * heads);
      need('edgeSoftmax', 'out', out, indptr[rows] * heads);
      addon.edgeSoftmax(rows, indptr, heads, scores, out);
    },
    edgeSoftmaxBackward(rows, indptr, heads, y, dy, dx) {
      nonNegativeInts('edgeSoftmaxBackward', { heads });
      csr(addon, 'edgeSoftmaxBackward', rows, indptr, null);
      for (const [name, a] of [['y', y], ['dy', dy], ['dx', dx]] as const) need('edgeSoftmaxBackward', name, a, indptr[rows] * heads);
      addon.edgeSoftmaxBackward(rows, indptr, heads, y, dy, dx);
    },
    segmentReduce(op, rows, indptr, gather, X, F, out, argmax) {
      nonNegativeInts('segmentReduce', { op, F });
      if (op > 2) throw new BackendError(`native segmentReduce: unknown op ${op}`);
      const cols = csr(addon, 'segmentReduce', rows, indptr, gather);
      need('segmentReduce', 'X', X, (gather ? cols : indptr[rows]) * F);
      need('segmentReduce', 'out', out, rows * F);
      need('segmentReduce', 'argmax', argmax, rows * F);
      addon.segmentReduce(op, rows, indptr, gather, X, F, out, argmax);
    },
    segmentMaxBackward(rows, gather, argmax, dOut, F, dX) {
      nonNegativeInts('segmentMaxBackward', { rows, F });
      need('segmentMaxBackward', 'argmax', argmax, rows * F);
      need('segmentMaxBackward', 'dOut', dOut, rows * F);
      let hi = -1;
      for (let i = 0; i < rows * F; i++) {
        const e = argmax[i];
        if (e < 0) continue;
        const target = gather ? gather[e] : e;
        if (gather && e >= gather.length) throw new BackendError(`native segmentMaxBackward: argmax ${e} outside the gather array`);
        if (target < 0) throw new BackendError(`native segmentMaxBackward: negative target row ${target}`);
        if (target > hi) hi = target;
      }
      need('segmentMaxBackward', 'dX', dX, (hi + 1) * F);
      addon.segmentMaxBackward(rows, gather, argmax, dOut, F, dX);
    },
  };
}
