/**
 * Strided iteration for the reference kernels: the last axis is an inner loop the caller
 * writes out, the other axes are walked as an odometer.
 */

/**
 * Call `row(offsets, inner)` once per index of all axes but the last, in row-major order,
 * with the flat offset of that index's first element in each stride vector (plus `starts`).
 * The caller then loops over `inner` elements using the last-axis strides.
 */
export function forEachRow(
  shape: Int32Array,
  strides: Int32Array[],
  row: (offsets: number[], inner: number) => void,
  starts: number[] = strides.map(() => 0),
): void {
  const rank = shape.length;
  for (let d = 0; d < rank; d++) if (shape[d] === 0) return;
  const inner = rank > 0 ? shape[rank - 1] : 1;
  const idx = new Array<number>(Math.max(0, rank - 1)).fill(0);
  const off = starts.slice();
  const k = strides.length;
  for (;;) {
    row(off, inner);
    // Odometer increment over the outer axes, from the last of them.
    let d = rank - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      for (let s = 0; s < k; s++) off[s] += strides[s][d];
      if (idx[d] < shape[d]) break;
      for (let s = 0; s < k; s++) off[s] -= strides[s][d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** The stride of the last axis in each stride vector (0 for rank 0). */
export function lastStrides(shape: Int32Array, strides: Int32Array[]): number[] {
  const r = shape.length;
  return strides.map((s) => (r > 0 ? s[r - 1] : 0));
}

export function stridedCopy(
  src: Float32Array, srcOffset: number, srcStrides: Int32Array,
  dst: Float32Array, dstOffset: number, dstStrides: Int32Array, shape: Int32Array,
): void {
  const [ss, ds] = lastStrides(shape, [srcStrides, dstStrides]);
  forEachRow(shape, [srcStrides, dstStrides], ([is, id], inner) => {
    for (let i = 0; i < inner; i++) dst[id + i * ds] = src[is + i * ss];
  }, [srcOffset, dstOffset]);
}
