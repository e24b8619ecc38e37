/**
 * The kernel backend interface: a plain object of named kernels over raw typed arrays.
 *
 * Kernels never allocate tensors and never check user input: the ops layer (`src/ops/`) checks
 * shapes, indices and sizes, then calls a kernel with arrays that are known to be large enough.
 * Every backend computes what the `js` reference backend computes; the tests hold them to it.
 *
 * Arrays may be subarray views; kernels read and write them in place.
 */

/** Elementwise functions of one argument. Numbers are shared with the C addon: keep in sync. */
export enum UnaryOp {
  Neg = 0,
  Exp = 1,
  Log = 2,
  Sqrt = 3,
  Abs = 4,
  Relu = 5,
  Gelu = 6,
  Silu = 7,
  Tanh = 8,
  Sigmoid = 9,
  /** x^p0 */
  Pow = 10,
  /** min(max(x, p0), p1) */
  Clamp = 11,
  /** x * p0 + p1 */
  Affine = 12,
}

/** Elementwise functions of two broadcast arguments. Shared with the C addon. */
export enum BinaryOp {
  Add = 0,
  Sub = 1,
  Mul = 2,
  Div = 3,
}

/** Reductions over one axis of an [outer, r, inner] view. Shared with the C addon. */
export enum ReduceOp {
  Sum = 0,
  Max = 1,
}

/** Reductions over each CSR row's edges. Shared with the C addon. */
export enum SegmentOp {
  Sum = 0,
  Mean = 1,
  Max = 2,
}

/** Maximum rank handled by the strided kernels (binary, where, stridedCopy). */
export const MAX_RANK = 8;

export interface Backend {
  readonly name: 'js' | 'native';
  /** Threads the backend's kernels use (1 for `js`). */
  threads(): number;
  setThreads(n: number): void;

  /**
   * C[M,N] = alpha·op(A)·op(B) + beta·C, row-major. op(A) is A (M×K, row stride lda) or, when
   * transA, the transpose of A stored K×M. Likewise B. beta = 0 never reads C.
   */
  gemm(
    M: number, N: number, K: number, alpha: number,
    A: Float32Array, lda: number, transA: boolean,
    B: Float32Array, ldb: number, transB: boolean,
    beta: number, C: Float32Array, ldc: number,
  ): void;

  /** out[i] = f(x[i]) for i < n. out may be x. */
  unary(op: UnaryOp, x: Float32Array, out: Float32Array, n: number, p0: number, p1: number): void;
  /** dx[i] = dy[i] · f'(x[i]); y = f(x) is given for ops whose derivative uses it. */
  unaryBackward(
    op: UnaryOp, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array,
    n: number, p0: number, p1: number,
  ): void;

  /**
   * out = a ⊕ b over `shape` (rank ≤ MAX_RANK). a and b are read through element strides,
   * 0 on broadcast axes; out is contiguous.
   */
  binary(
    op: BinaryOp, a: Float32Array, aStrides: Int32Array, b: Float32Array, bStrides: Int32Array,
    out: Float32Array, shape: Int32Array,
  ): void;

  /** out = cond ≠ 0 ? a : b, all three read through strides over `shape`; out contiguous. */
  where(
    cond: Float32Array, cStrides: Int32Array, a: Float32Array, aStrides: Int32Array,
    b: Float32Array, bStrides: Int32Array, out: Float32Array, shape: Int32Array,
  ): void;

  /** dst[dstOffset + Σ i_k·dstStrides_k] = src[srcOffset + Σ i_k·srcStrides_k] over `shape`. */
  stridedCopy(
    src: Float32Array, srcOffset: number, srcStrides: Int32Array,
    dst: Float32Array, dstOffset: number, dstStrides: Int32Array, shape: Int32Array,
  ): void;

  /**
   * Reduce x viewed as [outer, r, inner] over the middle axis into out [outer, inner].
   * For Max, argmax (if given) receives the winning index along r (first on ties);
   * r = 0 gives 0 for Sum and -Infinity for Max.
   */
  reduce(
    op: ReduceOp, x: Float32Array, outer: number, r: number, inner: number,
    out: Float32Array, argmax: Int32Array | null,
  ): void;
  /** dx [outer, r, inner] = 0 except dx[o, argmax[o,i], i] = dy[o, i]. */
  reduceMaxBackward(
    dy: Float32Array, argmax: Int32Array, outer: number, r: number, inner: number,
    dx: Float32Array,
  ): void;

