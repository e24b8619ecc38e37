/**
 * `Tensor`: float32, row-major, contiguous data with a shape, and the autograd fields.
 *
 * A tensor owns (or views) one Float32Array. Ops never write into their inputs, so a tensor's
 * data is stable once created unless the user writes to it. Gradients flow through the `node`
 * each op records (see autograd.ts).
 */
import { DTypeError, ShapeError, fmtShape } from '../errors.ts';
import { checkShape, sizeOf, type Shape } from './shape.ts';
import { runBackward, type BackwardOptions, type GradNode } from './autograd.ts';

export class Tensor {
  readonly data: Float32Array;
  readonly shape: Shape;
  /** Leaf tensors with requiresGrad receive `.grad` from backward(). */
  requiresGrad: boolean;
  grad: Tensor | null = null;
  /** The op that produced this tensor, when it was recorded for autograd. @internal */
  node: GradNode | null = null;

  constructor(data: Float32Array, shape: Shape, requiresGrad = false) {
    if (!(data instanceof Float32Array)) {
      const got = (data as object)?.constructor?.name ?? typeof data;
      throw new DTypeError(`Tensor: data must be a Float32Array, got ${got}`);
    }
    checkShape(shape, 'Tensor');
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(`Tensor: shape ${fmtShape(shape)} holds ${sizeOf(shape)} elements but data has ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = requiresGrad;
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.data.length;
  }

  /** True for tensors made by the user (not by a recorded op). */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) {
      throw new ShapeError(`item: tensor must have exactly one element, got shape ${fmtShape(this.shape)}`);
    }
    return this.data[0];
  }

  /** The values as nested arrays following the shape (a number for rank 0). */
  toNested(): unknown {
    const build = (dim: number, offset: number): unknown => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** A tensor sharing this data that autograd does not follow. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  /** A copy with its own data, detached from the graph. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, false);
  }

  /** Mark this leaf as needing gradients (returns this, for chaining). */
  requireGrad(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /**
   * Backpropagate from this tensor. Without `grad` the tensor must be a scalar (one element);
   * gradients accumulate into `.grad` of every leaf that requires them. The graph is freed
   * afterwards unless `retainGraph` is set.
   */
  backward(grad?: Tensor, options: BackwardOptions = {}): void {
    runBackward(this, grad, options);
  }

  zeroGrad(): void {
    this.grad = null;
  }

  toString(): string {
    const preview = Array.from(this.data.subarray(0, 8), (v) => +v.toPrecision(5)).join(', ');
    return `Tensor(${fmtShape(this.shape)}${this.requiresGrad ? ', requiresGrad' : ''}) [${preview}${this.size > 8 ? ', …' : ''}]`;
  }
}
