/* Reductions over the middle axis of an [outer, r, inner] view; softmax; layer norm. */
#include <math.h>
#include <string.h>
#include "kernels.h"
#include "vmath.h"

void sc_reduce(int op, const float *x, int64_t outer, int64_t r, int64_t inner, float *out,
               int32_t *argmax) {
  int nt = sc_threads_for(outer * r * inner);
  if (inner == 1) {
    /* Contiguous rows: one accumulator per row, in double like the reference. */
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t o = 0; o < outer; o++) {
      const float *p = x + o * r;
      if (op == SC_SUM) {
        double acc = 0;
        for (int64_t k = 0; k < r; k++) acc += p[k];
        out[o] = (float)acc;
      } else {
        float best = -INFINITY;
        int32_t arg = 0;
        for (int64_t k = 0; k < r; k++) {
          float v = p[k];
          if (v > best || (isnan(v) && !isnan(best))) { best = v; arg = (int32_t)k; }
        }
        out[o] = best;
        if (argmax) argmax[o] = arg;
      }
    }
    return;
  }
  /* Strided reduction: walk r outer-most so the inner axis stays contiguous. */
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
  for (int64_t o = 0; o < outer; o++) {
    float *po = out + o * inner;
    const float *px = x + o * r * inner;
    if (op == SC_SUM) {
      /* Double accumulators, like the contiguous path and the reference (a bias gradient sums
       * a whole batch here). Columns go in chunks so the accumulators stay in L1. */
      double acc[256];
      for (int64_t i0 = 0; i0 < inner; i0 += 256) {
        int64_t w = inner - i0 < 256 ? inner - i0 : 256;
        for (int64_t i = 0; i < w; i++) acc[i] = 0;
        for (int64_t k = 0; k < r; k++)
          for (int64_t i = 0; i < w; i++) acc[i] += px[k * inner + i0 + i];
        for (int64_t i = 0; i < w; i++) po[i0 + i] = (float)acc[i];
      }
    } else {
      int32_t *pa = argmax ? argmax + o * inner : 0;
      for (int64_t i = 0; i < inner; i++) { po[i] = -INFINITY; if (pa) pa[i] = 0; }
      for (int64_t k = 0; k < r; k++)
        for (int64_t i = 0; i < inner; i++) {
          float v = px[k * inner + i];
          if (v > po[i] || (isnan(v) && !isnan(po[i]))) { po[i] = v; if (pa) pa[i] = (int32_t)k; }
        }
    }
  }
}

void sc_reduce_max_backward(const float *dy, const int32_t *argmax, int64_t outer, int64_t r,
                            int64_t inner, float *dx) {
  memset(dx, 0, sizeof(float) * (size_t)(outer * r * inner));
  for (int64_t o = 0; o < outer; o++)
    for (int64_t i = 0; i < inner; i++)
      dx[(o * r + argmax[o * inner + i]) * inner + i] = dy[o * inner + i];
}

void sc_softmax(const float *x, float *out, int64_t rows, int64_t cols, int log) {
  int nt = sc_threads_for(rows * cols * 8);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
  for (int64_t i = 0; i < rows; i++) {
    const float *p = x + i * cols;
    float *q = out + i * cols;
    float max = -INFINITY;
    for (int64_t j = 0; j < cols; j++) if (p[j] > max) max = p[j];
    double sum = 0;
    if (log) {
      for (int64_t j = 0; j < cols; j++) sum += sc_expf(p[j] - max);
      float lse = max + (float)logf((float)sum);
      for (int64_t j = 0; j < cols; j++) q[j] = p[j] - lse;
    } else {
      for (int64_t j = 0; j < cols; j++) { float e = sc_expf(p[j] - max); q[j] = e; sum += e; }
      float inv = (float)(1.0 / sum);
      for (int64_t j = 0; j < cols; j++) q[j] *= inv;
    }
  }
}

void sc_softmax_backward(const float *y, const float *dy, float *dx, int64_t rows, int64_t cols,
                         int log) {
  int nt = sc_threads_for(rows * cols * 4);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
  for (int64_t i = 0; i < rows; i++) {
    const float *py = y + i * cols, *pd = dy + i * cols;
    float *px = dx + i * cols;
    double s = 0;
    if (log) {
      for (int64_t j = 0; j < cols; j++) s += pd[j];
      for (int64_t j = 0; j < cols; j++) px[j] = pd[j] - sc_expf(py[j]) * (float)s;
    } else {
      for (int64_t j = 0; j < cols; j++) s += (double)py[j] * pd[j];
      for (int64_t j = 0; j < cols; j++) px[j] = py[j] * (pd[j] - (float)s);
    }
  }
}

