/**
 * Elementwise ops: unary functions, broadcasting arithmetic and where/maskedFill. Each op's
 * gradient rule is recorded right after its forward.
 */
import { ArgumentError } from '../errors.ts';
import { BinaryOp, UnaryOp } from '../kernels/backend.ts';
import { backend } from '../kernels/select.ts';
import { record } from '../tensor/autograd.ts';
import { broadcastShapes, broadcastStrides, checkKernelRank, sizeOf } from '../tensor/shape.ts';
import { uninitialised } from '../tensor/alloc.ts';
import { Tensor } from '../tensor/tensor.ts';
import { sumTo } from './reduce.ts';
import { asTensor, checkTensor, type TensorLike } from './util.ts';

function unaryOp(op: UnaryOp, name: string, x: Tensor, p0 = 0, p1 = 0): Tensor {
  checkTensor(x, name, 'x');
  const out = uninitialised(x.size);
  backend().unary(op, x.data, out, x.size, p0, p1);
  const y = new Tensor(out, x.shape);
  return record(y, name, [x], (g) => {
    const dx = uninitialised(x.size);
    backend().unaryBackward(op, x.data, y.data, g.data, dx, x.size, p0, p1);
    return [new Tensor(dx, x.shape)];
  });
}

export const neg = (x: Tensor): Tensor => unaryOp(UnaryOp.Neg, 'neg', x);
export const exp = (x: Tensor): Tensor => unaryOp(UnaryOp.Exp, 'exp', x);
export const log = (x: Tensor): Tensor => unaryOp(UnaryOp.Log, 'log', x);
export const sqrt = (x: Tensor): Tensor => unaryOp(UnaryOp.Sqrt, 'sqrt', x);
export const abs = (x: Tensor): Tensor => unaryOp(UnaryOp.Abs, 'abs', x);
export const relu = (x: Tensor): Tensor => unaryOp(UnaryOp.Relu, 'relu', x);
/** GELU with the exact erf form (PyTorch's default). */
export const gelu = (x: Tensor): Tensor => unaryOp(UnaryOp.Gelu, 'gelu', x);
export const silu = (x: Tensor): Tensor => unaryOp(UnaryOp.Silu, 'silu', x);
export const tanh = (x: Tensor): Tensor => unaryOp(UnaryOp.Tanh, 'tanh', x);
export const sigmoid = (x: Tensor): Tensor => unaryOp(UnaryOp.Sigmoid, 'sigmoid', x);

/** x raised to a constant power. */
export function pow(x: Tensor, exponent: number): Tensor {
  if (typeof exponent !== 'number' || Number.isNaN(exponent)) {
    throw new ArgumentError(`pow: exponent must be a number, got ${exponent}`);
  }
  return unaryOp(UnaryOp.Pow, 'pow', x, exponent);
}

/** Limit x to [min, max]; either bound may be omitted. The gradient passes where min ≤ x ≤ max. */
export function clamp(x: Tensor, min = -Infinity, max = Infinity): Tensor {
  if (Number.isNaN(min) || Number.isNaN(max) || min > max) {
    throw new ArgumentError(`clamp: need min <= max, got min=${min}, max=${max}`);
  }
  return unaryOp(UnaryOp.Clamp, 'clamp', x, min, max);
}

/** x·scale + shift, one fused pass. */
export function affine(x: Tensor, scale: number, shift = 0): Tensor {
  return unaryOp(UnaryOp.Affine, 'affine', x, scale, shift);
}

function binaryOp(op: BinaryOp, name: string, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, name);
  checkKernelRank(shape.length, name);
  const out = uninitialised(sizeOf(shape));
  backend().binary(op, a.data, broadcastStrides(a.shape, shape), b.data, broadcastStrides(b.shape, shape), out, Int32Array.from(shape));
  const y = new Tensor(out, shape);
  return record(y, name, [a, b], (g) => {
    switch (op) {
      case BinaryOp.Add:
        return [a.requiresGrad ? sumTo(g, a.shape) : null, b.requiresGrad ? sumTo(g, b.shape) : null];
      case BinaryOp.Sub:
        return [a.requiresGrad ? sumTo(g, a.shape) : null, b.requiresGrad ? sumTo(neg(g), b.shape) : null];
      case BinaryOp.Mul:
        return [a.requiresGrad ? sumTo(mul(g, b), a.shape) : null, b.requiresGrad ? sumTo(mul(g, a), b.shape) : null];
      case BinaryOp.Div:
        // d(a/b)/db = −a/b² = −y/b
        return [a.requiresGrad ? sumTo(div(g, b), a.shape) : null, b.requiresGrad ? sumTo(neg(div(mul(g, y), b)), b.shape) : null];
    }
  });
}

/** a + b with broadcasting; a number on either side is a constant. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return affine(a, 1, b);
  if (typeof a === 'number' && b instanceof Tensor) return affine(b, 1, a);
  return binaryOp(BinaryOp.Add, 'add', asTensor(a, 'add', 'a'), asTensor(b, 'add', 'b'));
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return affine(a, 1, -b);
  if (typeof a === 'number' && b instanceof Tensor) return affine(b, -1, a);
  return binaryOp(BinaryOp.Sub, 'sub', asTensor(a, 'sub', 'a'), asTensor(b, 'sub', 'b'));
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return affine(a, b, 0);
  if (typeof a === 'number' && b instanceof Tensor) return affine(b, a, 0);
  return binaryOp(BinaryOp.Mul, 'mul', asTensor(a, 'mul', 'a'), asTensor(b, 'mul', 'b'));
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(BinaryOp.Div, 'div', asTensor(a, 'div', 'a'), asTensor(b, 'div', 'b'));
}

/** cond ≠ 0 ? a : b, all three broadcast together. cond gets no gradient. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor(cond, 'where', 'cond');
  const A = asTensor(a, 'where', 'a');
  const B = asTensor(b, 'where', 'b');
  const shape = broadcastShapes(broadcastShapes(cond.shape, A.shape, 'where'), B.shape, 'where');
  checkKernelRank(shape.length, 'where');
  const out = uninitialised(sizeOf(shape));
  backend().where(
    cond.data, broadcastStrides(cond.shape, shape), A.data, broadcastStrides(A.shape, shape),
    B.data, broadcastStrides(B.shape, shape), out, Int32Array.from(shape),
  );
  return record(new Tensor(out, shape), 'where', [A, B], (g) => [
    A.requiresGrad ? sumTo(where(cond, g, 0), A.shape) : null,
    B.requiresGrad ? sumTo(where(cond, 0, g), B.shape) : null,
  ]);
}

/** x with `value` wherever mask ≠ 0 (mask broadcasts to x). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return where(mask, value, x);
}
