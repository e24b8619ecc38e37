/* Sparse kernels over CSR: SpMM, SDDMM, edge softmax, segment reductions. Work is split over
 * rows in contiguous ranges of about equal edge counts, so every output row is computed by
 * one thread in a fixed order: results do not depend on the thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "vmath.h"
#ifdef _OPENMP
#include <omp.h>
#endif

typedef float v16 __attribute__((vector_size(64), aligned(4)));

static inline v16 load16(const float *p) { v16 v; memcpy(&v, p, sizeof v); return v; }
static inline void store16(float *p, v16 v) { memcpy(p, &v, sizeof v); }
static inline v16 splat16(float x) { return (v16){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }
static inline float hsum16(v16 v) {
  float s = 0;
  for (int i = 0; i < 16; i++) s += v[i];
  return s;
}

/* First row of thread t's share when rows are split into parts of about equal edge counts. */
static int64_t split_row(const int32_t *indptr, int64_t rows, int t, int parts) {
  if (t <= 0) return 0;
  if (t >= parts) return rows;
  int64_t target = (int64_t)indptr[rows] * t / parts;
  int64_t lo = 0, hi = rows;
  while (lo < hi) { /* first row whose start is >= target */
    int64_t mid = (lo + hi) / 2;
    if (indptr[mid] < target) lo = mid + 1; else hi = mid;
  }
  return lo;
}

#define FOR_ROW_RANGES(work, ...)                                       \
  do {                                                                  \
    int nt_ = sc_threads_for(work);                                     \
    _Pragma("omp parallel num_threads(nt_) if (nt_ > 1)")               \
    {                                                                   \
      int t_ = 0, n_ = 1;                                               \
      SC_IDS(t_, n_);                                                   \
      int64_t r0 = split_row(indptr, rows, t_, n_);                     \
      int64_t r1 = split_row(indptr, rows, t_ + 1, n_);                 \
      __VA_ARGS__                                                       \
    }                                                                   \
  } while (0)

#ifdef _OPENMP
#define SC_IDS(t, n) do { t = omp_get_thread_num(); n = omp_get_num_threads(); } while (0)
#else
#define SC_IDS(t, n) do { (void)t; (void)n; } while (0)
#endif

/* One output row of SpMM with a single head: chunks of 64 columns stay in 4 vector registers
 * while the row's edges stream by. */
static void spmm_row_1head(int64_t s, int64_t t, const int32_t *indices, const float *values,
                           int64_t F, const float *X, float *y) {
  int64_t f = 0;
  for (; f + 64 <= F; f += 64) {
    v16 a0 = splat16(0), a1 = a0, a2 = a0, a3 = a0;
    for (int64_t e = s; e < t; e++) {
      const float *x = X + (int64_t)indices[e] * F + f;
      v16 w = splat16(values ? values[e] : 1.0f);
      a0 += w * load16(x); a1 += w * load16(x + 16); a2 += w * load16(x + 32); a3 += w * load16(x + 48);
    }
    store16(y + f, a0); store16(y + f + 16, a1); store16(y + f + 32, a2); store16(y + f + 48, a3);
  }
  for (; f + 16 <= F; f += 16) {
    v16 a = splat16(0);
    for (int64_t e = s; e < t; e++) a += splat16(values ? values[e] : 1.0f) * load16(X + (int64_t)indices[e] * F + f);
    store16(y + f, a);
  }
  for (; f < F; f++) {
    float a = 0;
    for (int64_t e = s; e < t; e++) a += (values ? values[e] : 1.0f) * X[(int64_t)indices[e] * F + f];
    y[f] = a;
  }
}

void sc_spmm(int64_t rows, const int32_t *indptr, const int32_t *indices, const float *values,
             int64_t heads, int64_t dim, const float *X, float *Y) {
  int64_t F = heads * dim;
  FOR_ROW_RANGES((int64_t)indptr[rows] * F + rows, {
    for (int64_t r = r0; r < r1; r++) {
      float *y = Y + r * F;
      int64_t s = indptr[r], t = indptr[r + 1];
      if (heads == 1) { spmm_row_1head(s, t, indices, values, F, X, y); continue; }
      memset(y, 0, sizeof(float) * (size_t)F);
      for (int64_t e = s; e < t; e++) {
        const float *x = X + (int64_t)indices[e] * F;
        for (int64_t h = 0; h < heads; h++) {
          float w = values ? values[e * heads + h] : 1.0f;
          float *yh = y + h * dim;
          const float *xh = x + h * dim;
          for (int64_t d = 0; d < dim; d++) yh[d] += w * xh[d];
        }
      }
    }
  });
}