void sc_layer_norm(const float *x, const float *gamma, const float *beta, float *y, float *mean,
                   float *rstd, int64_t rows, int64_t cols, double eps) {
  int nt = sc_threads_for(rows * cols * 3);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
  for (int64_t i = 0; i < rows; i++) {
    const float *p = x + i * cols;
    float *q = y + i * cols;
    double m = 0;
    for (int64_t j = 0; j < cols; j++) m += p[j];
    m /= (double)cols;
    double v = 0;
    for (int64_t j = 0; j < cols; j++) { double d = p[j] - m; v += d * d; }
    v /= (double)cols;
    float r = (float)(1.0 / sqrt(v + eps));
    float mf = (float)m;
    mean[i] = mf;
    rstd[i] = r;
    for (int64_t j = 0; j < cols; j++) {
      float n = (p[j] - mf) * r;
      q[j] = n * (gamma ? gamma[j] : 1.0f) + (beta ? beta[j] : 0.0f);
    }
  }
}

void sc_layer_norm_backward(const float *x, const float *gamma, const float *dy,
                            const float *mean, const float *rstd, float *dx, float *dgamma,
                            float *dbeta, int64_t rows, int64_t cols) {
  int nt = sc_threads_for(rows * cols * 4);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
  for (int64_t i = 0; i < rows; i++) {
    const float *p = x + i * cols, *pd = dy + i * cols;
    float *px = dx + i * cols;
    float m = mean[i], r = rstd[i];
    double sg = 0, sgn = 0;
    for (int64_t j = 0; j < cols; j++) {
      float n = (p[j] - m) * r;
      float g = pd[j] * (gamma ? gamma[j] : 1.0f);
      sg += g;
      sgn += (double)g * n;
    }
    float mg = (float)(sg / (double)cols), mgn = (float)(sgn / (double)cols);
    for (int64_t j = 0; j < cols; j++) {
      float n = (p[j] - m) * r;
      float g = pd[j] * (gamma ? gamma[j] : 1.0f);
      px[j] = r * (g - mg - n * mgn);
    }
  }
  /* Parameter gradients sum over rows in row order: serial over rows, vector over columns. */
  if (dgamma) memset(dgamma, 0, sizeof(float) * (size_t)cols);
  if (dbeta) memset(dbeta, 0, sizeof(float) * (size_t)cols);
  if (!dgamma && !dbeta) return;
  for (int64_t i = 0; i < rows; i++) {
    const float *p = x + i * cols, *pd = dy + i * cols;
    float m = mean[i], r = rstd[i];
    if (dgamma) for (int64_t j = 0; j < cols; j++) dgamma[j] += pd[j] * ((p[j] - m) * r);
    if (dbeta) for (int64_t j = 0; j < cols; j++) dbeta[j] += pd[j];
  }
}

void sc_gather_rows(const float *table, const int32_t *idx, int64_t n, int64_t cols, float *out) {
  int nt = sc_threads_for(n * cols);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
  for (int64_t i = 0; i < n; i++)
    memcpy(out + i * cols, table + (int64_t)idx[i] * cols, sizeof(float) * (size_t)cols);
}

void sc_scatter_add_rows(const float *src, const int32_t *idx, int64_t n, int64_t cols,
                         float *out) {
  /* Serial in index order: repeated indices accumulate in a fixed order (deterministic). */
  for (int64_t i = 0; i < n; i++) {
    float *d = out + (int64_t)idx[i] * cols;
    const float *s = src + i * cols;
    for (int64_t j = 0; j < cols; j++) d[j] += s[j];
  }
}

void sc_cross_entropy(const float *logits, const int32_t *targets, int64_t rows, int64_t cols,
                      int32_t ignore, float *loss, float *lse) {
  int nt = sc_threads_for(rows * cols * 8);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
  for (int64_t i = 0; i < rows; i++) {
    const float *p = logits + i * cols;
    float max = -INFINITY;
    for (int64_t j = 0; j < cols; j++) if (p[j] > max) max = p[j];
    double sum = 0;
    for (int64_t j = 0; j < cols; j++) sum += sc_expf(p[j] - max);
    float l = max + logf((float)sum);
    lse[i] = l;
    int32_t t = targets[i];
    loss[i] = t == ignore ? 0.0f : l - p[t];
  }
}

void sc_cross_entropy_backward(const float *logits, const int32_t *targets, const float *lse,
                               const float *scale, int64_t rows, int64_t cols, int32_t ignore,
                               float *dlogits) {
  int nt = sc_threads_for(rows * cols * 8);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
  for (int64_t i = 0; i < rows; i++) {
    const float *p = logits + i * cols;
    float *d = dlogits + i * cols;
    int32_t t = targets[i];
    if (t == ignore) { memset(d, 0, sizeof(float) * (size_t)cols); continue; }
    float s = scale[i], l = lse[i];
    for (int64_t j = 0; j < cols; j++) d[j] = s * (sc_expf(p[j] - l) - (j == t ? 1.0f : 0.0f));
  }
}
