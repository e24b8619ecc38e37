/** Row gather and scatter: embedding lookup, index_select and index_add over the first axis. */
import { DTypeError, IndexError, ShapeError, fmtShape } from '../errors.ts';
import { backend } from '../kernels/select.ts';
import { record } from '../tensor/autograd.ts';
import { checkShape, sizeOf, type Shape } from '../tensor/shape.ts';
import { Tensor } from '../tensor/tensor.ts';
import { checkTensor } from './util.ts';

export type Indices = Int32Array | readonly number[];

/** Integers as an Int32Array (the same array when it already is one); no range check. */
export function asInt32(idx: Indices, op: string, arg: string): Int32Array {
  let out: Int32Array;
  if (idx instanceof Int32Array) out = idx;
  else if (Array.isArray(idx)) {
    out = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) {
      const v = idx[i];
      if (!Number.isInteger(v)) throw new DTypeError(`${op}: ${arg}[${i}] must be an integer, got ${v}`);
      if (v !== (v | 0)) throw new IndexError(`${op}: ${arg}[${i}] = ${v} does not fit a 32-bit index`);
      out[i] = v;
    }
  } else {
    throw new DTypeError(`${op}: ${arg} must be an Int32Array or an array of integers, got ${(idx as object)?.constructor?.name ?? typeof idx}`);
  }
  return out;
}

/** Validate indices against [0, limit) and return them as an Int32Array. */
export function toIndices(idx: Indices, limit: number, op: string, arg: string): Int32Array {
  const out = asInt32(idx, op, arg);
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (v < 0 || v >= limit) throw new IndexError(`${op}: ${arg}[${i}] = ${v} is out of range [0, ${limit})`);
  }
  return out;
}

function rowsOf(x: Tensor, op: string): [number, number] {
  if (x.rank < 1) throw new ShapeError(`${op}: x must have at least one axis, got a scalar`);
  // The row width from the shape, so a tensor with no rows still has its width.
  return [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)];
}

/**
 * Rows of x picked by idx: out[i] = x[idx[i]]. `idxShape` shapes the lookup (default
 * [idx.length]); the output is [...idxShape, ...x.shape.slice(1)].
 */
export function gatherRows(x: Tensor, idx: Indices, idxShape?: Shape): Tensor {
  checkTensor(x, 'gatherRows', 'x');
  const [rows, cols] = rowsOf(x, 'gatherRows');
  // A private copy: the backward must use the indices as they were at the forward.
  const ids = toIndices(idx, rows, 'gatherRows', 'idx').slice();
  const lookShape = idxShape ?? [ids.length];
  checkShape(lookShape, 'gatherRows', 'idxShape');
  if (sizeOf(lookShape) !== ids.length) {
    throw new ShapeError(`gatherRows: idxShape ${fmtShape(lookShape)} holds ${sizeOf(lookShape)} indices but ${ids.length} were given`);
  }
  const out = new Float32Array(ids.length * cols);
  backend().gatherRows(x.data, ids, ids.length, cols, out);
  return record(new Tensor(out, [...lookShape, ...x.shape.slice(1)]), 'gatherRows', [x], (g) => {
    const dx = new Float32Array(x.size);
    backend().scatterAddRows(g.data, ids, ids.length, cols, dx);
    return [new Tensor(dx, x.shape)];
  });
}

/** Embedding lookup: weight [vocab, dim] at ids → [...idsShape, dim]. */
export function embedding(weight: Tensor, ids: Indices, idsShape?: Shape): Tensor {
  checkTensor(weight, 'embedding', 'weight');
  if (weight.rank !== 2) throw new ShapeError(`embedding: weight must be [vocab, dim], got ${fmtShape(weight.shape)}`);
  return gatherRows(weight, ids, idsShape);
}

/** out = zeros([numRows, ...src.shape.slice(1)]); out[idx[i]] += src[i]. */
export function scatterAddRows(src: Tensor, idx: Indices, numRows: number): Tensor {
  checkTensor(src, 'scatterAddRows', 'src');
  const [n, cols] = rowsOf(src, 'scatterAddRows');
  if (!Number.isInteger(numRows) || numRows < 0) throw new ShapeError(`scatterAddRows: numRows must be a non-negative integer, got ${numRows}`);
  const ids = toIndices(idx, numRows, 'scatterAddRows', 'idx').slice();
  if (ids.length !== n) throw new ShapeError(`scatterAddRows: src has ${n} rows but idx has ${ids.length} entries`);
  const out = new Float32Array(numRows * cols);
  backend().scatterAddRows(src.data, ids, n, cols, out);
  return record(new Tensor(out, [numRows, ...src.shape.slice(1)]), 'scatterAddRows', [src], (g) => {
    const d = new Float32Array(src.size);
    backend().gatherRows(g.data, ids, n, cols, d);
    return [new Tensor(d, src.shape)];
  });
}
