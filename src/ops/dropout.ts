/** Dropout with a seeded mask. */
import { ArgumentError } from '../errors.ts';
import { defaultGenerator, type Generator } from '../tensor/random.ts';
import { Tensor } from '../tensor/tensor.ts';
import { mul } from './elementwise.ts';
import { checkTensor } from './util.ts';

export interface DropoutOptions {
  /** When false (evaluation), dropout is the identity. Default true. */
  training?: boolean;
  generator?: Generator;
}

/** Zero each element with probability p and scale the rest by 1/(1−p). */
export function dropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  checkTensor(x, 'dropout', 'x');
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`dropout: p must be in [0, 1], got ${p}`);
  if (options.training === false || p === 0) return x;
  const g = options.generator ?? defaultGenerator;
  const keep = 1 - p;
  const scale = keep === 0 ? 0 : 1 / keep;
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = g.uniform() < keep ? scale : 0;
  return mul(x, new Tensor(mask, x.shape));
}
