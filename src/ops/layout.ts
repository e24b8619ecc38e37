/** Ops that move data without arithmetic: reshape, broadcastTo, transpose, permute, slice, concat. */
import { ArgumentError, IndexError, ShapeError, fmtShape } from '../errors.ts';
import { backend } from '../kernels/select.ts';
import { record } from '../tensor/autograd.ts';
import { broadcastShapes, broadcastStrides, checkKernelRank, checkShape, contiguousStrides, normAxis, sameShape, sizeOf, type Shape } from '../tensor/shape.ts';
import { uninitialised } from '../tensor/alloc.ts';
import { Tensor } from '../tensor/tensor.ts';
import { sumTo } from './reduce.ts';
import { checkTensor } from './util.ts';

/** The same data with another shape of the same size; one size may be -1 (inferred). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  checkTensor(x, 'reshape', 'x');
  const s = [...shape];
  const free = s.indexOf(-1);
  if (free >= 0) {
    if (s.indexOf(-1, free + 1) >= 0) throw new ShapeError(`reshape: only one size may be -1, got ${fmtShape(shape)}`);
    const known = sizeOf(s.filter((_, i) => i !== free));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)}`);
    }
    s[free] = x.size / known;
  }
  checkShape(s, 'reshape');
  if (sizeOf(s) !== x.size) {
    throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)} (${sizeOf(s)} elements)`);
  }
  if (sameShape(s, x.shape)) return x;
  return record(new Tensor(x.data, s), 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** Copy x's data read through `strides` (from `offset`) into a new contiguous tensor of `shape`. */
function gatherStrided(x: Tensor, shape: Shape, strides: Int32Array, offset: number, op: string): Tensor {
  checkKernelRank(shape.length, op);
  const out = uninitialised(sizeOf(shape));
  backend().stridedCopy(x.data, offset, strides, out, 0, Int32Array.from(contiguousStrides(shape)), Int32Array.from(shape));
  return new Tensor(out, shape);
}

/** x repeated along broadcast axes to `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  checkTensor(x, 'broadcastTo', 'x');
  const target = broadcastShapes(x.shape, shape, 'broadcastTo');
  if (!sameShape(target, shape)) {
    throw new ShapeError(`broadcastTo: ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}`);
  }
  if (sameShape(x.shape, shape)) return x;
  const y = gatherStrided(x, shape, broadcastStrides(x.shape, shape), 0, 'broadcastTo');
  return record(y, 'broadcastTo', [x], (g) => [sumTo(g, x.shape)]);
}

/** Reorder the axes: output axis i is input axis dims[i]. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor(x, 'permute', 'x');
  if (dims.length !== x.rank) throw new ShapeError(`permute: ${dims.length} dims given for a tensor of rank ${x.rank}`);
  const d = dims.map((a) => normAxis(a, x.rank, 'permute'));
  if (new Set(d).size !== d.length) throw new ArgumentError(`permute: dims [${dims.join(',')}] repeat an axis`);
  if (d.every((a, i) => a === i)) return x;
  const own = contiguousStrides(x.shape);
  const shape = d.map((a) => x.shape[a]);
  const y = gatherStrided(x, shape, Int32Array.from(d.map((a) => own[a])), 0, 'permute');
  const inverse = new Array<number>(d.length);
  d.forEach((a, i) => (inverse[a] = i));
  return record(y, 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Swap two axes (the last two by default). */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  checkTensor(x, 'transpose', 'x');
  const a = normAxis(dim0, x.rank, 'transpose');
  const b = normAxis(dim1, x.rank, 'transpose');
  const dims = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, dims);
}

/** A range [start, end) per axis (null keeps the whole axis); negative bounds count from the end. */
export function slice(x: Tensor, ranges: ReadonlyArray<readonly [number, number] | null>): Tensor {
  checkTensor(x, 'slice', 'x');
  if (ranges.length > x.rank) throw new ShapeError(`slice: ${ranges.length} ranges for a tensor of rank ${x.rank}`);
  const own = contiguousStrides(x.shape);
  const starts: number[] = [];
  const shape: number[] = [];
  x.shape.forEach((size, i) => {
    const r = ranges[i] ?? null;
    if (r === null) {
      starts.push(0);
      shape.push(size);
      return;
    }
    let [s, e] = r;
    if (!Number.isInteger(s) || !Number.isInteger(e)) throw new ArgumentError(`slice: range [${s}, ${e}) of axis ${i} must be integers`);
    if (s < 0) s += size;
    if (e < 0) e += size;
    if (s < 0 || e > size || s > e) {
      throw new IndexError(`slice: range [${r[0]}, ${r[1]}) is out of bounds for axis ${i} of size ${size}`);
    }
    starts.push(s);
    shape.push(e - s);
  });
  const offset = starts.reduce((acc, s, i) => acc + s * own[i], 0);
  const y = gatherStrided(x, shape, Int32Array.from(own), offset, 'slice');
  return record(y, 'slice', [x], (g) => {
    const dx = new Float32Array(x.size);
    backend().stridedCopy(g.data, 0, Int32Array.from(contiguousStrides(shape)), dx, offset, Int32Array.from(own), Int32Array.from(shape));
    return [new Tensor(dx, x.shape)];
  });
}

/** Join tensors along an axis; all other sizes must agree. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ArgumentError('concat: needs at least one tensor');
  xs.forEach((x, i) => checkTensor(x, 'concat', `xs[${i}]`));
  const first = xs[0];
  const a = normAxis(axis, first.rank, 'concat');
  xs.forEach((x, i) => {
    if (x.rank !== first.rank || x.shape.some((d, k) => k !== a && d !== first.shape[k])) {
      throw new ShapeError(`concat: xs[${i}] has shape ${fmtShape(x.shape)} but xs[0] has ${fmtShape(first.shape)} (they may differ only on axis ${a})`);
    }
  });
  checkKernelRank(first.rank, 'concat');
  const shape = [...first.shape];
  shape[a] = xs.reduce((n, x) => n + x.shape[a], 0);
  const outStrides = Int32Array.from(contiguousStrides(shape));
  const out = new Float32Array(sizeOf(shape));
  const offsets: number[] = [];
  let at = 0;
  for (const x of xs) {
    offsets.push(at);
    backend().stridedCopy(x.data, 0, Int32Array.from(contiguousStrides(x.shape)), out, at * outStrides[a], outStrides, Int32Array.from(x.shape));
    at += x.shape[a];
  }
  return record(new Tensor(out, shape), 'concat', xs, (g) =>
    xs.map((x, i) => {
      if (!x.requiresGrad) return null;
      const ranges = shape.map((_, k) => (k === a ? ([offsets[i], offsets[i] + x.shape[a]] as const) : null));
      return slice(g, ranges);
    }),
  );
}
