/* A vectorisable expf (Cephes' polynomial, ~1 ulp on [-87, 88]): libm's expf is a call the
 * compiler cannot vectorise, and exp dominates softmax, GELU, SiLU and sigmoid. */
#ifndef SC_VMATH_H
#define SC_VMATH_H
#include <math.h>
#include <stdint.h>

static inline float sc_expf(float x) {
  const float hi = 88.3762626647949f, lo = -87.3365447504f;
  float xc = x > hi ? hi : (x < lo ? lo : x);
  float fx = __builtin_floorf(xc * 1.44269504088896341f + 0.5f);
  float r = xc - fx * 0.693359375f;
  r = r - fx * -2.12194440e-4f;
  float z = r * r;
  float y = ((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r +
              4.1665795894e-2f) * r + 1.6666665459e-1f) * r + 5.0000001201e-1f;
  y = y * z + r + 1.0f;
  union { int32_t i; float f; } scale = { ((int32_t)fx + 127) << 23 };
  float out = y * scale.f;
  /* Outside the range: exact limits (and NaN stays NaN). */
  out = x > hi ? INFINITY : out;
  out = x < lo ? 0.0f : out;
  return x != x ? x : out;
}
#endif
