/**
 * The optimiser base: parameter groups with their own options (e.g. no weight decay on biases
 * and norms), per-parameter state, and a state dict that survives a save and load.
 */
import { ArgumentError } from '../errors.ts';
import type { Tensor } from '../tensor/tensor.ts';

export interface ParamGroup<O> {
  params: Tensor[];
  options: O;
}

/** Parameters as a flat list, or as groups each overriding some options. */
export type ParamsInput<O> = Iterable<Tensor> | ReadonlyArray<{ params: Iterable<Tensor> } & Partial<O>>;

export interface OptimizerState {
  /** Per parameter (in group order), named state arrays. */
  state: Array<Record<string, number[] | number> | null>;
  groups: Array<Record<string, unknown>>;
}

export abstract class Optimizer<O extends { lr: number }> {
  readonly groups: Array<ParamGroup<O>>;
  /** Named Float32Array state per parameter, created on its first step. */
  protected readonly state = new Map<Tensor, Record<string, Float32Array>>();
  /** Steps taken per parameter. */
  protected readonly steps = new Map<Tensor, number>();

  constructor(params: ParamsInput<O>, defaults: O, readonly name: string) {
    const list = [...(params as Iterable<unknown>)];
    const isGroups = list.length > 0 && list.every((x) => typeof x === 'object' && x !== null && 'params' in (x as object));
    const raw = isGroups
      ? (list as Array<{ params: Iterable<Tensor> } & Partial<O>>)
      : [{ params: list as Tensor[] } as unknown as { params: Iterable<Tensor> } & Partial<O>];
    const seen = new Set<Tensor>();
    this.groups = raw.map((g, gi) => {
      const { params: ps, ...over } = g;
      const params = [...ps];
      for (const p of params) {
        if (!p.requiresGrad) throw new ArgumentError(`${name}: a parameter in group ${gi} does not require gradients`);
        if (seen.has(p)) throw new ArgumentError(`${name}: a parameter appears in more than one group (group ${gi})`);
        seen.add(p);
      }
      const options = { ...defaults, ...over } as O;
      this.validate(options, gi);
      return { params, options };
    });
    if (seen.size === 0) throw new ArgumentError(`${name}: no parameters to optimise`);
  }

  /** Check one group's options; throw a named error for a bad value. */
  protected abstract validate(options: O, group: number): void;

  /** Names of the state arrays a parameter needs under these options (for loadStateDict). */
  protected abstract stateNames(options: O): readonly string[];

  /** Update one parameter with its gradient. */
  protected abstract update(p: Tensor, grad: Float32Array, options: O, step: number): void;

  /** Apply one update to every parameter that has a gradient. */
  step(): void {
    for (const group of this.groups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        const t = (this.steps.get(p) ?? 0) + 1;
        this.steps.set(p, t);
        this.update(p, p.grad.data, group.options, t);
      }
    }
  }

  zeroGrad(): void {
    for (const g of this.groups) for (const p of g.params) p.zeroGrad();
  }

  protected stateOf(p: Tensor, names: readonly string[]): Record<string, Float32Array> {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      for (const n of names) s[n] = new Float32Array(p.size);
      this.state.set(p, s);
    }
    return s;
  }

  /** All parameters in group order (the index used by the state dict). */
  private ordered(): Tensor[] {
    return this.groups.flatMap((g) => g.params);
  }

  /**
   * The optimiser's state as plain data: per-parameter state arrays and step counts, and each
   * group's options. Its tensors can be written to safetensors with `stateTensors()`.
   */
  stateDict(): OptimizerState {
    return {
      state: this.ordered().map((p) => {
        const s = this.state.get(p);
        if (!s) return null;
        const out: Record<string, number[] | number> = { step: this.steps.get(p) ?? 0 };
        for (const [k, v] of Object.entries(s)) out[k] = Array.from(v);
        return out;
      }),
      groups: this.groups.map((g) => ({ ...g.options })),
    };
  }

  /**
   * Restore a state dict. Everything is checked first (counts, options, each parameter's step
   * and state arrays); on any error nothing changes.
   */
  loadStateDict(sd: OptimizerState): void {
    const ps = this.ordered();
    const fail = (msg: string): never => {
      throw new ArgumentError(`${this.name}.loadStateDict: ${msg}`);
    };
    if (!sd || !Array.isArray(sd.state) || sd.state.length !== ps.length || !Array.isArray(sd.groups) || sd.groups.length !== this.groups.length) {
      fail(`expected state for ${ps.length} parameters in ${this.groups.length} groups`);
    }
    const options = sd.groups.map((o, i) => {
      const merged = { ...this.groups[i].options, ...(o as Partial<O>) };
      this.validate(merged, i);
      return merged;
    });
    const groupOf = this.groups.flatMap((g, gi) => g.params.map(() => gi));
    const state = new Map<Tensor, Record<string, Float32Array>>();
    const steps = new Map<Tensor, number>();
    sd.state.forEach((s, i) => {
      if (!s) return;
      const p = ps[i];
      const step = s.step;
      if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) fail(`parameter ${i} has step ${String(step)}, expected an integer >= 1`);
      const st: Record<string, Float32Array> = {};
      for (const name of this.stateNames(options[groupOf[i]])) {
        const v = s[name];
        if (!Array.isArray(v) || v.length !== p.size) fail(`state '${name}' of parameter ${i} has ${Array.isArray(v) ? v.length : 'no'} values, expected ${p.size}`);
        st[name] = Float32Array.from(v as number[]);
      }
      state.set(p, st);
      steps.set(p, step as number);
    });
    options.forEach((o, i) => (this.groups[i].options = o));
    this.state.clear();
    this.steps.clear();
    for (const [p, st] of state) this.state.set(p, st);
    for (const [p, t] of steps) this.steps.set(p, t);
  }

  /** Current learning rate of each group. */
  get lrs(): number[] {
    return this.groups.map((g) => g.options.lr);
  }
}

export function checkNonNegative(v: number, what: string, opt: string, group: number): void {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
    throw new ArgumentError(`${opt}: ${what} must be a finite number >= 0, got ${v} (group ${group})`);
  }
}
