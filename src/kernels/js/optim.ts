/** Reference optimiser update: one Adam / AdamW step in place. */
export function adamStep(
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number,
  lr: number, beta1: number, beta2: number, eps: number, weightDecay: number,
  bc1: number, bc2: number, decoupled: boolean,
): void {
  const stepSize = lr / bc1;
  const sqrtBc2 = Math.sqrt(bc2);
  for (let i = 0; i < n; i++) {
    let gi = g[i];
    if (decoupled) p[i] *= 1 - lr * weightDecay;
    else if (weightDecay !== 0) gi += weightDecay * p[i];
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtBc2 + eps);
  }
}
