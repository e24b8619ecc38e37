/**
 * Named errors for everything a user can cause. Each message says which operation failed,
 * which argument was wrong, what was expected and what came instead.
 */
export class SparseCouplingError extends Error {
  override name = 'SparseCouplingError';
}

/** Shapes that do not fit the operation (`matmul: a is [2,3] but b is [4,5]`). */
export class ShapeError extends SparseCouplingError {
  override name = 'ShapeError';
}

/** A value of the wrong element type (a Float64Array where float32 data was expected). */
export class DTypeError extends SparseCouplingError {
  override name = 'DTypeError';
}

/** An index outside the valid range (embedding ids, targets, axes). */
export class IndexError extends SparseCouplingError {
  override name = 'IndexError';
}

/** Misuse of automatic differentiation (backward twice, backward from a non-scalar). */
export class AutogradError extends SparseCouplingError {
  override name = 'AutogradError';
}

/** A kernel backend that cannot be used (unknown name, native addon not built). */
export class BackendError extends SparseCouplingError {
  override name = 'BackendError';
}

/** A bad argument that is not a shape, type or index problem (negative probability, NaN size). */
export class ArgumentError extends SparseCouplingError {
  override name = 'ArgumentError';
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** A malformed file (safetensors header, data layout); names the file, the tensor and the rule. */
export class FormatError extends SparseCouplingError {
  override name = 'FormatError';
}

/** A state dict that does not fit a module: lists every missing, unexpected and misshapen entry. */
export class StateDictError extends SparseCouplingError {
  override name = 'StateDictError';
  constructor(
    message: string,
    readonly missing: readonly string[],
    readonly unexpected: readonly string[],
    readonly mismatched: ReadonlyArray<{ name: string; expected: readonly number[]; got: readonly number[] }>,
  ) {
    super(message);
  }
}

/** An invalid connection pattern: sizes, index ranges, unsorted or duplicate indices. */
export class TopologyError extends SparseCouplingError {
  override name = 'TopologyError';
}
