/** Metrics and batching helpers shared by every training recipe. */
import { ArgumentError, ShapeError, fmtShape } from '../errors.ts';
import type { Generator } from '../tensor/random.ts';
import type { Tensor } from '../tensor/tensor.ts';

/** Number of rows of logits [n, classes] whose arg-max equals the target (ignoreIndex skipped). */
export function countCorrect(logits: Tensor, targets: ArrayLike<number>, ignoreIndex = -100): { correct: number; total: number } {
  if (logits.rank !== 2 || logits.shape[0] !== targets.length) {
    throw new ShapeError(`countCorrect: logits must be [${targets.length}, classes], got ${fmtShape(logits.shape)}`);
  }
  const c = logits.shape[1];
  let correct = 0;
  let total = 0;
  for (let i = 0; i < targets.length; i++) {
    if (targets[i] === ignoreIndex) continue;
    let best = 0;
    for (let j = 1; j < c; j++) if (logits.data[i * c + j] > logits.data[i * c + best]) best = j;
    total++;
    if (best === targets[i]) correct++;
  }
  return { correct, total };
}

/** Index batches over n examples: shuffled by `generator` when given, else in order. */
export function batchIndices(n: number, batchSize: number, generator?: Generator, dropLast = false): Int32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(`batchIndices: batchSize must be a positive integer, got ${batchSize}`);
  const order = generator ? generator.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const out: Int32Array[] = [];
  for (let s = 0; s < n; s += batchSize) {
    if (dropLast && s + batchSize > n) break;
    out.push(order.subarray(s, Math.min(n, s + batchSize)));
  }
  return out;
}
