/** Reference layer norm over rows (biased variance, as in PyTorch). */
export function layerNorm(
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null,
  y: Float32Array, mean: Float32Array, rstd: Float32Array,
  rows: number, cols: number, eps: number,
): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let m = 0;
    for (let j = 0; j < cols; j++) m += x[o + j];
    m /= cols;
    let v = 0;
    for (let j = 0; j < cols; j++) v += (x[o + j] - m) * (x[o + j] - m);
    v /= cols;
    const r = 1 / Math.sqrt(v + eps);
    mean[i] = m;
    rstd[i] = r;
    for (let j = 0; j < cols; j++) {
      const n = (x[o + j] - m) * r;
      y[o + j] = n * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
    }
  }
}

export function layerNormBackward(
  x: Float32Array, gamma: Float32Array | null, dy: Float32Array,
  mean: Float32Array, rstd: Float32Array, dx: Float32Array,
  dgamma: Float32Array | null, dbeta: Float32Array | null, rows: number, cols: number,
): void {
  if (dgamma) dgamma.fill(0, 0, cols);
  if (dbeta) dbeta.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    const m = mean[i];
    const r = rstd[i];
    // With g = dy·gamma and n the normalised input: dx = r·(g − mean(g) − n·mean(g·n)).
    let sg = 0;
    let sgn = 0;
    for (let j = 0; j < cols; j++) {
      const n = (x[o + j] - m) * r;
      const g = dy[o + j] * (gamma ? gamma[j] : 1);
      sg += g;
      sgn += g * n;
      if (dgamma) dgamma[j] += dy[o + j] * n;
      if (dbeta) dbeta[j] += dy[o + j];
    }
    sg /= cols;
    sgn /= cols;
    for (let j = 0; j < cols; j++) {
      const n = (x[o + j] - m) * r;
      const g = dy[o + j] * (gamma ? gamma[j] : 1);
      dx[o + j] = r * (g - sg - n * sgn);
    }
  }
}
