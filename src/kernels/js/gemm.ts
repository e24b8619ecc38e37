/** Reference GEMM: the plain triple loop, accumulated in float64 per output element. */
export function gemm(
  M: number, N: number, K: number, alpha: number,
  A: Float32Array, lda: number, transA: boolean,
  B: Float32Array, ldb: number, transB: boolean,
  beta: number, C: Float32Array, ldc: number,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * lda + i] : A[i * lda + k];
        const b = transB ? B[j * ldb + k] : B[k * ldb + j];
        acc += a * b;
      }
      const c = beta === 0 ? 0 : beta * C[i * ldc + j];
      C[i * ldc + j] = alpha * acc + c;
    }
  }
}
