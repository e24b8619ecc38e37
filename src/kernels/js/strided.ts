/**
 * Visit every index of `shape` in row-major order, passing the flat offset of that index in
 * each of the given stride vectors (plus the starting offsets).
 */
export function forEachStrided(
  shape: Int32Array,
  strides: Int32Array[],
  visit: (...offsets: number[]) => void,
  starts: number[] = strides.map(() => 0),
): void {
  const rank = shape.length;
  for (let d = 0; d < rank; d++) if (shape[d] === 0) return;
  const idx = new Array<number>(rank).fill(0);
  const off = starts.slice();
  const k = strides.length;
  for (;;) {
    visit(...off);
    // Odometer increment from the last axis.
    let d = rank - 1;
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

export function stridedCopy(
  src: Float32Array, srcOffset: number, srcStrides: Int32Array,
  dst: Float32Array, dstOffset: number, dstStrides: Int32Array, shape: Int32Array,
): void {
  forEachStrided(shape, [srcStrides, dstStrides], (is, id) => {
    dst[id] = src[is];
  }, [srcOffset, dstOffset]);
}
