/** Shape arithmetic shared by every op: sizes, strides, broadcasting, axis normalisation. */
import { ArgumentError, IndexError, ShapeError, fmtShape } from '../errors.ts';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function checkShape(shape: Shape, op: string, arg = 'shape'): void {
  if (!Array.isArray(shape)) throw new ShapeError(`${op}: ${arg} must be an array of sizes, got ${typeof shape}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: ${arg} ${fmtShape(shape)} must hold non-negative integers, got ${d}`);
    }
  }
}

export function contiguousStrides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy broadcasting of two shapes; a mismatch names the op and both shapes. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Largest rank the strided kernels take (broadcasting, where, permute, slice). */
export const MAX_KERNEL_RANK = 8;

export function checkKernelRank(rank: number, op: string): void {
  if (rank > MAX_KERNEL_RANK) {
    throw new ShapeError(`${op}: rank ${rank} is above the ${MAX_KERNEL_RANK} axes the strided kernels take; reshape to fewer axes first`);
  }
}

/** Element strides for reading a contiguous tensor of `shape` as if it had `outShape`. */
export function broadcastStrides(shape: Shape, outShape: Shape): Int32Array {
  const rank = outShape.length;
  const own = contiguousStrides(shape);
  const s = new Int32Array(rank);
  for (let i = 0; i < rank; i++) {
    const j = shape.length - rank + i;
    s[i] = j < 0 || shape[j] === 1 ? 0 : own[j];
  }
  return s;
}

export function normAxis(axis: number, rank: number, op: string): number {
  if (!Number.isInteger(axis)) throw new ArgumentError(`${op}: axis must be an integer, got ${axis}`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    throw new IndexError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}
