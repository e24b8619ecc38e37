/** Reductions over axes: sum, mean, max; and sumTo, which folds a broadcast gradient back. */
import { ArgumentError, ShapeError, fmtShape } from '../errors.ts';
import { ReduceOp } from '../kernels/backend.ts';
import { backend } from '../kernels/select.ts';
import { record } from '../tensor/autograd.ts';
import { normAxis, sameShape, sizeOf, type Shape } from '../tensor/shape.ts';
import { Tensor } from '../tensor/tensor.ts';
import { affine } from './elementwise.ts';
import { broadcastTo, reshape } from './layout.ts';
import { checkTensor } from './util.ts';

/** Split shape around `axis` into the [outer, r, inner] view the reduce kernel takes. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

function axesOf(x: Tensor, axis: number | readonly number[] | undefined, op: string): number[] {
  if (axis === undefined) return x.shape.map((_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const norm = list.map((a) => normAxis(a, x.rank, op));
  if (new Set(norm).size !== norm.length) throw new ArgumentError(`${op}: repeated axis in [${list.join(',')}]`);
  return norm.sort((p, q) => p - q);
}

function keptShape(shape: Shape, axes: number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Raw sum over sorted axes, keeping them as size 1. Not recorded. */
function sumKeep(x: Tensor, axes: number[]): Tensor {
  let data = x.data;
  let shape = [...x.shape];
  // Highest axis first so each pass is a single [outer, r, inner] reduction.
  for (let k = axes.length - 1; k >= 0; k--) {
    const [outer, r, inner] = around(shape, axes[k]);
    const out = new Float32Array(outer * inner);
    backend().reduce(ReduceOp.Sum, data, outer, r, inner, out, null);
    data = out;
    shape[axes[k]] = 1;
  }
  return new Tensor(data === x.data ? data.slice() : data, shape);
}

/** Sum over the given axes (all by default). */
export function sum(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  checkTensor(x, 'sum', 'x');
  const axes = axesOf(x, axis, 'sum');
  const kept = sumKeep(x, axes);
  const outShape = keepDims ? kept.shape : x.shape.filter((_, i) => !axes.includes(i));
  const y = new Tensor(kept.data, outShape);
  return record(y, 'sum', [x], (g) => [broadcastTo(reshape(g, kept.shape), x.shape)]);
}

/** Mean over the given axes (all by default). The mean of nothing is NaN. */
export function mean(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  checkTensor(x, 'mean', 'x');
  const axes = axesOf(x, axis, 'mean');
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  const s = sum(x, axes, keepDims);
  return affine(s, 1 / count);
}

/** Maximum over one axis (or over everything). The gradient goes to the first maximum. */
export function max(x: Tensor, axis?: number, keepDims = false): Tensor {
  checkTensor(x, 'max', 'x');
  if (axis === undefined) return max(reshape(x, [x.size]), 0, false);
  const a = normAxis(axis, x.rank, 'max');
  const [outer, r, inner] = around(x.shape, a);
  if (r === 0) throw new ShapeError(`max: axis ${axis} of shape ${fmtShape(x.shape)} is empty`);
  const out = new Float32Array(outer * inner);
  const arg = new Int32Array(outer * inner);
  backend().reduce(ReduceOp.Max, x.data, outer, r, inner, out, arg);
  const outShape = keepDims ? keptShape(x.shape, [a]) : x.shape.filter((_, i) => i !== a);
  return record(new Tensor(out, outShape), 'max', [x], (g) => {
    const dx = new Float32Array(x.size);
    backend().reduceMaxBackward(g.data, arg, outer, r, inner, dx);
    return [new Tensor(dx, x.shape)];
  });
}

/**
 * Sum a broadcast result back down to `shape` (the gradient of broadcasting). Leading axes are
 * summed away; axes where `shape` has 1 are summed with the size kept.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  if (lead < 0) throw new ShapeError(`sumTo: cannot sum ${fmtShape(g.shape)} to the larger rank of ${fmtShape(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) axes.push(i);
    else if (shape[i - lead] !== g.shape[i]) throw new ShapeError(`sumTo: ${fmtShape(g.shape)} does not broadcast from ${fmtShape(shape)}`);
  }
  return reshape(sum(g, axes, true), shape);
}