  /** Softmax (or log-softmax) of each of `rows` rows of length `cols`. */
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number, log: boolean): void;
  /** Backward of softmax given its output y (or log-softmax given its output). */
  softmaxBackward(
    y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number, log: boolean,
  ): void;

  /**
   * Layer norm of each row: y = (x − mean)·rstd·gamma + beta. gamma/beta may be null (1 and 0).
   * mean and rstd (length rows) are written for the backward.
   */
  layerNorm(
    x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null,
    y: Float32Array, mean: Float32Array, rstd: Float32Array,
    rows: number, cols: number, eps: number,
  ): void;
  /** dx (overwritten); dgamma, dbeta (length cols, overwritten) when not null. */
  layerNormBackward(
    x: Float32Array, gamma: Float32Array | null, dy: Float32Array,
    mean: Float32Array, rstd: Float32Array, dx: Float32Array,
    dgamma: Float32Array | null, dbeta: Float32Array | null, rows: number, cols: number,
  ): void;

  /** out[i, :] = table[idx[i], :] for i < n; rows of length cols. Indices are pre-checked. */
  gatherRows(table: Float32Array, idx: Int32Array, n: number, cols: number, out: Float32Array): void;
  /** out[idx[i], :] += src[i, :] for i < n, in index order (deterministic). */
  scatterAddRows(src: Float32Array, idx: Int32Array, n: number, cols: number, out: Float32Array): void;

  /**
   * Cross-entropy of each row of logits against an integer target. loss[i] = lse_i − x[i, t_i]
   * (0 where t_i = ignoreIndex); lse (length rows) is written for the backward.
   */
  crossEntropy(
    logits: Float32Array, targets: Int32Array, rows: number, cols: number, ignoreIndex: number,
    loss: Float32Array, lse: Float32Array,
  ): void;
  /** dlogits[i, :] = scale[i]·(softmax(x_i) − onehot(t_i)); rows with ignoreIndex get 0. */
  crossEntropyBackward(
    logits: Float32Array, targets: Int32Array, lse: Float32Array, scale: Float32Array,
    rows: number, cols: number, ignoreIndex: number, dlogits: Float32Array,
  ): void;

  /**
   * One Adam/AdamW step over n values, in place (PyTorch's formulation):
   * decoupled: p ← p·(1 − lr·wd); else g ← g + wd·p. Then m ← β1·m + (1−β1)·g,
   * v ← β2·v + (1−β2)·g², p ← p − (lr/bc1)·m / (√v/√bc2 + eps), with bc_i = 1 − β_i^t.
   */
  adamStep(
    p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number,
    bc1: number, bc2: number, decoupled: boolean,
  ): void;

  // ---- Sparse kernels over a CSR pattern (rows, indptr, indices); see src/topology/. ----
  // Edge e of row r: indptr[r] ≤ e < indptr[r+1], source indices[e]. Per-edge, per-head data
  // is laid out [nnz, heads]; node features [n, heads, dim].

  /** Y[r,h,:] = Σ_e values[e,h] · X[indices[e],h,:] (values null: weight 1). Y is overwritten. */
  spmm(
    rows: number, indptr: Int32Array, indices: Int32Array, values: Float32Array | null,
    heads: number, dim: number, X: Float32Array, Y: Float32Array,
  ): void;
  /** out[e,h] = A[r,h,:] · B[indices[e],h,:] for each edge e of row r. */
  sddmm(
    rows: number, indptr: Int32Array, indices: Int32Array, A: Float32Array, B: Float32Array,
    heads: number, dim: number, out: Float32Array,
  ): void;
  /** Softmax of scores over each row's edges, per head; rows without edges write nothing. */
  edgeSoftmax(rows: number, indptr: Int32Array, heads: number, scores: Float32Array, out: Float32Array): void;
  /** dx = y·(dy − Σ_row y·dy), per row and head. */
  edgeSoftmaxBackward(rows: number, indptr: Int32Array, heads: number, y: Float32Array, dy: Float32Array, dx: Float32Array): void;
  /**
   * out[r,:] = reduce over edges e of row r of X[gather ? gather[e] : e, :] (F values a row).
   * Empty rows give 0. For Max, argmax[r,f] receives the winning edge (first on ties; −1 when
   * the row is empty).
   */
  segmentReduce(
    op: SegmentOp, rows: number, indptr: Int32Array, gather: Int32Array | null,
    X: Float32Array, F: number, out: Float32Array, argmax: Int32Array | null,
  ): void;
  /** dX[gather ? gather[e] : e, f] += dOut[r, f] for e = argmax[r, f] ≥ 0, in row order. */
  segmentMaxBackward(
    rows: number, gather: Int32Array | null, argmax: Int32Array, dOut: Float32Array, F: number, dX: Float32Array,
  ): void;
}
