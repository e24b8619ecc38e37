/** Softmax and log-softmax over the last axis. */
import { ArgumentError } from '../errors.ts';
import { backend } from '../kernels/select.ts';
import { record } from '../tensor/autograd.ts';
import { normAxis } from '../tensor/shape.ts';
import { uninitialised } from '../tensor/alloc.ts';
import { Tensor } from '../tensor/tensor.ts';
import { checkTensor } from './util.ts';

function softmaxOp(x: Tensor, axis: number, log: boolean): Tensor {
  const name = log ? 'logSoftmax' : 'softmax';
  checkTensor(x, name, 'x');
  if (x.rank === 0) throw new ArgumentError(`${name}: needs at least one axis, got a scalar`);
  if (normAxis(axis, x.rank, name) !== x.rank - 1) {
    throw new ArgumentError(`${name}: only the last axis is supported (got axis ${axis} of rank ${x.rank}); transpose first`);
  }
  const cols = x.shape[x.rank - 1];
  const rows = cols === 0 ? 0 : x.size / cols;
  const out = uninitialised(x.size);
  backend().softmax(x.data, out, rows, cols, log);
  const y = new Tensor(out, x.shape);
  return record(y, name, [x], (g) => {
    const dx = uninitialised(x.size);
    backend().softmaxBackward(y.data, g.data, dx, rows, cols, log);
    return [new Tensor(dx, x.shape)];
  });
}

export const softmax = (x: Tensor, axis = -1): Tensor => softmaxOp(x, axis, false);
export const logSoftmax = (x: Tensor, axis = -1): Tensor => softmaxOp(x, axis, true);
