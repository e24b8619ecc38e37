#ifndef SC_GEMM_H
#define SC_GEMM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* C[M,N] = alpha * op(A)[M,K] @ op(B)[K,N] + beta * C.  Row-major.
   op(A) = A (lda >= K, A[i*lda+k]) if transA==0, else A^T where A is stored K x M (lda >= M, A[k*lda+i]).
   op(B) = B (ldb >= N, B[k*ldb+j]) if transB==0, else B^T where B is stored N x K (ldb >= K, B[j*ldb+k]).
   beta == 0 means C is overwritten (never read: NaN in C must not propagate). M, N or K may be 0 (K==0: C = beta*C, or zeros).
   Uses up to `threads` OpenMP threads (threads <= 1 means run serially, no parallel region).

   Determinism: for identical inputs and the same `threads` value the result is
   bitwise identical (static partitioning, K is never split across threads).
   Thread safety: packing buffers are thread-local (per calling thread and per
   OpenMP worker), grown on demand and reused across calls, so calls from one
   thread at a time (e.g. the Node main thread) are safe.  Concurrent calls from
   different threads each use their own buffers, but would share the OpenMP
   worker pool; that is not a supported/benchmarked configuration. */
void sc_sgemm(int64_t M, int64_t N, int64_t K, float alpha,
              const float *A, int64_t lda, int transA,
              const float *B, int64_t ldb, int transB,
              float beta, float *C, int64_t ldc, int threads);

#ifdef __cplusplus
}
#endif

#endif /* SC_GEMM_H */
