/** Losses: cross-entropy over integer targets, mean-squared error. */
import { ArgumentError, IndexError, ShapeError, fmtShape } from '../errors.ts';
import { backend } from '../kernels/select.ts';
import { record } from '../tensor/autograd.ts';
import { sameShape } from '../tensor/shape.ts';
import { Tensor } from '../tensor/tensor.ts';
import { mul, sub } from './elementwise.ts';
import { asInt32, type Indices } from './indexing.ts';
import { mean, sum } from './reduce.ts';
import { checkTensor } from './util.ts';

export type Reduction = 'mean' | 'sum' | 'none';

export interface CrossEntropyOptions {
  /** Targets equal to this are skipped (no loss, no gradient). Default −100, as in PyTorch. */
  ignoreIndex?: number;
  /** 'mean' averages over the targets that are not ignored (NaN if all are), as in PyTorch. */
  reduction?: Reduction;
}

function checkReduction(r: string, op: string): void {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new ArgumentError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${r}'`);
}

/**
 * Cross-entropy between logits [..., C] and integer class targets (one per row of logits).
 * Fused log-softmax + negative log-likelihood: stable for large logits.
 */
export function crossEntropy(logits: Tensor, targets: Indices, options: CrossEntropyOptions = {}): Tensor {
  checkTensor(logits, 'crossEntropy', 'logits');
  const ignore = options.ignoreIndex ?? -100;
  if (!Number.isInteger(ignore) || ignore !== (ignore | 0)) {
    throw new ArgumentError(`crossEntropy: ignoreIndex must be a 32-bit integer, got ${ignore}`);
  }
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction, 'crossEntropy');
  if (logits.rank < 1) throw new ShapeError('crossEntropy: logits must have a class axis, got a scalar');
  const cols = logits.shape[logits.rank - 1];
  const rows = cols === 0 ? 0 : logits.size / cols;
  // A private copy: the backward must see the targets as they were at the forward.
  const t = asInt32(targets, 'crossEntropy', 'targets').slice();
  if (t.length !== rows) {
    throw new ShapeError(`crossEntropy: logits ${fmtShape(logits.shape)} have ${rows} rows but ${t.length} targets were given`);
  }
  let count = 0;
  for (let i = 0; i < rows; i++) {
    if (t[i] === ignore) continue;
    if (t[i] < 0 || t[i] >= cols) throw new IndexError(`crossEntropy: targets[${i}] = ${t[i]} is out of range [0, ${cols}) (ignoreIndex is ${ignore})`);
    count++;
  }
  const loss = new Float32Array(rows);
  const lse = new Float32Array(rows);
  backend().crossEntropy(logits.data, t, rows, cols, ignore, loss, lse);
  const rowShape = logits.shape.slice(0, -1);

  let value: Tensor;
  if (reduction === 'none') value = new Tensor(loss, rowShape);
  else {
    let s = 0;
    for (let i = 0; i < rows; i++) s += loss[i];
    value = new Tensor(new Float32Array([reduction === 'sum' ? s : s / count]), []);
  }
  return record(value, 'crossEntropy', [logits], (g) => {
    const scale = new Float32Array(rows);
    for (let i = 0; i < rows; i++) scale[i] = reduction === 'none' ? g.data[i] : reduction === 'sum' ? g.data[0] : g.data[0] / count;
    const d = new Float32Array(logits.size);
    backend().crossEntropyBackward(logits.data, t, lse, scale, rows, cols, ignore, d);
    return [new Tensor(d, logits.shape)];
  });
}

/** Mean-squared error between two tensors of the same shape. */
export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkTensor(input, 'mseLoss', 'input');
  checkTensor(target, 'mseLoss', 'target');
  checkReduction(reduction, 'mseLoss');
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(`mseLoss: input is ${fmtShape(input.shape)} but target is ${fmtShape(target.shape)}`);
  }
  const d = sub(input, target);
  const sq = mul(d, d);
  return reduction === 'none' ? sq : reduction === 'sum' ? sum(sq) : mean(sq);
}
