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

typedef float v16 __attribute__((vector_size(64)));
/* The same vector read from or written to any float address (unaligned, may alias floats):
 * a direct access compiles to one vmovups, where memcpy went through the stack. */
typedef float v16u __attribute__((vector_size(64), aligned(4), may_alias));

static inline v16 load16(const float *p) { return *(const v16u *)p; }
static inline void store16(float *p, v16 v) { *(v16u *)p = v; }
static inline v16 splat16(float x) { return (v16){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }
typedef int32_t vi16 __attribute__((vector_size(64)));
/* Lane-wise maximum by mask and blend (C has no vector ?:). */
static inline v16 vmax16(v16 a, v16 b) {
  vi16 m = a > b;
  return (v16)((m & (vi16)a) | (~m & (vi16)b));
}

typedef float v8 __attribute__((vector_size(32)));
typedef float v4 __attribute__((vector_size(16)));
/* Horizontal sum by halving (a few shuffles), not a 16-step scalar chain. */
static inline float hsum16(v16 v) {
  v8 a = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
         __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
  v4 b = __builtin_shufflevector(a, a, 0, 1, 2, 3) + __builtin_shufflevector(a, a, 4, 5, 6, 7);
  return (b[0] + b[2]) + (b[1] + b[3]);
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
/* How many edges ahead to prefetch source rows: the gathers are latency-bound (random rows
 * of X miss L2), so keep several in flight. */
#define SC_PREFETCH_EDGES 8

static void spmm_row_1head(int64_t s, int64_t t, int64_t nnz, const int32_t *indices, const float *values,
                           int64_t F, const float *X, float *y) {
  int64_t f = 0;
  for (; f + 64 <= F; f += 64) {
    v16 a0 = splat16(0), a1 = a0, a2 = a0, a3 = a0;
    for (int64_t e = s; e < t; e++) {
      if (e + SC_PREFETCH_EDGES < nnz) {
        /* Past the row's end this warms the next rows' sources, which come next anyway. */
        const float *p = X + (int64_t)indices[e + SC_PREFETCH_EDGES] * F + f;
        __builtin_prefetch(p); __builtin_prefetch(p + 16); __builtin_prefetch(p + 32); __builtin_prefetch(p + 48);
      }
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
      if (heads == 1) { spmm_row_1head(s, t, indptr[rows], indices, values, F, X, y); continue; }
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

/* Sum each of 16 vectors into one lane of the result (lane j = sum of v[j]), by four rounds of
 * pairwise interleave-and-add: 15 vector adds instead of 16 separate horizontal sums. */
static inline v16 transpose_sum16(v16 *v) {
  v16 x[8], y[4], z[2];
  for (int i = 0; i < 8; i++) {
    v16 a = v[2 * i], b = v[2 * i + 1];
    x[i] = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
           __builtin_shufflevector(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  }
  for (int i = 0; i < 4; i++) {
    v16 a = x[2 * i], b = x[2 * i + 1];
    y[i] = __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) +
           __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  }
  for (int i = 0; i < 2; i++) {
    v16 a = y[2 * i], b = y[2 * i + 1];
    z[i] = __builtin_shufflevector(a, b, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29) +
           __builtin_shufflevector(a, b, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
  }
  return __builtin_shufflevector(z[0], z[1], 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30) +
         __builtin_shufflevector(z[0], z[1], 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
}

/* SDDMM for one head with dim a multiple of 16 (up to 128): the query row stays in registers
 * and edges go 16 at a time, their dot products summed together by transpose_sum16. */
static void sddmm_row_1head(const float *a, int64_t s, int64_t t, const int32_t *indices,
                            const float *B, int64_t dim, float *out) {
  v16 q[8];
  int64_t nv = dim / 16;
  for (int64_t c = 0; c < nv; c++) q[c] = load16(a + 16 * c);
  int64_t e = s;
  for (; e + 16 <= t; e += 16) {
    v16 acc[16];
    for (int j = 0; j < 16; j++) {
      const float *b = B + (int64_t)indices[e + j] * dim;
      v16 sum = q[0] * load16(b);
      for (int64_t c = 1; c < nv; c++) sum += q[c] * load16(b + 16 * c);
      acc[j] = sum;
    }
    store16(out + e, transpose_sum16(acc));
  }
  for (; e < t; e++) {
    const float *b = B + (int64_t)indices[e] * dim;
    v16 sum = q[0] * load16(b);
    for (int64_t c = 1; c < nv; c++) sum += q[c] * load16(b + 16 * c);
    out[e] = hsum16(sum);
  }
}

void sc_sddmm(int64_t rows, const int32_t *indptr, const int32_t *indices, const float *A,
              const float *B, int64_t heads, int64_t dim, float *out) {
  int64_t F = heads * dim;
  FOR_ROW_RANGES((int64_t)indptr[rows] * F + rows, {
    for (int64_t r = r0; r < r1; r++) {
      const float *a = A + r * F;
      if (heads == 1 && dim % 16 == 0 && dim <= 128 && dim > 0) {
        sddmm_row_1head(a, indptr[r], indptr[r + 1], indices, B, dim, out);
        continue;
      }
      for (int64_t e = indptr[r]; e < indptr[r + 1]; e++) {
        const float *b = B + (int64_t)indices[e] * F;
        for (int64_t h = 0; h < heads; h++) {
          const float *ah = a + h * dim, *bh = b + h * dim;
          int64_t d = 0;
          /* Two accumulators halve the FMA dependency chain. */
          v16 acc0 = splat16(0), acc1 = acc0;
          for (; d + 32 <= dim; d += 32) {
            acc0 += load16(ah + d) * load16(bh + d);
            acc1 += load16(ah + d + 16) * load16(bh + d + 16);
          }
          for (; d + 16 <= dim; d += 16) acc0 += load16(ah + d) * load16(bh + d);
          float s = hsum16(acc0 + acc1);
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
      if (heads == 1) {
        /* Contiguous scores: max and sum are reduced in 16 lanes (the compiler will not
         * reorder a float reduction itself), the exp pass vectorises on its own. */
        int64_t e = s;
        v16 vmax = splat16(-INFINITY);
        for (; e + 16 <= t; e += 16) { vmax = vmax16(load16(scores + e), vmax); }
        float max = -INFINITY;
        for (int i = 0; i < 16; i++) max = vmax[i] > max ? vmax[i] : max;
        for (; e < t; e++) max = scores[e] > max ? scores[e] : max;
        for (e = s; e < t; e++) out[e] = sc_expf(scores[e] - max);
        v16 vsum = splat16(0);
        for (e = s; e + 16 <= t; e += 16) vsum += load16(out + e);
        float sum = hsum16(vsum);
        for (; e < t; e++) sum += out[e];
        float inv = 1.0f / sum;
        for (e = s; e < t; e++) out[e] *= inv;
        continue;
      }
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

int sc_csr_check(int64_t rows, const int32_t *indptr, int64_t ptr_len, const int32_t *indices,
                 int64_t indices_len, int64_t *max_index) {
  /* The checks every sparse call makes before its kernel: O(rows + nnz), branch-light and
   * vectorisable, so it costs well under 1% of the kernel it guards. */
  if (ptr_len < rows + 1) return 1;
  if (indptr[0] != 0) return 2;
  int bad = 0;
  for (int64_t r = 0; r < rows; r++) bad |= indptr[r + 1] < indptr[r];
  if (bad) return 3;
  int64_t nnz = indptr[rows];
  if (!indices) { *max_index = -1; return 0; }
  if (nnz > indices_len) return 4;
  int32_t lo = 0, hi = -1;
  for (int64_t e = 0; e < nnz; e++) {
    int32_t c = indices[e];
    lo = c < lo ? c : lo;
    hi = c > hi ? c : hi;
  }
  if (lo < 0) return 5;
  *max_index = hi;
  return 0;
}
