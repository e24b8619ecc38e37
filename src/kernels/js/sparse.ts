/**
 * Reference sparse kernels over CSR: SpMM, SDDMM, edge softmax and segment reductions. Together
 * SDDMM → edge softmax → SpMM is the attention of every sparse form (windowed transformers,
 * graph attention); SpMM with edge weights is graph convolution and sparse linear layers.
 */
import { SegmentOp } from '../backend.ts';

export function spmm(
  rows: number, indptr: Int32Array, indices: Int32Array, values: Float32Array | null,
  heads: number, dim: number, X: Float32Array, Y: Float32Array,
): void {
  const F = heads * dim;
  const acc = new Float64Array(F);
  for (let r = 0; r < rows; r++) {
    acc.fill(0);
    for (let e = indptr[r]; e < indptr[r + 1]; e++) {
      const src = indices[e] * F;
      for (let h = 0; h < heads; h++) {
        const w = values ? values[e * heads + h] : 1;
        for (let d = 0; d < dim; d++) acc[h * dim + d] += w * X[src + h * dim + d];
      }
    }
    for (let f = 0; f < F; f++) Y[r * F + f] = acc[f];
  }
}

export function sddmm(
  rows: number, indptr: Int32Array, indices: Int32Array, A: Float32Array, B: Float32Array,
  heads: number, dim: number, out: Float32Array,
): void {
  const F = heads * dim;
  for (let r = 0; r < rows; r++) {
    for (let e = indptr[r]; e < indptr[r + 1]; e++) {
      const src = indices[e] * F;
      for (let h = 0; h < heads; h++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += A[r * F + h * dim + d] * B[src + h * dim + d];
        out[e * heads + h] = s;
      }
    }
  }
}

export function edgeSoftmax(rows: number, indptr: Int32Array, heads: number, scores: Float32Array, out: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const s = indptr[r];
    const t = indptr[r + 1];
    for (let h = 0; h < heads; h++) {
      let max = -Infinity;
      for (let e = s; e < t; e++) if (scores[e * heads + h] > max) max = scores[e * heads + h];
      let sum = 0;
      for (let e = s; e < t; e++) sum += Math.exp(scores[e * heads + h] - max);
      for (let e = s; e < t; e++) out[e * heads + h] = Math.exp(scores[e * heads + h] - max) / sum;
    }
  }
}

export function edgeSoftmaxBackward(rows: number, indptr: Int32Array, heads: number, y: Float32Array, dy: Float32Array, dx: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < heads; h++) {
      let dot = 0;
      for (let e = indptr[r]; e < indptr[r + 1]; e++) dot += y[e * heads + h] * dy[e * heads + h];
      for (let e = indptr[r]; e < indptr[r + 1]; e++) dx[e * heads + h] = y[e * heads + h] * (dy[e * heads + h] - dot);
    }
  }
}

export function segmentReduce(
  op: SegmentOp, rows: number, indptr: Int32Array, gather: Int32Array | null,
  X: Float32Array, F: number, out: Float32Array, argmax: Int32Array | null,
): void {
  for (let r = 0; r < rows; r++) {
    const s = indptr[r];
    const t = indptr[r + 1];
    for (let f = 0; f < F; f++) {
      if (op === SegmentOp.Max) {
        let best = -Infinity;
        let arg = -1;
        for (let e = s; e < t; e++) {
          const v = X[(gather ? gather[e] : e) * F + f];
          if (arg < 0 || v > best || (v !== v && best === best)) {
            best = v;
            arg = e;
          }
        }
        out[r * F + f] = arg < 0 ? 0 : best;
        if (argmax) argmax[r * F + f] = arg;
      } else {
        let acc = 0;
        for (let e = s; e < t; e++) acc += X[(gather ? gather[e] : e) * F + f];
        out[r * F + f] = op === SegmentOp.Mean && t > s ? acc / (t - s) : acc;
      }
    }
  }
}

export function segmentMaxBackward(
  rows: number, gather: Int32Array | null, argmax: Int32Array, dOut: Float32Array, F: number, dX: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < F; f++) {
      const e = argmax[r * F + f];
      if (e >= 0) dX[(gather ? gather[e] : e) * F + f] += dOut[r * F + f];
    }
  }
}
