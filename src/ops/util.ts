/** Small helpers shared by the ops. */
import { DTypeError } from '../errors.ts';
import { Tensor } from '../tensor/tensor.ts';

export type TensorLike = Tensor | number;

export function asTensor(x: TensorLike, op: string, arg: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return new Tensor(new Float32Array([x]), []);
  throw new DTypeError(`${op}: ${arg} must be a Tensor or a number, got ${(x as object)?.constructor?.name ?? typeof x}`);
}

export function checkTensor(x: unknown, op: string, arg: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new DTypeError(`${op}: ${arg} must be a Tensor, got ${(x as object)?.constructor?.name ?? typeof x}`);
  }
}
