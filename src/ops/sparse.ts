/**
 * Sparse ops driven by a Topology (rows = targets, cols = sources), each with its gradient:
 * spmm, sddmm, edgeSoftmax and segment reductions. SDDMM → edge softmax → SpMM is the
 * attention of every sparse form; there is one implementation of each, used by all of them.
 *
 * Layouts: node features are [n, F] or [n, heads, dim]; per-edge values are [nnz] or
 * [nnz, heads], in the topology's edge (CSR) order.
 */
import { ArgumentError, ShapeError, fmtShape } from '../errors.ts';
import { SegmentOp } from '../kernels/backend.ts';
import { backend } from '../kernels/select.ts';
import { record } from '../tensor/autograd.ts';
import { uninitialised } from '../tensor/alloc.ts';
import { Tensor } from '../tensor/tensor.ts';
import { Topology } from '../topology/topology.ts';
import { checkTensor } from './util.ts';

function checkTopology(top: unknown, op: string): asserts top is Topology {
  if (!(top instanceof Topology)) throw new ArgumentError(`${op}: topology must be a Topology, got ${(top as object)?.constructor?.name ?? typeof top}`);
}

/** Split node features into (n, heads, dim); `heads` comes from the edge values when given. */
function nodeLayout(x: Tensor, n: number, what: string, op: string, top: Topology, heads?: number): { heads: number; dim: number } {
  if (x.rank !== 2 && x.rank !== 3) throw new ShapeError(`${op}: ${what} must be [n, features] or [n, heads, dim], got ${fmtShape(x.shape)}`);
  if (x.shape[0] !== n) {
    throw new ShapeError(`${op}: topology is ${top.rows}×${top.cols} but ${what} has ${x.shape[0]} rows (expected ${n})`);
  }
  const h = x.rank === 3 ? x.shape[1] : 1;
  if (heads !== undefined && h !== heads) throw new ShapeError(`${op}: edge values have ${heads} heads but ${what} ${fmtShape(x.shape)} has ${h}`);
  return { heads: h, dim: x.rank === 3 ? x.shape[2] : x.shape[1] };
}

function edgeHeads(v: Tensor, top: Topology, op: string, what: string): number {
  if ((v.rank !== 1 && v.rank !== 2) || v.shape[0] !== top.nnz) {
    throw new ShapeError(`${op}: ${what} must be [nnz] or [nnz, heads] with nnz = ${top.nnz}, got ${fmtShape(v.shape)}`);
  }
  return v.rank === 2 ? v.shape[1] : 1;
}

/** Values of `top`'s edges reordered to the edge order of its transpose. */
function toTransposedOrder(top: Topology, values: Float32Array, heads: number): Float32Array {
  const perm = top.transposePermutation();
  const out = new Float32Array(values.length);
  for (let k = 0; k < perm.length; k++) {
    const src = perm[k] * heads;
    for (let h = 0; h < heads; h++) out[k * heads + h] = values[src + h];
  }
  return out;
}

/**
 * Y[i] = Σ over edges (i, j) of values[e] · X[j] (values null: weight 1). X is [cols, F] or
 * [cols, heads, dim] (then values are [nnz, heads]); Y has X's shape with `rows` rows.
 * Gradients: X through the transpose (SpMM), values through SDDMM.
 */
export function spmm(top: Topology, values: Tensor | null, x: Tensor): Tensor {
  checkTopology(top, 'spmm');
  checkTensor(x, 'spmm', 'x');
  if (values !== null) checkTensor(values, 'spmm', 'values');
  const vh = values ? edgeHeads(values, top, 'spmm', 'values') : undefined;
  // Per-edge scalar values broadcast over all features of a plain [n, F] input.
  const { heads, dim } = x.rank === 3 ? nodeLayout(x, top.cols, 'x', 'spmm', top, vh) : nodeLayout(x, top.cols, 'x', 'spmm', top, vh === 1 || vh === undefined ? undefined : vh);
  const y = uninitialised(top.rows * heads * dim);
  backend().spmm(top.rows, top.indptr, top.indices, values?.data ?? null, heads, dim, x.data, y);
  const out = new Tensor(y, [top.rows, ...x.shape.slice(1)]);
  const inputs = values ? [x, values] : [x];
  return record(out, 'spmm', inputs, (g) => {
    let dx: Tensor | null = null;
    let dv: Tensor | null = null;
    if (x.requiresGrad) {
      const t = top.transpose();
      const vt = values ? toTransposedOrder(top, values.data, heads) : null;
      const d = uninitialised(x.size);
      backend().spmm(t.rows, t.indptr, t.indices, vt, heads, dim, g.data, d);
      dx = new Tensor(d, x.shape);
    }
    if (values?.requiresGrad) {
      const d = uninitialised(values.size);
      backend().sddmm(top.rows, top.indptr, top.indices, g.data, x.data, heads, dim, d);
      dv = new Tensor(d, values.shape);
    }
    return values ? [dx, dv] : [dx];
  });
}

/**
 * out[e] = A[i] · B[j] for every edge e = (i, j): scores on the edges only. A is [rows, D] or
 * [rows, heads, D]; B is [cols, …] of the same layout; out is [nnz] or [nnz, heads].
 */
