/* Kernels of the native backend. Every function here computes exactly what the TypeScript
 * reference kernel of the same name in src/kernels/js/ computes (to float32 rounding); the
 * tests hold them to it. Arguments are trusted: the TypeScript side checks shapes, sizes and
 * indices before calling. Enum values match src/kernels/backend.ts. */
#ifndef SC_KERNELS_H
#define SC_KERNELS_H
#include <stdint.h>

#define SC_MAX_RANK 8

enum sc_unary { SC_NEG, SC_EXP, SC_LOG, SC_SQRT, SC_ABS, SC_RELU, SC_GELU, SC_SILU, SC_TANH,
                SC_SIGMOID, SC_POW, SC_CLAMP, SC_AFFINE };
enum sc_binary { SC_ADD, SC_SUB, SC_MUL, SC_DIV };
enum sc_reduce { SC_SUM, SC_MAX };
enum sc_segment { SC_SEG_SUM, SC_SEG_MEAN, SC_SEG_MAX };

/* Thread count used by every kernel (set from TypeScript). */
extern int sc_threads;
/* Threads to use for `work` units of roughly one nanosecond each: 1 below ~50 µs of work,
 * because an OpenMP fork/join costs more than it saves there. */
int sc_threads_for(int64_t work);

/* Run BODY over [lo, hi) ranges of [0, n) split evenly over nt threads (serially when nt is 1):
 * a plain loop in BODY vectorises, and each index is always handled by the same range. */
#ifdef _OPENMP
#include <omp.h>
#define SC_PARALLEL_RANGE(nt, n, lo, hi, ...)                                  \
  do {                                                                         \
    if ((nt) <= 1) { int64_t lo = 0, hi = (n); __VA_ARGS__ }                   \
    else {                                                                     \
      _Pragma("omp parallel num_threads(nt)")                                  \
      {                                                                        \
        int64_t t_ = omp_get_thread_num(), k_ = omp_get_num_threads();         \
        int64_t lo = (n) * t_ / k_, hi = (n) * (t_ + 1) / k_;                  \
        __VA_ARGS__                                                            \
      }                                                                        \
    }                                                                          \
  } while (0)
#else
#define SC_PARALLEL_RANGE(nt, n, lo, hi, ...) do { int64_t lo = 0, hi = (n); __VA_ARGS__ } while (0)
/* Validate CSR arrays: 0 = fine (max_index receives the largest index, -1 if none), else the
 * number of the broken rule (see the TypeScript guard in src/kernels/native/index.ts). */
int sc_csr_check(int64_t rows, const int32_t *indptr, int64_t ptr_len, const int32_t *indices,
                 int64_t indices_len, int64_t *max_index);
#endif

void sc_unary(int op, const float *x, float *out, int64_t n, float p0, float p1);
void sc_unary_backward(int op, const float *x, const float *y, const float *dy, float *dx,
                       int64_t n, float p0, float p1);
void sc_binary(int op, const float *a, const int32_t *as, const float *b, const int32_t *bs,
               float *out, const int32_t *shape, int rank);
void sc_where(const float *c, const int32_t *cs, const float *a, const int32_t *as,
              const float *b, const int32_t *bs, float *out, const int32_t *shape, int rank);
void sc_strided_copy(const float *src, int64_t src_off, const int32_t *ss, float *dst,
                     int64_t dst_off, const int32_t *ds, const int32_t *shape, int rank);
void sc_reduce(int op, const float *x, int64_t outer, int64_t r, int64_t inner, float *out,
               int32_t *argmax);
void sc_reduce_max_backward(const float *dy, const int32_t *argmax, int64_t outer, int64_t r,
                            int64_t inner, float *dx);
void sc_softmax(const float *x, float *out, int64_t rows, int64_t cols, int log);
void sc_softmax_backward(const float *y, const float *dy, float *dx, int64_t rows, int64_t cols,
                         int log);
void sc_layer_norm(const float *x, const float *gamma, const float *beta, float *y, float *mean,
                   float *rstd, int64_t rows, int64_t cols, double eps);
void sc_layer_norm_backward(const float *x, const float *gamma, const float *dy,
                            const float *mean, const float *rstd, float *dx, float *dgamma,
                            float *dbeta, int64_t rows, int64_t cols);
void sc_gather_rows(const float *table, const int32_t *idx, int64_t n, int64_t cols, float *out);
void sc_scatter_add_rows(const float *src, const int32_t *idx, int64_t n, int64_t cols,
                         float *out);
void sc_cross_entropy(const float *logits, const int32_t *targets, int64_t rows, int64_t cols,
                      int32_t ignore, float *loss, float *lse);
void sc_cross_entropy_backward(const float *logits, const int32_t *targets, const float *lse,
                               const float *scale, int64_t rows, int64_t cols, int32_t ignore,
                               float *dlogits);
void sc_adam_step(float *p, const float *g, float *m, float *v, int64_t n, float lr, float beta1,
                  float beta2, float eps, float wd, float bc1, float bc2, int decoupled);
void sc_spmm(int64_t rows, const int32_t *indptr, const int32_t *indices, const float *values,
             int64_t heads, int64_t dim, const float *X, float *Y);
void sc_sddmm(int64_t rows, const int32_t *indptr, const int32_t *indices, const float *A,
              const float *B, int64_t heads, int64_t dim, float *out);
void sc_edge_softmax(int64_t rows, const int32_t *indptr, int64_t heads, const float *scores,
                     float *out);
void sc_edge_softmax_backward(int64_t rows, const int32_t *indptr, int64_t heads, const float *y,
                              const float *dy, float *dx);
void sc_segment_reduce(int op, int64_t rows, const int32_t *indptr, const int32_t *gather,
                       const float *X, int64_t F, float *out, int32_t *argmax);
void sc_segment_max_backward(int64_t rows, const int32_t *gather, const int32_t *argmax,
                             const float *dout, int64_t F, float *dx);
/* Validate CSR arrays: 0 = fine (max_index receives the largest index, -1 if none), else the
 * number of the broken rule (see the TypeScript guard in src/kernels/native/index.ts). */
int sc_csr_check(int64_t rows, const int32_t *indptr, int64_t ptr_len, const int32_t *indices,
                 int64_t indices_len, int64_t *max_index);
#endif