void sc_sddmm(int64_t rows, const int32_t *indptr, const int32_t *indices, const float *A,
              const float *B, int64_t heads, int64_t dim, float *out) {
  int64_t F = heads * dim;
  FOR_ROW_RANGES((int64_t)indptr[rows] * F + rows, {
    for (int64_t r = r0; r < r1; r++) {
      const float *a = A + r * F;
      for (int64_t e = indptr[r]; e < indptr[r + 1]; e++) {
        const float *b = B + (int64_t)indices[e] * F;
        for (int64_t h = 0; h < heads; h++) {
          const float *ah = a + h * dim, *bh = b + h * dim;
          int64_t d = 0;
          v16 acc = splat16(0);
          for (; d + 16 <= dim; d += 16) acc += load16(ah + d) * load16(bh + d);
          float s = hsum16(acc);
          for (; d < dim; d++) s += ah[d] * bh[d];
          out[e * heads + h] = s;
        }
      }
    }
  });
}

void sc_edge_softmax(int64_t rows, const int32_t *indptr, int64_t heads, const float *scores,
                     float *out) {
  FOR_ROW_RANGES((int64_t)indptr[rows] * heads * 8, {
    for (int64_t r = r0; r < r1; r++) {
      int64_t s = indptr[r], t = indptr[r + 1];
      for (int64_t h = 0; h < heads; h++) {
        float max = -INFINITY;
        for (int64_t e = s; e < t; e++) { float v = scores[e * heads + h]; max = v > max ? v : max; }
        float sum = 0;
        for (int64_t e = s; e < t; e++) { float v = sc_expf(scores[e * heads + h] - max); out[e * heads + h] = v; sum += v; }
        float inv = 1.0f / sum;
        for (int64_t e = s; e < t; e++) out[e * heads + h] *= inv;
      }
    }
  });
}

void sc_edge_softmax_backward(int64_t rows, const int32_t *indptr, int64_t heads, const float *y,
                              const float *dy, float *dx) {
  FOR_ROW_RANGES((int64_t)indptr[rows] * heads * 2, {
    for (int64_t r = r0; r < r1; r++) {
      int64_t s = indptr[r], t = indptr[r + 1];
      for (int64_t h = 0; h < heads; h++) {
        float dot = 0;
        for (int64_t e = s; e < t; e++) dot += y[e * heads + h] * dy[e * heads + h];
        for (int64_t e = s; e < t; e++) dx[e * heads + h] = y[e * heads + h] * (dy[e * heads + h] - dot);
      }
    }
  });
}

void sc_segment_reduce(int op, int64_t rows, const int32_t *indptr, const int32_t *gather,
                       const float *X, int64_t F, float *out, int32_t *argmax) {
  FOR_ROW_RANGES((int64_t)indptr[rows] * F + rows, {
    for (int64_t r = r0; r < r1; r++) {
      int64_t s = indptr[r], t = indptr[r + 1];
      float *o = out + r * F;
      if (op == SC_SEG_MAX) {
        int32_t *am = argmax ? argmax + r * F : NULL;
        for (int64_t f = 0; f < F; f++) o[f] = 0;
        if (am) for (int64_t f = 0; f < F; f++) am[f] = -1;
        for (int64_t e = s; e < t; e++) {
          const float *x = X + (gather ? (int64_t)gather[e] : e) * F;
          for (int64_t f = 0; f < F; f++) {
            float v = x[f];
            int first = e == s;
            if (first || v > o[f] || (isnan(v) && !isnan(o[f]))) { o[f] = v; if (am) am[f] = (int32_t)e; }
          }
        }
      } else {
        for (int64_t f = 0; f < F; f++) o[f] = 0;
        for (int64_t e = s; e < t; e++) {
          const float *x = X + (gather ? (int64_t)gather[e] : e) * F;
          for (int64_t f = 0; f < F; f++) o[f] += x[f];
        }
        if (op == SC_SEG_MEAN && t > s) {
          float inv = 1.0f / (float)(t - s);
          for (int64_t f = 0; f < F; f++) o[f] *= inv;
        }
      }
    }
  });
}

void sc_segment_max_backward(int64_t rows, const int32_t *gather, const int32_t *argmax,
                             const float *dout, int64_t F, float *dx) {
  /* Serial: with a gather two rows may write the same source row. */
  for (int64_t r = 0; r < rows; r++)
    for (int64_t f = 0; f < F; f++) {
      int32_t e = argmax[r * F + f];
      if (e >= 0) dx[(gather ? (int64_t)gather[e] : (int64_t)e) * F + f] += dout[r * F + f];
    }
}
