/**
 * Learning-rate schedules as plain functions from step (0, 1, 2, …) to a factor of each group's
 * base rate, composable with `chain` (multiply) and `sequence` (one after another), and an
 * `LRScheduler` that applies one to an optimiser.
 */
import { ArgumentError } from '../errors.ts';
import type { Optimizer } from './optimizer.ts';

export type Schedule = (step: number) => number;

function check(cond: boolean, msg: string): void {
  if (!cond) throw new ArgumentError(msg);
}

export const constant = (factor = 1): Schedule => () => factor;

/** Linear from `start` (default 0) to 1 over `steps` steps, then 1: factor(steps) = 1. */
export function linearWarmup(steps: number, start = 0): Schedule {
  check(Number.isInteger(steps) && steps >= 0, `linearWarmup: steps must be a non-negative integer, got ${steps}`);
  return (t) => (steps === 0 || t >= steps ? 1 : start + ((1 - start) * t) / steps);
}

/** Half a cosine from 1 at step 0 to `minFactor` at `steps`, then minFactor. */
export function cosine(steps: number, minFactor = 0): Schedule {
  check(Number.isInteger(steps) && steps > 0, `cosine: steps must be a positive integer, got ${steps}`);
  return (t) => (t >= steps ? minFactor : minFactor + ((1 - minFactor) * (1 + Math.cos((Math.PI * t) / steps))) / 2);
}

/** Multiply by `gamma` every `every` steps. */
export function stepDecay(every: number, gamma = 0.1): Schedule {
  check(Number.isInteger(every) && every > 0, `stepDecay: every must be a positive integer, got ${every}`);
  return (t) => gamma ** Math.floor(t / every);
}

/** Linear from 1 at step 0 to `end` at `steps`, then `end`. */
export function linearDecay(steps: number, end = 0): Schedule {
  check(Number.isInteger(steps) && steps > 0, `linearDecay: steps must be a positive integer, got ${steps}`);
  return (t) => (t >= steps ? end : 1 + ((end - 1) * t) / steps);
}

/** The product of several schedules at each step. */
export const chain = (...schedules: Schedule[]): Schedule => (t) => schedules.reduce((f, s) => f * s(t), 1);

/**
 * Schedules one after another: `sequence([linearWarmup(100), 100], [cosine(900), 900])` warms
 * up for 100 steps, then each later schedule sees steps counted from its own start.
 */
export function sequence(...parts: Array<[Schedule, number]>): Schedule {
  check(parts.length > 0, 'sequence: needs at least one schedule');
  parts.forEach(([, n], i) => check(Number.isInteger(n) && n > 0, `sequence: part ${i} length must be a positive integer, got ${n}`));
  return (t) => {
    let start = 0;
    for (let i = 0; i < parts.length; i++) {
      const [s, n] = parts[i];
      if (t < start + n || i === parts.length - 1) return s(t - start);
      start += n;
    }
    return 1;
  };
}

/** Sets each group's lr to baseLr · schedule(step); call step() after each optimiser step. */
export class LRScheduler {
  private readonly baseLrs: number[];
  private t = 0;

  constructor(private readonly optimizer: Optimizer<{ lr: number }>, private readonly schedule: Schedule) {
    this.baseLrs = optimizer.groups.map((g) => g.options.lr);
    this.apply();
  }

  private apply(): void {
    const f = this.schedule(this.t);
    if (!Number.isFinite(f)) throw new ArgumentError(`LRScheduler: schedule gave ${f} at step ${this.t}`);
    this.optimizer.groups.forEach((g, i) => (g.options.lr = this.baseLrs[i] * f));
  }

  step(): void {
    this.t++;
    this.apply();
  }

  get stepCount(): number {
    return this.t;
  }

  stateDict(): { step: number; baseLrs: number[] } {
    return { step: this.t, baseLrs: [...this.baseLrs] };
  }

  loadStateDict(s: { step: number; baseLrs: number[] }): void {
    check(Number.isInteger(s.step) && s.step >= 0 && s.baseLrs.length === this.baseLrs.length, 'LRScheduler.loadStateDict: state does not match this optimiser');
    this.t = s.step;
    s.baseLrs.forEach((v, i) => (this.baseLrs[i] = v));
    this.apply();
  }
}
