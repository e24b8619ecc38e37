/** Stochastic gradient descent with momentum, Nesterov momentum and weight decay (PyTorch's rules). */
import { ArgumentError } from '../errors.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { Optimizer, checkNonNegative, type ParamsInput } from './optimizer.ts';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    super(params, { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, ...options }, 'SGD');
  }

  protected validate(o: SGDOptions, g: number): void {
    checkNonNegative(o.lr, 'lr', 'SGD', g);
    checkNonNegative(o.momentum, 'momentum', 'SGD', g);
    checkNonNegative(o.weightDecay, 'weightDecay', 'SGD', g);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ArgumentError(`SGD: Nesterov momentum needs momentum > 0 and dampening 0 (group ${g})`);
    }
  }

  protected update(p: Tensor, grad: Float32Array, o: SGDOptions, step: number): void {
    const x = p.data;
    const n = p.size;
    const buf = o.momentum !== 0 ? this.stateOf(p, ['momentum_buffer']).momentum_buffer : null;
    for (let i = 0; i < n; i++) {
      let d = grad[i];
      if (o.weightDecay !== 0) d += o.weightDecay * x[i];
      if (buf) {
        // The first step seeds the buffer with the gradient itself (no dampening).
        buf[i] = step === 1 ? d : o.momentum * buf[i] + (1 - o.dampening) * d;
        d = o.nesterov ? d + o.momentum * buf[i] : buf[i];
      }
      x[i] -= o.lr * d;
    }
  }
}
