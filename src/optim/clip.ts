/** Gradient clipping by global norm. */
import { ArgumentError } from '../errors.ts';
import type { Tensor } from '../tensor/tensor.ts';

/**
 * Scale all gradients together so their global L2 norm is at most maxNorm. Returns the norm
 * before clipping (Infinity or NaN if a gradient is not finite; then nothing is scaled).
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new ArgumentError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const grads = [...params].filter((p) => p.grad).map((p) => p.grad!.data);
  let sq = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  const norm = Math.sqrt(sq);
  if (!Number.isFinite(norm)) return norm;
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= scale;
  return norm;
}
