/** Layer normalisation over the last axis. */
import { ArgumentError, ShapeError, fmtShape } from '../errors.ts';
import { backend } from '../kernels/select.ts';
import { record } from '../tensor/autograd.ts';
import { uninitialised } from '../tensor/alloc.ts';
import { Tensor } from '../tensor/tensor.ts';
import { checkTensor } from './util.ts';

/**
 * (x − mean) / sqrt(var + eps) · weight + bias over the last axis, with the biased variance as
 * in PyTorch. weight and bias are optional, each of shape [lastAxisSize].
 */
export function layerNorm(x: Tensor, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  checkTensor(x, 'layerNorm', 'x');
  if (x.rank === 0) throw new ShapeError('layerNorm: x must have at least one axis, got a scalar');
  const cols = x.shape[x.rank - 1];
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p === null) continue;
    checkTensor(p, 'layerNorm', name);
    if (p.rank !== 1 || p.shape[0] !== cols) {
      throw new ShapeError(`layerNorm: ${name} must have shape [${cols}] to match x ${fmtShape(x.shape)}, got ${fmtShape(p.shape)}`);
    }
  }
  if (!(eps >= 0)) throw new ArgumentError(`layerNorm: eps must be >= 0, got ${eps}`);
  const rows = cols === 0 ? 0 : x.size / cols;
  const y = uninitialised(x.size);
  const mean = new Float32Array(rows);
  const rstd = new Float32Array(rows);
  backend().layerNorm(x.data, weight?.data ?? null, bias?.data ?? null, y, mean, rstd, rows, cols, eps);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(new Tensor(y, x.shape), 'layerNorm', inputs, (g) => {
    const dx = uninitialised(x.size);
    const dw = weight?.requiresGrad ? new Float32Array(cols) : null;
    const db = bias?.requiresGrad ? new Float32Array(cols) : null;
    backend().layerNormBackward(x.data, weight?.data ?? null, g.data, mean, rstd, dx, dw, db, rows, cols);
    const grads: Array<Tensor | null> = [new Tensor(dx, x.shape)];
    if (weight) grads.push(dw ? new Tensor(dw, weight.shape) : null);
    if (bias) grads.push(db ? new Tensor(db, bias.shape) : null);
    return grads;
  });
}
