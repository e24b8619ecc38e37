/** The first layers: Linear, Embedding, LayerNorm, Dropout, Sequential and activations. */
import { ArgumentError, ShapeError, fmtShape } from '../errors.ts';
import { dropout } from '../ops/dropout.ts';
import { add, gelu, relu, sigmoid, silu, tanh } from '../ops/elementwise.ts';
import { embedding, type Indices } from '../ops/indexing.ts';
import { matmul } from '../ops/matmul.ts';
import { reshape } from '../ops/layout.ts';
import { layerNorm } from '../ops/norm.ts';
import { defaultGenerator, type Generator } from '../tensor/random.ts';
import type { Shape } from '../tensor/shape.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { kaimingUniform_, normal_, ones_, uniform_, zeros_ } from './init.ts';
import { Module, Parameter } from './module.ts';

function positiveInt(v: number, layer: string, arg: string): void {
  if (!Number.isInteger(v) || v <= 0) throw new ArgumentError(`${layer}: ${arg} must be a positive integer, got ${v}`);
}

function param(shape: number[]): Parameter {
  return new Parameter(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
}

/**
 * y = x·Wᵀ + b with W shaped [out, in] as in PyTorch (the GEMM reads it transposed, no copy).
 * Default initialisation is PyTorch's: Kaiming-uniform with a = √5 (bound 1/√in), bias ±1/√in.
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: { bias?: boolean; generator?: Generator } = {}) {
    super();
    positiveInt(inFeatures, 'Linear', 'inFeatures');
    positiveInt(outFeatures, 'Linear', 'outFeatures');
    const g = options.generator ?? defaultGenerator;
    this.weight = param([outFeatures, inFeatures]);
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator: g });
    this.bias = options.bias === false ? null : param([outFeatures]);
    if (this.bias) uniform_(this.bias, -1 / Math.sqrt(inFeatures), 1 / Math.sqrt(inFeatures), g);
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError(`Linear(${this.inFeatures}→${this.outFeatures}): input ${fmtShape(x.shape)} must end in ${this.inFeatures}`);
    }
    const x2 = x.rank === 1 ? reshape(x, [1, this.inFeatures]) : x;
    const y0 = matmul(x2, this.weight, { transB: true });
    const y = this.bias ? add(y0, this.bias) : y0;
    return x.rank === 1 ? reshape(y, [this.outFeatures]) : y;
  }

  protected override describe(): string {
    return `${this.inFeatures} → ${this.outFeatures}${this.bias ? '' : ', no bias'}`;
  }
}

/** A lookup table of `num` vectors of size `dim`, initialised N(0, 1) as in PyTorch. */
export class Embedding extends Module {
  readonly weight: Parameter;

  constructor(readonly num: number, readonly dim: number, options: { generator?: Generator } = {}) {
    super();
    positiveInt(num, 'Embedding', 'num');
    positiveInt(dim, 'Embedding', 'dim');
    this.weight = param([num, dim]);
    normal_(this.weight, 0, 1, options.generator);
  }

  forward(ids: Indices, idsShape?: Shape): Tensor {
    return embedding(this.weight, ids, idsShape);
  }

  protected override describe(): string {
    return `${this.num}, ${this.dim}`;
  }
}

export class LayerNorm extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(readonly dim: number, options: { eps?: number; elementwiseAffine?: boolean } = {}) {
    super();
    positiveInt(dim, 'LayerNorm', 'dim');
    this.eps = options.eps ?? 1e-5;
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? ones_(param([dim])) as Parameter : null;
    this.bias = affine ? zeros_(param([dim])) as Parameter : null;
  }

  readonly eps: number;

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }

  protected override describe(): string {
    return `${this.dim}, eps=${this.eps}`;
  }
}

/** Dropout active in training mode only; its mask comes from the given generator. */
export class Dropout extends Module {
  constructor(readonly p: number, private readonly generator: Generator = defaultGenerator) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ArgumentError(`Dropout: p must be in [0, 1], got ${p}`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, generator: this.generator });
  }

  protected override describe(): string {
    return `p=${this.p}`;
  }
}

/** Modules applied in order; parameters are named `layers.0.weight`, … */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((l, i) => {
      if (!(l instanceof Module)) throw new ArgumentError(`Sequential: argument ${i} is not a Module`);
    });
    this.layers = layers;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const l of this.layers) y = (l as unknown as { forward(t: Tensor): Tensor }).forward(y);
    return y;
  }
}

class Activation extends Module {
  constructor(private readonly fn: (x: Tensor) => Tensor) {
    super();
  }

  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

export class ReLU extends Activation { constructor() { super(relu); } }
export class GELU extends Activation { constructor() { super(gelu); } }
export class SiLU extends Activation { constructor() { super(silu); } }
export class Tanh extends Activation { constructor() { super(tanh); } }
export class Sigmoid extends Activation { constructor() { super(sigmoid); } }
