/**
 * The training loop every recipe uses: epochs or a step budget, optional gradient clipping and
 * schedule, evaluation every N steps, metrics emitted as plain objects, early stopping on a
 * validation metric (optionally restoring the best weights). It draws no random numbers
 * itself: given deterministic batches, a run is deterministic.
 */
import { ArgumentError } from '../errors.ts';
import type { Module } from '../nn/module.ts';
import { clipGradNorm } from '../optim/clip.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import type { LRScheduler } from '../optim/schedule.ts';
import { noGrad } from '../tensor/autograd.ts';
import type { Tensor } from '../tensor/tensor.ts';

export interface StepResult {
  /** The scalar loss to minimise. */
  loss: Tensor;
  /** Examples in the batch (for throughput); default 1. */
  examples?: number;
}

export interface TrainMetrics {
  kind: 'train';
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  /** Norm of the gradients before clipping, when clipping is on. */
  gradNorm?: number;
  examplesPerSecond: number;
}

export interface EvalMetrics {
  kind: 'eval';
  step: number;
  /** 0-based index of the epoch in progress (or just finished, for end-of-epoch evaluation). */
  epoch: number;
  [metric: string]: number | string;
}

export type Metrics = TrainMetrics | EvalMetrics;

export interface FitOptions<B> {
  model: Module;
  optimizer: Optimizer<{ lr: number }>;
  scheduler?: LRScheduler;
  /** The batches of one epoch, in order. */
  batches: (epoch: number) => Iterable<B>;
  /** Forward one batch and return its loss; called in training mode. */
  step: (batch: B) => StepResult;
  /** Stop after this many epochs … */
  epochs?: number;
  /** … or after this many steps (whichever comes first when both are given). */
  maxSteps?: number;
  /** Validation metrics, computed in eval mode without gradients. */
  evaluate?: () => Record<string, number>;
  /** Evaluate every N steps (default: at the end of every epoch). */
  evalEvery?: number;
  /** Emit a train metric every N steps (default 1). */
  logEvery?: number;
  clipNorm?: number;
  earlyStopping?: { metric: string; mode: 'min' | 'max'; patience: number; minDelta?: number; restoreBest?: boolean };
  onMetrics?: (m: Metrics) => void;
}

export interface FitResult {
  steps: number;
  epochs: number;
  history: Metrics[];
  stoppedEarly: boolean;
  best: { step: number; value: number } | null;
}

export function fit<B>(o: FitOptions<B>): FitResult {
  if (o.epochs === undefined && o.maxSteps === undefined) throw new ArgumentError('fit: give epochs or maxSteps');
  for (const [k, v] of [['epochs', o.epochs], ['maxSteps', o.maxSteps], ['evalEvery', o.evalEvery], ['logEvery', o.logEvery]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new ArgumentError(`fit: ${k} must be a positive integer, got ${v}`);
  }
  const es = o.earlyStopping;
  if (es && !o.evaluate) throw new ArgumentError('fit: earlyStopping needs evaluate');
  if (es && !(Number.isInteger(es.patience) && es.patience >= 0)) throw new ArgumentError(`fit: earlyStopping.patience must be a non-negative integer, got ${es.patience}`);

  const history: Metrics[] = [];
  const emit = (m: Metrics) => {
    history.push(m);
    o.onMetrics?.(m);
  };
  // Clip and measure what the optimiser trains; zero every model gradient so frozen parameters
  // do not accumulate across steps.
  const params = o.optimizer.groups.flatMap((g) => g.params);
  // Early stopping's best weights: every parameter and buffer of the model.
  const modelParams = Object.values(o.model.stateDict());
  const logEvery = o.logEvery ?? 1;
  let step = 0;
  let epoch = 0;
  let best: FitResult['best'] = null;
  let bestWeights: Float32Array[] | null = null;
  let sinceBest = 0;
  let stop = false;
  let stoppedEarly = false;

  const runEval = () => {
    if (!o.evaluate) return;
    o.model.eval();
    const m = noGrad(() => o.evaluate!());
    o.model.train();
    emit({ kind: 'eval', step, epoch, ...m });
    if (!es) return;
    const v = m[es.metric];
    if (typeof v !== 'number') throw new ArgumentError(`fit: evaluate() returned no metric '${es.metric}' for early stopping`);
    const delta = es.minDelta ?? 0;
    // A NaN metric never counts as an improvement (and never becomes the best).
    const better = !Number.isNaN(v) && (best === null || (es.mode === 'min' ? v < best.value - delta : v > best.value + delta));
    if (better) {
      best = { step, value: v };
      sinceBest = 0;
      if (es.restoreBest) bestWeights = modelParams.map((p) => p.data.slice());
    } else if (++sinceBest > es.patience) {
      stop = true;
      stoppedEarly = true;
    }
  };

  o.model.train();
  while (!stop && (o.epochs === undefined || epoch < o.epochs)) {
    let t0 = performance.now();
    let examples = 0;
    for (const batch of o.batches(epoch)) {
      o.optimizer.zeroGrad();
      o.model.zeroGrad();
      const r = o.step(batch);
      r.loss.backward();
      const gradNorm = o.clipNorm !== undefined ? clipGradNorm(params, o.clipNorm) : undefined;
      const lr = o.optimizer.groups[0].options.lr;
      o.optimizer.step();
      o.scheduler?.step();
      step++;
      examples += r.examples ?? 1;
      if (step % logEvery === 0) {
        const now = performance.now();
        emit({ kind: 'train', step, epoch, loss: r.loss.item(), lr, ...(gradNorm !== undefined ? { gradNorm } : {}), examplesPerSecond: (examples * 1000) / Math.max(1e-9, now - t0) });
        t0 = now;
        examples = 0;
      }
      if (o.evalEvery && step % o.evalEvery === 0) runEval();
      if (stop || (o.maxSteps !== undefined && step >= o.maxSteps)) {
        stop = true;
        break;
      }
    }
    // End-of-epoch evaluation reports the index of the epoch just finished.
    if (!o.evalEvery && !stoppedEarly) runEval();
    epoch++;
  }
  if (es?.restoreBest && bestWeights) {
    const w = bestWeights as Float32Array[];
    modelParams.forEach((p, i) => p.data.set(w[i]));
  }
  return { steps: step, epochs: epoch, history, stoppedEarly, best };
}
