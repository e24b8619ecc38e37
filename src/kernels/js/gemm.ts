/**
 * Reference GEMM. Row i of C is accumulated in float64 over k in order (i-k-j loop order, so
 * the inner loop walks rows of B and C contiguously when B is not transposed).
 */
export function gemm(
  M: number, N: number, K: number, alpha: number,
  A: Float32Array, lda: number, transA: boolean,
  B: Float32Array, ldb: number, transB: boolean,
  beta: number, C: Float32Array, ldc: number,
): void {
  const acc = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    acc.fill(0);
    for (let k = 0; k < K; k++) {
      const a = transA ? A[k * lda + i] : A[i * lda + k];
      if (transB) {
        for (let j = 0; j < N; j++) acc[j] += a * B[j * ldb + k];
      } else {
        const row = k * ldb;
        for (let j = 0; j < N; j++) acc[j] += a * B[row + j];
      }
    }
    const c = i * ldc;
    for (let j = 0; j < N; j++) {
      // beta = 0 never reads C, so NaN or garbage there does not leak into the result.
      C[c + j] = beta === 0 ? alpha * acc[j] : alpha * acc[j] + beta * C[c + j];
    }
  }
}
