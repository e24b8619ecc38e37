/**
 * `Module`: the one way the library holds parameters. Parameters, buffers and sub-modules are
 * discovered from the module's own fields in the order they were assigned (stable), and named
 * with dotted PyTorch-style paths (`blocks.0.attn.q_proj.weight`), so state dicts and
 * safetensors files line up with PyTorch's.
 */
import { ArgumentError, StateDictError, fmtShape } from '../errors.ts';
import { sameShape } from '../tensor/shape.ts';
import { Tensor } from '../tensor/tensor.ts';

/** A trainable tensor owned by a module (requiresGrad is on). */
export class Parameter extends Tensor {
  constructor(data: Float32Array, shape: readonly number[]) {
    super(data, shape, true);
  }

  static from(t: Tensor): Parameter {
    return new Parameter(t.data, t.shape);
  }
}

/** A non-trainable tensor that belongs in the state dict (masks, running statistics). */
export class Buffer extends Tensor {
  constructor(data: Float32Array, shape: readonly number[]) {
    super(data, shape, false);
  }

  static from(t: Tensor): Buffer {
    return new Buffer(t.data, t.shape);
  }
}

export interface LoadReport {
  missing: string[];
  unexpected: string[];
  mismatched: Array<{ name: string; expected: readonly number[]; got: readonly number[] }>;
}

function holdsModel(v: unknown): boolean {
  return v instanceof Module || v instanceof Tensor;
}

/** Refuse containers the discovery does not walk, when they hold modules or tensors. */
function checkContainer(owner: Module, key: string, value: unknown): void {
  if (value === null || typeof value !== 'object' || value instanceof Tensor || ArrayBuffer.isView(value)) return;
  let inside = false;
  if (value instanceof Map) inside = [...value.values()].some(holdsModel);
  else if (value instanceof Set) inside = [...value].some(holdsModel);
  else if (Object.getPrototypeOf(value) === Object.prototype) inside = Object.values(value).some(holdsModel);
  if (inside) {
    throw new ArgumentError(`${owner.constructor.name}.${key}: modules and parameters inside a ${(value as object).constructor?.name ?? 'object'} are not discovered; use a field or an array (ModuleList-style) instead`);
  }
}

export abstract class Module {
  /** Training mode (dropout active). Set with train() / eval(). */
  training = true;

  abstract forward(...inputs: never[]): unknown;

  /**
   * Direct children: fields holding a Module, or arrays of Modules (named by index; null
   * entries are skipped). Other containers (Map, Set, plain objects) holding modules or
   * parameters are refused rather than silently missed.
   */
  *namedChildren(): Generator<[string, Module]> {
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) yield [key, value];
      else if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (value[i] instanceof Module) yield [`${key}.${i}`, value[i] as Module];
      } else checkContainer(this, key, value);
    }
  }

  /** Every module below and including this one, each once, with its dotted prefix. */
  *namedModules(prefix = '', seen: Set<Module> = new Set()): Generator<[string, Module]> {
    // A module reached twice (shared, or a back-reference to a parent) is listed once.
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [name, child] of this.namedChildren()) yield* child.namedModules(prefix ? `${prefix}.${name}` : name, seen);
  }

  /** Own fields of one kind (Parameter or Buffer), also inside arrays (named by index). */
  private *ownTensors<T extends Tensor>(kind: new (...a: never[]) => T): Generator<[string, T]> {
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof kind) yield [key, value];
      else if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (value[i] instanceof kind) yield [`${key}.${i}`, value[i] as T];
      }
    }
  }

  /** Tensors of one kind in every module, by dotted name; one shared by two modules is listed once. */
  private *namedOfKind<T extends Tensor>(kind: new (...a: never[]) => T): Generator<[string, T]> {
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [key, t] of m.ownTensors(kind)) {
        if (seen.has(t)) continue;
        seen.add(t);
        yield [prefix ? `${prefix}.${key}` : key, t];
      }
    }
  }

  *namedParameters(): Generator<[string, Parameter]> {
    yield* this.namedOfKind(Parameter);
  }

  parameters(): Parameter[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  *namedBuffers(): Generator<[string, Buffer]> {
    yield* this.namedOfKind(Buffer);
  }

  /** Total number of parameter values (shared parameters counted once). */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Parameters and buffers by dotted name, sharing data with the module (not copies). */
  stateDict(): Record<string, Tensor> {
    const sd: Record<string, Tensor> = {};
    for (const [name, p] of this.namedParameters()) sd[name] = p;
    for (const [name, b] of this.namedBuffers()) sd[name] = b;
    return sd;
  }

  /**
   * Copy values from a state dict into this module's parameters and buffers (in place, so
   * optimisers keep their references). Strict (default): any missing, unexpected or misshapen
   * entry is a StateDictError listing all of them, and nothing is copied. Non-strict: matching
   * entries are copied and the rest reported.
   */
  loadStateDict(sd: Record<string, Tensor>, options: { strict?: boolean } = {}): LoadReport {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const report: LoadReport = { missing: [], unexpected: [], mismatched: [] };
    for (const name of Object.keys(own)) if (!(name in sd)) report.missing.push(name);
    for (const name of Object.keys(sd)) {
      if (!(name in own)) report.unexpected.push(name);
      else if (!(sd[name] instanceof Tensor)) throw new ArgumentError(`loadStateDict: entry '${name}' is not a Tensor`);
      else if (!sameShape(own[name].shape, sd[name].shape)) {
        report.mismatched.push({ name, expected: own[name].shape, got: sd[name].shape });
      }
    }
    const bad = report.missing.length + report.unexpected.length + report.mismatched.length;
    if (strict && bad > 0) {
      const parts = [
        report.missing.length ? `missing: ${report.missing.join(', ')}` : '',
        report.unexpected.length ? `unexpected: ${report.unexpected.join(', ')}` : '',
        report.mismatched.length
          ? `wrong shape: ${report.mismatched.map((m) => `${m.name} (expected ${fmtShape(m.expected)}, got ${fmtShape(m.got)})`).join(', ')}`
          : '',
      ].filter(Boolean);
      throw new StateDictError(`loadStateDict: state dict does not match ${this.constructor.name}: ${parts.join('; ')}`, report.missing, report.unexpected, report.mismatched);
    }
    const skip = new Set(report.mismatched.map((m) => m.name));
    for (const [name, t] of Object.entries(own)) {
      if (name in sd && !skip.has(name)) t.data.set(sd[name].data);
    }
    return report;
  }

  toString(): string {
    const lines = [`${this.constructor.name}(${this.describe()})`];
    for (const [name, child] of this.namedChildren()) {
      lines.push(`  (${name}): ${child.toString().split('\n').join('\n  ')}`);
    }
    return lines.join('\n');
  }

  /** A short description of this module's own settings, for toString(). */
  protected describe(): string {
    return '';
  }
}