export function sddmm(top: Topology, a: Tensor, b: Tensor): Tensor {
  checkTopology(top, 'sddmm');
  checkTensor(a, 'sddmm', 'a');
  checkTensor(b, 'sddmm', 'b');
  const la = nodeLayout(a, top.rows, 'a', 'sddmm', top);
  const lb = nodeLayout(b, top.cols, 'b', 'sddmm', top);
  if (a.rank !== b.rank || la.heads !== lb.heads || la.dim !== lb.dim) {
    throw new ShapeError(`sddmm: a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)} must share heads and feature size`);
  }
  const { heads, dim } = la;
  const out = uninitialised(top.nnz * heads);
  backend().sddmm(top.rows, top.indptr, top.indices, a.data, b.data, heads, dim, out);
  const result = new Tensor(out, a.rank === 3 ? [top.nnz, heads] : [top.nnz]);
  return record(result, 'sddmm', [a, b], (g) => {
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (a.requiresGrad) {
      const d = uninitialised(a.size);
      backend().spmm(top.rows, top.indptr, top.indices, g.data, heads, dim, b.data, d);
      da = new Tensor(d, a.shape);
    }
    if (b.requiresGrad) {
      const t = top.transpose();
      const d = uninitialised(b.size);
      backend().spmm(t.rows, t.indptr, t.indices, toTransposedOrder(top, g.data, heads), heads, dim, a.data, d);
      db = new Tensor(d, b.shape);
    }
    return [da, db];
  });
}

/**
 * Softmax of edge scores over each target row's edges, per head; numerically stable. Rows with
 * no edges have no entries (nothing to normalise, and no NaN anywhere).
 */
export function edgeSoftmax(top: Topology, scores: Tensor): Tensor {
  checkTopology(top, 'edgeSoftmax');
  checkTensor(scores, 'edgeSoftmax', 'scores');
  const heads = edgeHeads(scores, top, 'edgeSoftmax', 'scores');
  const out = uninitialised(scores.size);
  backend().edgeSoftmax(top.rows, top.indptr, heads, scores.data, out);
  const y = new Tensor(out, scores.shape);
  return record(y, 'edgeSoftmax', [scores], (g) => {
    const d = uninitialised(scores.size);
    backend().edgeSoftmaxBackward(top.rows, top.indptr, heads, y.data, g.data, d);
    return [new Tensor(d, scores.shape)];
  });
}

export type Aggregation = 'sum' | 'mean' | 'max';

function segmentOp(reduce: Aggregation, op: string): SegmentOp {
  if (reduce === 'sum') return SegmentOp.Sum;
  if (reduce === 'mean') return SegmentOp.Mean;
  if (reduce === 'max') return SegmentOp.Max;
  throw new ArgumentError(`${op}: reduce must be 'sum', 'mean' or 'max', got '${reduce as string}'`);
}

function segmentCore(top: Topology, x: Tensor, reduce: Aggregation, gather: boolean, op: string): Tensor {
  checkTopology(top, op);
  checkTensor(x, op, gather ? 'x' : 'edgeValues');
  const n = gather ? top.cols : top.nnz;
  if (x.rank < 1 || x.shape[0] !== n) {
    throw new ShapeError(gather
      ? `${op}: topology is ${top.rows}×${top.cols} but x has ${x.shape[0] ?? 0} rows`
      : `${op}: edge values must have nnz = ${top.nnz} rows, got ${fmtShape(x.shape)}`);
  }
  const kind = segmentOp(reduce, op);
  const F = n === 0 ? x.shape.slice(1).reduce((p, q) => p * q, 1) : x.size / n;
  const out = uninitialised(top.rows * F);
  const argmax = kind === SegmentOp.Max ? new Int32Array(top.rows * F) : null;
  const idx = gather ? top.indices : null;
  backend().segmentReduce(kind, top.rows, top.indptr, idx, x.data, F, out, argmax);
  const y = new Tensor(out, [top.rows, ...x.shape.slice(1)]);
  return record(y, op, [x], (g) => {
    const d = new Float32Array(x.size);
    if (kind === SegmentOp.Max) {
      backend().segmentMaxBackward(top.rows, idx, argmax!, g.data, F, d);
    } else {
      // Sum and mean send each row's gradient back along its edges (scaled by 1/degree for
      // mean): an SpMM with the transpose, whose rows are the sources (or the edges).
      const deg = (r: number) => top.indptr[r + 1] - top.indptr[r];
      const w = new Float32Array(top.nnz);
      const rowsOf = top.edgeRows();
      for (let e = 0; e < top.nnz; e++) w[e] = kind === SegmentOp.Mean ? 1 / deg(rowsOf[e]) : 1;
      if (gather) {
        const t = top.transpose();
        backend().spmm(t.rows, t.indptr, t.indices, toTransposedOrder(top, w, 1), 1, F, g.data, d);
      } else {
        for (let e = 0; e < top.nnz; e++) {
          const r = rowsOf[e];
          for (let f = 0; f < F; f++) d[e * F + f] = w[e] * g.data[r * F + f];
        }
      }
    }
    return [new Tensor(d, x.shape)];
  });
}

/** Reduce per-edge values [nnz, …] over each target row's edges: [rows, …]. Empty rows give 0. */
export function segmentReduce(top: Topology, edgeValues: Tensor, reduce: Aggregation): Tensor {
  return segmentCore(top, edgeValues, reduce, false, 'segmentReduce');
}

/**
 * Aggregate source features over each target's neighbours: out[i] = reduce over edges (i, j)
 * of x[j]. Sum and mean are what GCN/GraphSAGE use; max remembers its argmax for the backward.
 */
export function aggregate(top: Topology, x: Tensor, reduce: Aggregation): Tensor {
  return segmentCore(top, x, reduce, true, 'aggregate');
}
