/**
 * Seeded weight initialisers: Xavier/Glorot and Kaiming/He (uniform and normal), truncated
 * normal, constants. They fill a tensor in place and return it. Fan-in and fan-out come from
 * the shape ([out, in, ...kernel] as in PyTorch) or are given explicitly — sparse layers pass
 * their real fan-in per unit through `sparseKaimingUniform`.
 */
import { ArgumentError, ShapeError, fmtShape } from '../errors.ts';
import { defaultGenerator, type Generator } from '../tensor/random.ts';
import type { Tensor } from '../tensor/tensor.ts';

export type Nonlinearity = 'linear' | 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'gelu' | 'silu' | 'selu';

/** The recommended gain for a nonlinearity (PyTorch's values; gelu and silu use relu's). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'identity': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': case 'gelu': case 'silu': return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new ArgumentError(`calculateGain: unknown nonlinearity '${nonlinearity as string}'`);
  }
}

/** Fan-in and fan-out of a weight shaped [out, in, ...receptive field]. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new ShapeError(`init: fan-in and fan-out need a weight of rank >= 2, got ${fmtShape(shape)}; pass fanIn/fanOut explicitly`);
  const field = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * field, fanOut: shape[0] * field };
}

export interface InitOptions {
  generator?: Generator;
  /** Override the fan-in / fan-out derived from the shape. */
  fanIn?: number;
  fanOut?: number;
}

function fanOf(t: Tensor, o: InitOptions): { fanIn: number; fanOut: number } {
  const needShape = o.fanIn === undefined || o.fanOut === undefined;
  // fans() names the problem when the shape cannot give a fan that was not passed.
  const f = needShape ? fans(t.shape) : { fanIn: NaN, fanOut: NaN };
  const fanIn = o.fanIn ?? f.fanIn;
  const fanOut = o.fanOut ?? f.fanOut;
  return { fanIn, fanOut };
}

export function uniform_(t: Tensor, low: number, high: number, generator: Generator = defaultGenerator): Tensor {
  if (!(low <= high)) throw new ArgumentError(`uniform_: need low <= high, got ${low}, ${high}`);
  for (let i = 0; i < t.size; i++) t.data[i] = low + (high - low) * generator.uniform();
  return t;
}

export function normal_(t: Tensor, mean: number, std: number, generator: Generator = defaultGenerator): Tensor {
  if (!(std >= 0)) throw new ArgumentError(`normal_: std must be >= 0, got ${std}`);
  for (let i = 0; i < t.size; i++) t.data[i] = mean + std * generator.normal();
  return t;
}

/** Normal(mean, std) redrawn until inside [a, b] (PyTorch's trunc_normal_ defaults a=−2, b=2). */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, generator: Generator = defaultGenerator): Tensor {
  if (!(a < b)) throw new ArgumentError(`truncNormal_: need a < b, got ${a}, ${b}`);
  if (!(std > 0)) throw new ArgumentError(`truncNormal_: std must be > 0, got ${std}`);
  // Rejection is fine while [a, b] holds a fair share of the mass; refuse hopeless bounds.
  const lo = (a - mean) / std;
  const hi = (b - mean) / std;
  if (hi < -6 || lo > 6) throw new ArgumentError(`truncNormal_: [${a}, ${b}] is more than 6 std from the mean ${mean}`);
  for (let i = 0; i < t.size; i++) {
    let v: number;
    do v = mean + std * generator.normal();
    while (v < a || v > b);
    t.data[i] = v;
  }
  return t;
}

export const zeros_ = (t: Tensor): Tensor => (t.data.fill(0), t);
export const ones_ = (t: Tensor): Tensor => (t.data.fill(1), t);
export const constant_ = (t: Tensor, v: number): Tensor => (t.data.fill(v), t);

export function xavierUniform_(t: Tensor, o: InitOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fanOf(t, o);
  const bound = (o.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, o.generator);
}

export function xavierNormal_(t: Tensor, o: InitOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fanOf(t, o);
  return normal_(t, 0, (o.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), o.generator);
}

export interface KaimingOptions extends InitOptions {
  /** Preserve the variance of activations ('fanIn', default) or of gradients ('fanOut'). */
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
  /** Negative slope for leaky_relu. */
  a?: number;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const { fanIn, fanOut } = fanOf(t, o);
  const fan = (o.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  if (!(fan > 0)) throw new ArgumentError(`kaiming: fan must be positive, got ${fan}`);
  return calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan);
}

export function kaimingUniform_(t: Tensor, o: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, o);
  return uniform_(t, -bound, bound, o.generator);
}

export function kaimingNormal_(t: Tensor, o: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, o), o.generator);
}

/**
 * Kaiming-uniform for per-edge weights of a sparse layer stored row by row (CSR): each target
 * unit's edges use that unit's real fan-in (its number of edges), not the dense width.
 */
export function sparseKaimingUniform_(
  values: Float32Array, indptr: Int32Array,
  o: { nonlinearity?: Nonlinearity; a?: number; generator?: Generator } = {},
): Float32Array {
  const gain = calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0);
  const g = o.generator ?? defaultGenerator;
  for (let r = 0; r + 1 < indptr.length; r++) {
    const fan = indptr[r + 1] - indptr[r];
    if (fan === 0) continue;
    const bound = gain * Math.sqrt(3 / fan);
    for (let e = indptr[r]; e < indptr[r + 1]; e++) values[e] = -bound + 2 * bound * g.uniform();
  }
  return values;
}
