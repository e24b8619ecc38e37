/** Reference fused cross-entropy over integer targets. */
export function crossEntropy(
  logits: Float32Array, targets: Int32Array, rows: number, cols: number, ignoreIndex: number,
  loss: Float32Array, lse: Float32Array,
): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (logits[o + j] > max) max = logits[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(logits[o + j] - max);
    const l = max + Math.log(sum);
    lse[i] = l;
    const t = targets[i];
    loss[i] = t === ignoreIndex ? 0 : l - logits[o + t];
  }
}

export function crossEntropyBackward(
  logits: Float32Array, targets: Int32Array, lse: Float32Array, scale: Float32Array,
  rows: number, cols: number, ignoreIndex: number, dlogits: Float32Array,
): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    const t = targets[i];
    if (t === ignoreIndex) {
      dlogits.fill(0, o, o + cols);
      continue;
    }
    const s = scale[i];
    for (let j = 0; j < cols; j++) {
      dlogits[o + j] = s * (Math.exp(logits[o + j] - lse[i]) - (j === t ? 1 : 0));
    }
  }
}
