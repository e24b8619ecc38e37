/** Reference row gather (index_select) and row scatter-add (index_add). */
export function gatherRows(table: Float32Array, idx: Int32Array, n: number, cols: number, out: Float32Array): void {
  for (let i = 0; i < n; i++) {
    const s = idx[i] * cols;
    for (let j = 0; j < cols; j++) out[i * cols + j] = table[s + j];
  }
}

export function scatterAddRows(src: Float32Array, idx: Int32Array, n: number, cols: number, out: Float32Array): void {
  for (let i = 0; i < n; i++) {
    const d = idx[i] * cols;
    for (let j = 0; j < cols; j++) out[d + j] += src[i * cols + j];
  }
}
