/** Reference elementwise kernels: unary functions, broadcast binary ops, where. */
import { BinaryOp, UnaryOp } from '../backend.ts';
import { forEachRow, lastStrides } from './strided.ts';

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * erf with absolute error below 1.2e-7 (Numerical Recipes' erfc Chebyshev fit). The C addon
 * uses the same formula so both backends agree to float32 rounding.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function unaryScalar(op: UnaryOp, x: number, p0: number, p1: number): number {
  switch (op) {
    case UnaryOp.Neg: return -x;
    case UnaryOp.Exp: return Math.exp(x);
    case UnaryOp.Log: return Math.log(x);
    case UnaryOp.Sqrt: return Math.sqrt(x);
    case UnaryOp.Abs: return Math.abs(x);
    case UnaryOp.Relu: return x > 0 ? x : 0;
    case UnaryOp.Gelu: return 0.5 * x * (1 + erf(x * INV_SQRT2));
    case UnaryOp.Silu: return x * sigmoid(x);
    case UnaryOp.Tanh: return Math.tanh(x);
    case UnaryOp.Sigmoid: return sigmoid(x);
    case UnaryOp.Pow: return Math.pow(x, p0);
    case UnaryOp.Clamp: return x < Math.fround(p0) ? Math.fround(p0) : x > Math.fround(p1) ? Math.fround(p1) : x;
    case UnaryOp.Affine: return x * p0 + p1;
  }
}

/** f'(x), given y = f(x). */
export function unaryDerivative(op: UnaryOp, x: number, y: number, p0: number, p1: number): number {
  switch (op) {
    case UnaryOp.Neg: return -1;
    case UnaryOp.Exp: return y;
    case UnaryOp.Log: return 1 / x;
    case UnaryOp.Sqrt: return 0.5 / y;
    case UnaryOp.Abs: return x > 0 ? 1 : x < 0 ? -1 : 0;
    case UnaryOp.Relu: return x > 0 ? 1 : 0;
    case UnaryOp.Gelu:
      return 0.5 * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    case UnaryOp.Silu: {
      const s = sigmoid(x);
      return s * (1 + x * (1 - s));
    }
    case UnaryOp.Tanh: return 1 - y * y;
    case UnaryOp.Sigmoid: return y * (1 - y);
    case UnaryOp.Pow: return p0 === 0 ? 0 : p0 * Math.pow(x, p0 - 1);
    // The gradient passes inside the closed interval, as in PyTorch.
    case UnaryOp.Clamp: return x >= Math.fround(p0) && x <= Math.fround(p1) ? 1 : 0;
    case UnaryOp.Affine: return p0;
  }
}

export function unary(op: UnaryOp, x: Float32Array, out: Float32Array, n: number, p0: number, p1: number): void {
  for (let i = 0; i < n; i++) out[i] = unaryScalar(op, x[i], p0, p1);
}

export function unaryBackward(
  op: UnaryOp, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array,
  n: number, p0: number, p1: number,
): void {
  for (let i = 0; i < n; i++) dx[i] = dy[i] * unaryDerivative(op, x[i], y[i], p0, p1);
}

function binaryScalar(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case BinaryOp.Add: return a + b;
    case BinaryOp.Sub: return a - b;
    case BinaryOp.Mul: return a * b;
    case BinaryOp.Div: return a / b;
  }
}

export function binary(
  op: BinaryOp, a: Float32Array, aStrides: Int32Array, b: Float32Array, bStrides: Int32Array,
  out: Float32Array, shape: Int32Array,
): void {
  const [sa, sb] = lastStrides(shape, [aStrides, bStrides]);
  let o = 0;
  forEachRow(shape, [aStrides, bStrides], ([ia, ib], inner) => {
    for (let i = 0; i < inner; i++) out[o++] = binaryScalar(op, a[ia + i * sa], b[ib + i * sb]);
  });
}

export function where(
  cond: Float32Array, cStrides: Int32Array, a: Float32Array, aStrides: Int32Array,
  b: Float32Array, bStrides: Int32Array, out: Float32Array, shape: Int32Array,
): void {
  const [sc, sa, sb] = lastStrides(shape, [cStrides, aStrides, bStrides]);
  let o = 0;
  forEachRow(shape, [cStrides, aStrides, bStrides], ([ic, ia, ib], inner) => {
    for (let i = 0; i < inner; i++) out[o++] = cond[ic + i * sc] !== 0 ? a[ia + i * sa] : b[ib + i * sb];
  });
}
