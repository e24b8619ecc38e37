/* Elementwise kernels: unary functions, broadcast binary ops and where. */
#include <math.h>
#include "kernels.h"
#include "vmath.h"

/* Same erf fit as src/kernels/js/elementwise.ts (abs. error < 1.2e-7). */
static inline float sc_erf(float x) {
  float z = fabsf(x);
  float t = 1.0f / (1.0f + 0.5f * z);
  float r = t * sc_expf(-z * z - 1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f +
             t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f +
             t * (-0.82215223f + t * 0.17087277f)))))))));
  return x >= 0 ? 1.0f - r : r - 1.0f;
}

static inline float sc_sigmoid(float x) {
  if (x >= 0) return 1.0f / (1.0f + sc_expf(-x));
  float e = sc_expf(x);
  return e / (1.0f + e);
}

static inline float unary1(int op, float x, float p0, float p1) {
  switch (op) {
    case SC_NEG: return -x;
    case SC_EXP: return sc_expf(x);
    case SC_LOG: return logf(x);
    case SC_SQRT: return sqrtf(x);
    case SC_ABS: return fabsf(x);
    case SC_RELU: return x > 0 ? x : 0.0f;
    case SC_GELU: return 0.5f * x * (1.0f + sc_erf(x * 0.70710678f));
    case SC_SILU: return x * sc_sigmoid(x);
    case SC_TANH: return tanhf(x);
    case SC_SIGMOID: return sc_sigmoid(x);
    case SC_POW: return powf(x, p0);
    case SC_CLAMP: return x < p0 ? p0 : (x > p1 ? p1 : x);
    case SC_AFFINE: return x * p0 + p1;
  }
  return NAN;
}

static inline float deriv1(int op, float x, float y, float p0, float p1) {
  switch (op) {
    case SC_NEG: return -1.0f;
    case SC_EXP: return y;
    case SC_LOG: return 1.0f / x;
    case SC_SQRT: return 0.5f / y;
    case SC_ABS: return x > 0 ? 1.0f : (x < 0 ? -1.0f : 0.0f);
    case SC_RELU: return x > 0 ? 1.0f : 0.0f;
    case SC_GELU:
      return 0.5f * (1.0f + sc_erf(x * 0.70710678f)) + x * 0.39894228f * sc_expf(-0.5f * x * x);
    case SC_SILU: {
      float s = sc_sigmoid(x);
      return s * (1.0f + x * (1.0f - s));
    }
    case SC_TANH: return 1.0f - y * y;
    case SC_SIGMOID: return y * (1.0f - y);
    case SC_POW: return p0 == 0 ? 0.0f : p0 * powf(x, p0 - 1.0f);
    case SC_CLAMP: return (x >= p0 && x <= p1) ? 1.0f : 0.0f;
    case SC_AFFINE: return p0;
  }
  return NAN;
}

/* One loop per op (the switch is outside the loop) so each loop can vectorise. */
#define PER_OP(nt, n, EXPR_OF_OP)                                                  \
  switch (op) {                                                                    \
    case SC_NEG: EXPR_OF_OP(SC_NEG); break;                                        \
    case SC_EXP: EXPR_OF_OP(SC_EXP); break;                                        \
    case SC_LOG: EXPR_OF_OP(SC_LOG); break;                                        \
    case SC_SQRT: EXPR_OF_OP(SC_SQRT); break;                                      \
    case SC_ABS: EXPR_OF_OP(SC_ABS); break;                                        \
    case SC_RELU: EXPR_OF_OP(SC_RELU); break;                                      \
    case SC_GELU: EXPR_OF_OP(SC_GELU); break;                                      \
    case SC_SILU: EXPR_OF_OP(SC_SILU); break;                                      \
    case SC_TANH: EXPR_OF_OP(SC_TANH); break;                                      \
    case SC_SIGMOID: EXPR_OF_OP(SC_SIGMOID); break;                                \
    case SC_POW: EXPR_OF_OP(SC_POW); break;                                        \
    case SC_CLAMP: EXPR_OF_OP(SC_CLAMP); break;                                    \
    case SC_AFFINE: EXPR_OF_OP(SC_AFFINE); break;                                  \
  }

void sc_unary(int op, const float *x, float *out, int64_t n, float p0, float p1) {
  int cheap = op <= SC_ABS || op == SC_RELU || op == SC_CLAMP || op == SC_AFFINE;
  int nt = sc_threads_for(cheap ? n : 8 * n);
#define FWD(OP) SC_PARALLEL_RANGE(nt, n, lo, hi, {                              \
    for (int64_t i = lo; i < hi; i++) out[i] = unary1(OP, x[i], p0, p1);           \
  })
  PER_OP(nt, n, FWD)
#undef FWD
}

void sc_unary_backward(int op, const float *x, const float *y, const float *dy, float *dx,
                       int64_t n, float p0, float p1) {
  int nt = sc_threads_for(4 * n);
#define BWD(OP) SC_PARALLEL_RANGE(nt, n, lo, hi, {                              \
    for (int64_t i = lo; i < hi; i++) dx[i] = dy[i] * deriv1(OP, x[i], y[i], p0, p1); \
  })
  PER_OP(nt, n, BWD)
#undef BWD
}

/* Strided iteration: the last axis is the inner loop, the others are walked as an odometer.
 * Work is split over the outer (all-but-last) index range, so results do not depend on the
 * thread count. */
