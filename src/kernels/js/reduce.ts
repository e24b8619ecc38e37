/** Reference reductions over the middle axis of an [outer, r, inner] view. */
import { ReduceOp } from '../backend.ts';

export function reduce(
  op: ReduceOp, x: Float32Array, outer: number, r: number, inner: number,
  out: Float32Array, argmax: Int32Array | null,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * r * inner + i;
      if (op === ReduceOp.Sum) {
        let acc = 0;
        for (let k = 0; k < r; k++) acc += x[base + k * inner];
        out[o * inner + i] = acc;
      } else {
        let best = -Infinity;
        let arg = 0;
        for (let k = 0; k < r; k++) {
          const v = x[base + k * inner];
          // NaN wins, as in PyTorch: a NaN input gives a NaN maximum.
          if (v > best || (v !== v && best === best)) {
            best = v;
            arg = k;
          }
        }
        out[o * inner + i] = best;
        if (argmax) argmax[o * inner + i] = arg;
      }
    }
  }
}

export function reduceMaxBackward(
  dy: Float32Array, argmax: Int32Array, outer: number, r: number, inner: number, dx: Float32Array,
): void {
  dx.fill(0, 0, outer * r * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      dx[(o * r + argmax[o * inner + i]) * inner + i] = dy[o * inner + i];
    }
  }
}
