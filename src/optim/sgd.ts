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

  protected stateNames(o: SGDOptions): readonly string[] {
    return o.momentum !== 0 ? ['momentum_buffer'] : [];
  }

  protected update(p: Tensor, grad: Float32Array, o: SGDOptions): void {
    const x = p.data;
    const n = p.size;
    // As in PyTorch, a new momentum buffer starts as the gradient itself (no dampening).
    const fresh = o.momentum !== 0 && !this.state.get(p)?.momentum_buffer;
    if (fresh) this.state.delete(p);
    const buf = o.momentum !== 0 ? this.stateOf(p, ['momentum_buffer']).momentum_buffer : null;
    for (let i = 0; i < n; i++) {
      let d = grad[i];
      if (o.weightDecay !== 0) d += o.weightDecay * x[i];
      if (buf) {
        buf[i] = fresh ? d : o.momentum * buf[i] + (1 - o.dampening) * d;
        d = o.nesterov ? d + o.momentum * buf[i] : buf[i];
      }
      x[i] -= o.lr * d;
    }
  }
}