#define STRIDED_LOOP(NARR, ...)                                                         \
  do {                                                                                  \
    int64_t inner = rank > 0 ? shape[rank - 1] : 1;                                     \
    int64_t outer = 1;                                                                  \
    for (int d = 0; d < rank - 1; d++) outer *= shape[d];                               \
    if (inner == 0 || outer == 0) return;                                               \
    int nt = sc_threads_for(outer * inner);                                             \
    _Pragma("omp parallel num_threads(nt) if (nt > 1)")                                 \
    {                                                                                   \
      int tid = 0, tn = 1;                                                              \
      SC_OMP_IDS(tid, tn);                                                              \
      int64_t lo = outer * tid / tn, hi = outer * (tid + 1) / tn;                       \
      int64_t idx[SC_MAX_RANK] = {0};                                                   \
      int64_t off[NARR] = {0};                                                          \
      int64_t rem = lo;                                                                 \
      for (int d = rank - 2; d >= 0; d--) { idx[d] = rem % shape[d]; rem /= shape[d]; } \
      for (int d = 0; d < rank - 1; d++)                                                \
        for (int s = 0; s < NARR; s++) off[s] += idx[d] * st[s][d];                     \
      for (int64_t o = lo; o < hi; o++) {                                               \
        int64_t ob = o * inner;                                                         \
        __VA_ARGS__                                                                     \
        for (int d = rank - 2; d >= 0; d--) {                                           \
          idx[d]++;                                                                     \
          for (int s = 0; s < NARR; s++) off[s] += st[s][d];                            \
          if (idx[d] < shape[d]) break;                                                 \
          for (int s = 0; s < NARR; s++) off[s] -= (int64_t)st[s][d] * shape[d];                 \
          idx[d] = 0;                                                                   \
        }                                                                               \
      }                                                                                 \
    }                                                                                   \
  } while (0)

#ifdef _OPENMP
#include <omp.h>
#define SC_OMP_IDS(tid, tn) do { tid = omp_get_thread_num(); tn = omp_get_num_threads(); } while (0)
#else
#define SC_OMP_IDS(tid, tn) do { (void)tid; (void)tn; } while (0)
#endif

#define BINARY_INNER(EXPR)                                                               \
  {                                                                                      \
    const float *pa = a + off[0], *pb = b + off[1];                                      \
    float *po = out + ob;                                                                \
    int64_t sa = rank > 0 ? st[0][rank - 1] : 0, sb = rank > 0 ? st[1][rank - 1] : 0;    \
    if (sa == 1 && sb == 1) for (int64_t i = 0; i < inner; i++) { float x = pa[i], y = pb[i]; po[i] = EXPR; } \
    else if (sa == 1 && sb == 0) { float y = pb[0]; for (int64_t i = 0; i < inner; i++) { float x = pa[i]; po[i] = EXPR; } } \
    else if (sa == 0 && sb == 1) { float x = pa[0]; for (int64_t i = 0; i < inner; i++) { float y = pb[i]; po[i] = EXPR; } } \
    else for (int64_t i = 0; i < inner; i++) { float x = pa[i * sa], y = pb[i * sb]; po[i] = EXPR; } \
  }

void sc_binary(int op, const float *a, const int32_t *as, const float *b, const int32_t *bs,
               float *out, const int32_t *shape, int rank) {
  const int32_t *st[2] = {as, bs};
  switch (op) {
    case SC_ADD: STRIDED_LOOP(2, BINARY_INNER(x + y)); break;
    case SC_SUB: STRIDED_LOOP(2, BINARY_INNER(x - y)); break;
    case SC_MUL: STRIDED_LOOP(2, BINARY_INNER(x * y)); break;
    case SC_DIV: STRIDED_LOOP(2, BINARY_INNER(x / y)); break;
  }
}

void sc_where(const float *c, const int32_t *cs, const float *a, const int32_t *as,
              const float *b, const int32_t *bs, float *out, const int32_t *shape, int rank) {
  const int32_t *st[3] = {cs, as, bs};
  STRIDED_LOOP(3, {
    int64_t sc = rank > 0 ? st[0][rank - 1] : 0, sa = rank > 0 ? st[1][rank - 1] : 0,
            sb = rank > 0 ? st[2][rank - 1] : 0;
    const float *pc = c + off[0], *pa = a + off[1], *pb = b + off[2];
    for (int64_t i = 0; i < inner; i++) out[ob + i] = pc[i * sc] != 0 ? pa[i * sa] : pb[i * sb];
  });
}

void sc_strided_copy(const float *src, int64_t src_off, const int32_t *ss, float *dst,
                     int64_t dst_off, const int32_t *ds, const int32_t *shape, int rank) {
  const int32_t *st[2] = {ss, ds};
  const float *s0 = src + src_off;
  float *d0 = dst + dst_off;
  STRIDED_LOOP(2, {
    (void)ob;
    int64_t sa = rank > 0 ? st[0][rank - 1] : 0, sb = rank > 0 ? st[1][rank - 1] : 0;
    const float *ps = s0 + off[0];
    float *pd = d0 + off[1];
    if (sa == 1 && sb == 1) for (int64_t i = 0; i < inner; i++) pd[i] = ps[i];
    else for (int64_t i = 0; i < inner; i++) pd[i * sb] = ps[i * sa];
  });
}
