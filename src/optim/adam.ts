/** Adam (L2 penalty added to the gradient) and AdamW (decoupled weight decay). */
import { ArgumentError } from '../errors.ts';
import { backend } from '../kernels/select.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { Optimizer, checkNonNegative, type ParamsInput } from './optimizer.ts';

export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
}

abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected validate(o: AdamOptions, g: number): void {
    checkNonNegative(o.lr, 'lr', this.name, g);
    checkNonNegative(o.eps, 'eps', this.name, g);
    checkNonNegative(o.weightDecay, 'weightDecay', this.name, g);
    const [b1, b2] = o.betas;
    if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) {
      throw new ArgumentError(`${this.name}: betas must be in [0, 1), got [${b1}, ${b2}] (group ${g})`);
    }
  }

  protected stateNames(): readonly string[] {
    return ['exp_avg', 'exp_avg_sq'];
  }

  protected update(p: Tensor, grad: Float32Array, o: AdamOptions, step: number): void {
    const s = this.stateOf(p, ['exp_avg', 'exp_avg_sq']);
    const [b1, b2] = o.betas;
    backend().adamStep(
      p.data, grad, s.exp_avg, s.exp_avg_sq, p.size, o.lr, b1, b2, o.eps, o.weightDecay,
      1 - b1 ** step, 1 - b2 ** step, this.decoupled,
    );
  }
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, ...options }, 'Adam');
  }
}

/** AdamW: decay applied to the weights directly (default 0.01), not through the gradient. */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, ...options }, 'AdamW');
  }
}
