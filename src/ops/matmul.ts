/**
 * Matrix products: 2-D and batched, with either operand read transposed (no copy is made:
 * the GEMM kernel packs transposed panels itself).
 */
import { ArgumentError, ShapeError, fmtShape } from '../errors.ts';
import { backend } from '../kernels/select.ts';
import { needsGrad, record } from '../tensor/autograd.ts';
import { sameShape, sizeOf } from '../tensor/shape.ts';
import { uninitialised } from '../tensor/alloc.ts';
import { Tensor } from '../tensor/tensor.ts';
import { checkTensor } from './util.ts';

export interface MatmulOptions {
  /** Use the transpose of a's last two axes. */
  transA?: boolean;
  /** Use the transpose of b's last two axes. */
  transB?: boolean;
  /**
   * Write the product into this tensor (of the product's shape) and return it, instead of
   * allocating a new one: for inference loops that reuse buffers. Not recorded for autograd,
   * so it is refused while an input requires gradients (use it under noGrad).
   */
  out?: Tensor;
}

function sharesMemory(x: Float32Array, y: Float32Array): boolean {
  if (x.buffer !== y.buffer) return false;
  return x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}

/** One GEMM per batch entry; a batch stride of 0 reuses the same matrix (broadcast). */
function batchedGemm(
  batch: number, M: number, N: number, K: number,
  A: Float32Array, aStride: number, transA: boolean,
  B: Float32Array, bStride: number, transB: boolean,
  C: Float32Array, cStride: number,
): void {
  const k = backend();
  // No batch entries: an accumulated output (cStride 0) still has to read as zeros.
  if (batch === 0) C.fill(0);
  const lda = transA ? M : K;
  const ldb = transB ? K : N;
  for (let i = 0; i < batch; i++) {
    // With cStride 0 every batch entry accumulates into the same output.
    const beta = cStride === 0 && i > 0 ? 1 : 0;
    k.gemm(
      M, N, K, 1,
      aStride ? A.subarray(i * aStride) : A, lda, transA,
      bStride ? B.subarray(i * bStride) : B, ldb, transB,
      beta, cStride ? C.subarray(i * cStride) : C, N,
    );
  }
}

/**
 * op(a) @ op(b). Shapes: a [..., M, K], b [..., K, N] (or transposed per the options); the
 * batch axes must be equal, or one operand may be 2-D and is then shared by every batch entry.
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkTensor(a, 'matmul', 'a');
  checkTensor(b, 'matmul', 'b');
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(`matmul: both operands need at least 2 axes, got a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`);
  }
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const M = transA ? ac : ar;
  const K = transA ? ar : ac;
  const Kb = transB ? bc : br;
  const N = transB ? br : bc;
  const flags = `${transA ? ' (transposed)' : ''}`;
  if (K !== Kb) {
    throw new ShapeError(`matmul: a is ${fmtShape(a.shape)}${flags} and b is ${fmtShape(b.shape)}${transB ? ' (transposed)' : ''}: inner sizes ${K} and ${Kb} differ`);
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  if (aBatch.length > 0 && bBatch.length > 0 && !sameShape(aBatch, bBatch)) {
    throw new ShapeError(`matmul: batch axes differ: a is ${fmtShape(a.shape)} and b is ${fmtShape(b.shape)}`);
  }
  const batchShape = aBatch.length > 0 ? aBatch : bBatch;
  const batch = sizeOf(batchShape);
  const aStride = aBatch.length > 0 ? M * K : 0;
  const bStride = bBatch.length > 0 ? K * N : 0;
  const outShape = [...batchShape, M, N];
  const target = options.out;
  if (target !== undefined) {
    checkTensor(target, 'matmul', 'out');
    if (!sameShape(target.shape, outShape)) throw new ShapeError(`matmul: out has shape ${fmtShape(target.shape)} but the product is ${fmtShape(outShape)}`);
    if (needsGrad(a, b)) throw new ArgumentError('matmul: out cannot be used while an input requires gradients (the result would not be recorded); wrap the call in noGrad');
    if (sharesMemory(target.data, a.data) || sharesMemory(target.data, b.data)) throw new ArgumentError('matmul: out must not share memory with a or b');
  }
  const out = target ? target.data : uninitialised(batch * M * N);

  // A batched a (not transposed) against a shared b is one tall GEMM.
  const fold = aStride > 0 && bStride === 0 && !transA;
  if (fold) batchedGemm(1, batch * M, N, K, a.data, 0, false, b.data, 0, transB, out, 0);
  else batchedGemm(batch, M, N, K, a.data, aStride, transA, b.data, bStride, transB, out, M * N);

  if (target) return target;
  const y = new Tensor(out, outShape);
  return record(y, 'matmul', [a, b], (g) => {
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (a.requiresGrad) {
      const d = uninitialised(a.size);
      if (fold) {
        batchedGemm(1, batch * M, K, N, g.data, 0, false, b.data, 0, !transB, d, 0);
      } else if (!transA) {
        // dA = dC · op(B)ᵀ
        batchedGemm(batch, M, K, N, g.data, M * N, false, b.data, bStride, !transB, d, aStride);
      } else {
        // A is stored K×M: dA_stored = op(B) · dCᵀ
        batchedGemm(batch, K, M, N, b.data, bStride, transB, g.data, M * N, true, d, aStride);
      }
      da = new Tensor(d, a.shape);
    }
    if (b.requiresGrad) {
      const d = uninitialised(b.size);
      if (fold) {
        if (!transB) batchedGemm(1, K, N, batch * M, a.data, 0, true, g.data, 0, false, d, 0);
        else batchedGemm(1, N, K, batch * M, g.data, 0, true, a.data, 0, false, d, 0);
      } else if (!transB) {
        // dB = op(A)ᵀ · dC
        batchedGemm(batch, K, N, M, a.data, aStride, !transA, g.data, M * N, false, d, bStride);
      } else {
        // B is stored N×K: dB_stored = dCᵀ · op(A)
        batchedGemm(batch, N, K, M, g.data, M * N, true, a.data, aStride, transA, d, bStride);
      }
      db = new Tensor(d, b.shape);
    }
    return [da, db];
  });
}
