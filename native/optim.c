/* Optimiser updates: one fused pass over parameters and their state. */
#include <math.h>
#include "kernels.h"

void sc_adam_step(float *p, const float *g, float *m, float *v, int64_t n, float lr, float beta1,
                  float beta2, float eps, float wd, float bc1, float bc2, int decoupled) {
  const float step = lr / bc1, sbc2 = sqrtf(bc2), decay = 1.0f - lr * wd;
  int nt = sc_threads_for(4 * n);
#pragma omp parallel for simd num_threads(nt) schedule(static) if (nt > 1)
  for (int64_t i = 0; i < n; i++) {
    float gi = g[i], pi = p[i];
    if (decoupled) pi *= decay;
    else gi += wd * pi;
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - (step * mi) / (sqrtf(vi) / sbc2 + eps);
  }
}
