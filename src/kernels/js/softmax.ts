/** Reference softmax and log-softmax over rows, stabilised by the row maximum. */
export function softmax(x: Float32Array, out: Float32Array, rows: number, cols: number, log: boolean): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (x[o + j] > max) max = x[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(x[o + j] - max);
    if (log) {
      const lse = max + Math.log(sum);
      for (let j = 0; j < cols; j++) out[o + j] = x[o + j] - lse;
    } else {
      for (let j = 0; j < cols; j++) out[o + j] = Math.exp(x[o + j] - max) / sum;
    }
  }
}

export function softmaxBackward(
  y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number, log: boolean,
): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    if (log) {
      // y = log softmax: dx = dy − softmax · Σ dy
      let s = 0;
      for (let j = 0; j < cols; j++) s += dy[o + j];
      for (let j = 0; j < cols; j++) dx[o + j] = dy[o + j] - Math.exp(y[o + j]) * s;
    } else {
      // y = softmax: dx = y · (dy − Σ y·dy)
      let s = 0;
      for (let j = 0; j < cols; j++) s += y[o + j] * dy[o + j];
      for (let j = 0; j < cols; j++) dx[o + j] = y[o + j] * (dy[o + j] - s);
    }
  }
}
