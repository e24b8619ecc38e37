/** Creating tensors: from values, filled, ranges, and seeded random. */
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.ts';
import { defaultGenerator, type Generator } from './random.ts';
import { checkShape, sizeOf, type Shape } from './shape.ts';
import { Tensor } from './tensor.ts';

export interface CreateOptions {
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

type Nested = number | Nested[];

function inferShape(v: Nested): number[] {
  const shape: number[] = [];
  let cur: Nested = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as Nested;
    if (cur === undefined) break;
  }
  return shape;
}

function flatten(v: Nested, shape: number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (typeof v !== 'number') throw new DTypeError(`tensor: expected a number at depth ${depth}, got ${Array.isArray(v) ? 'an array' : typeof v}`);
    out.push(v);
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[depth]) {
    throw new ShapeError(`tensor: ragged nested array: expected length ${shape[depth]} at depth ${depth}, got ${Array.isArray(v) ? v.length : typeof v}`);
  }
  for (const x of v) flatten(x, shape, depth + 1, out);
}

/**
 * A tensor from nested arrays (`tensor([[1, 2], [3, 4]])`) or from flat values with a shape
 * (`tensor(new Float32Array(6), [2, 3])`). Float32Array data is used without copying.
 */
export function tensor(values: Nested | Float32Array | ArrayLike<number>, shape?: Shape, options: CreateOptions = {}): Tensor {
  let data: Float32Array;
  let s: number[];
  if (values instanceof Float32Array) {
    data = values;
    s = shape ? [...shape] : [values.length];
  } else if (ArrayBuffer.isView(values)) {
    throw new DTypeError(`tensor: typed data must be a Float32Array, got ${(values as object).constructor.name}; convert it with Float32Array.from(...)`);
  } else if (typeof values === 'number' || Array.isArray(values)) {
    const inferred = inferShape(values as Nested);
    const flat: number[] = [];
    flatten(values as Nested, inferred, 0, flat);
    data = Float32Array.from(flat);
    s = shape ? [...shape] : inferred;
  } else {
    throw new DTypeError(`tensor: values must be numbers, nested arrays or a Float32Array, got ${typeof values}`);
  }
  checkShape(s, 'tensor');
  if (sizeOf(s) !== data.length) {
    throw new ShapeError(`tensor: shape ${fmtShape(s)} needs ${sizeOf(s)} values, got ${data.length}`);
  }
  return new Tensor(data, s, options.requiresGrad ?? false);
}

export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  checkShape(shape, 'full');
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape, options.requiresGrad ?? false);
}

export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  checkShape(shape, 'zeros');
  return new Tensor(new Float32Array(sizeOf(shape)), shape, options.requiresGrad ?? false);
}

export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}

export function scalar(value: number, options: CreateOptions = {}): Tensor {
  return full([], value, options);
}

/** 0, 1, … n−1 (or start … end−1 by step). */
export function arange(start: number, end?: number, step = 1): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new ArgumentError(`arange: step must be finite and non-zero, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return new Tensor(d, [n]);
}

/** Uniform values in [low, high). */
export function rand(shape: Shape, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  checkShape(shape, 'rand');
  const g = options.generator ?? defaultGenerator;
  const lo = options.low ?? 0;
  const span = (options.high ?? 1) - lo;
  const d = new Float32Array(sizeOf(shape));
  for (let i = 0; i < d.length; i++) d[i] = lo + span * g.uniform();
  return new Tensor(d, shape, options.requiresGrad ?? false);
}

/** Normal values with the given mean and standard deviation (default 0 and 1). */
export function randn(shape: Shape, options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  checkShape(shape, 'randn');
  const g = options.generator ?? defaultGenerator;
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  const d = new Float32Array(sizeOf(shape));
  for (let i = 0; i < d.length; i++) d[i] = mean + std * g.normal();
  return new Tensor(d, shape, options.requiresGrad ?? false);
}

/** Integers in [low, high) as an Int32Array (indices, class labels). */
export function randint(low: number, high: number, size: number, generator: Generator = defaultGenerator): Int32Array {
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = generator.int(low, high);
  return out;
}

/** A random permutation of 0..n−1. */
export function randperm(n: number, generator: Generator = defaultGenerator): Int32Array {
  return generator.permutation(n);
}
