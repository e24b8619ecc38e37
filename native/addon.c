/* Node-API bindings of the native backend. Each binding unpacks typed arrays in place (no
 * copies) and numbers, then calls the kernel. Argument types are checked here as a last line
 * of defence (a TypeError, never a crash); sizes and indices are checked in TypeScript
 * (src/kernels/native/index.ts) before any call. */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gemm.h"
#include "kernels.h"
#ifdef _OPENMP
#include <omp.h>
#endif

#define MAX_ARGS 16



typedef struct {
  napi_env env;
  napi_value argv[MAX_ARGS];
  size_t argc;
  int failed;
  const char *name;
} args_t;

static int unpack(napi_env env, napi_callback_info info, args_t *a, size_t want, const char *name) {
  a->env = env;
  a->argc = MAX_ARGS;
  a->failed = 0;
  a->name = name;
  if (napi_get_cb_info(env, info, &a->argc, a->argv, NULL, NULL) != napi_ok || a->argc < want) {
    char msg[128];
    snprintf(msg, sizeof msg, "native %s: expected %zu arguments", name, want);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

static void fail(args_t *a, size_t i, const char *what) {
  if (a->failed) return;
  a->failed = 1;
  char msg[160];
  snprintf(msg, sizeof msg, "native %s: argument %zu must be %s", a->name, i, what);
  napi_throw_type_error(a->env, NULL, msg);
}

static void *typed(args_t *a, size_t i, napi_typedarray_type want, int nullable) {
  napi_valuetype t;
  napi_typeof(a->env, a->argv[i], &t);
  if (nullable && (t == napi_null || t == napi_undefined)) return NULL;
  bool is;
  napi_is_typedarray(a->env, a->argv[i], &is);
  if (!is) { fail(a, i, want == napi_float32_array ? "a Float32Array" : "an Int32Array"); return NULL; }
  napi_typedarray_type type;
  size_t len;
  void *data;
  napi_get_typedarray_info(a->env, a->argv[i], &type, &len, &data, NULL, NULL);
  if (type != want) { fail(a, i, want == napi_float32_array ? "a Float32Array" : "an Int32Array"); return NULL; }
  return data;
}

static float *f32(args_t *a, size_t i) { return (float *)typed(a, i, napi_float32_array, 0); }
static float *f32n(args_t *a, size_t i) { return (float *)typed(a, i, napi_float32_array, 1); }
static int32_t *i32(args_t *a, size_t i) { return (int32_t *)typed(a, i, napi_int32_array, 0); }
static int32_t *i32n(args_t *a, size_t i) { return (int32_t *)typed(a, i, napi_int32_array, 1); }

static int64_t num_i(args_t *a, size_t i) {
  int64_t v = 0;
  if (napi_get_value_int64(a->env, a->argv[i], &v) != napi_ok) fail(a, i, "a number");
  return v;
}
static double num_d(args_t *a, size_t i) {
  double v = 0;
  if (napi_get_value_double(a->env, a->argv[i], &v) != napi_ok) fail(a, i, "a number");
  return v;
}
static int flag(args_t *a, size_t i) {
  bool v = false;
  if (napi_get_value_bool(a->env, a->argv[i], &v) != napi_ok) fail(a, i, "a boolean");
  return v ? 1 : 0;
}
static int rank_of(args_t *a, size_t i) {
  size_t l = 0;
  napi_get_typedarray_info(a->env, a->argv[i], NULL, &l, NULL, NULL, NULL);
  if (l > SC_MAX_RANK) fail(a, i, "a shape of rank <= 8");
  return (int)l;
}

static napi_value make_int(napi_env env, int64_t v) {
  napi_value r;
  napi_create_int64(env, v, &r);
  return r;
}

#define BEGIN(name, n) args_t A; if (!unpack(env, info, &A, n, name)) return NULL;

static napi_value js_gemm(napi_env env, napi_callback_info info) {
  BEGIN("gemm", 13);
  int64_t M = num_i(&A, 0), N = num_i(&A, 1), K = num_i(&A, 2);
  float alpha = (float)num_d(&A, 3);
  float *a = f32(&A, 4); int64_t lda = num_i(&A, 5); int ta = flag(&A, 6);
  float *b = f32(&A, 7); int64_t ldb = num_i(&A, 8); int tb = flag(&A, 9);
  float beta = (float)num_d(&A, 10);
  float *c = f32(&A, 11); int64_t ldc = num_i(&A, 12);
  if (A.failed) return NULL;
  sc_sgemm(M, N, K, alpha, a, lda, ta, b, ldb, tb, beta, c, ldc, sc_threads);
  return NULL;
}

static napi_value js_unary(napi_env env, napi_callback_info info) {
  BEGIN("unary", 6);
  int op = (int)num_i(&A, 0);
  float *x = f32(&A, 1), *o = f32(&A, 2);
  int64_t n = num_i(&A, 3);
  float p0 = (float)num_d(&A, 4), p1 = (float)num_d(&A, 5);
  if (A.failed) return NULL;
  sc_unary(op, x, o, n, p0, p1);
  return NULL;
}

static napi_value js_unary_backward(napi_env env, napi_callback_info info) {
  BEGIN("unaryBackward", 8);
  int op = (int)num_i(&A, 0);
  float *x = f32(&A, 1), *y = f32(&A, 2), *dy = f32(&A, 3), *dx = f32(&A, 4);
  int64_t n = num_i(&A, 5);
  float p0 = (float)num_d(&A, 6), p1 = (float)num_d(&A, 7);
  if (A.failed) return NULL;
  sc_unary_backward(op, x, y, dy, dx, n, p0, p1);
  return NULL;
}

static napi_value js_binary(napi_env env, napi_callback_info info) {
  BEGIN("binary", 7);
  int op = (int)num_i(&A, 0);
  float *a = f32(&A, 1); int32_t *as = i32(&A, 2);
  float *b = f32(&A, 3); int32_t *bs = i32(&A, 4);
  float *o = f32(&A, 5); int32_t *shape = i32(&A, 6);
  int rank = rank_of(&A, 6);
  if (A.failed) return NULL;
  sc_binary(op, a, as, b, bs, o, shape, rank);
  return NULL;
}

static napi_value js_where(napi_env env, napi_callback_info info) {
  BEGIN("where", 8);
  float *c = f32(&A, 0); int32_t *cs = i32(&A, 1);
  float *a = f32(&A, 2); int32_t *as = i32(&A, 3);
  float *b = f32(&A, 4); int32_t *bs = i32(&A, 5);
  float *o = f32(&A, 6); int32_t *shape = i32(&A, 7);
  int rank = rank_of(&A, 7);
  if (A.failed) return NULL;
  sc_where(c, cs, a, as, b, bs, o, shape, rank);
  return NULL;
}

static napi_value js_strided_copy(napi_env env, napi_callback_info info) {
  BEGIN("stridedCopy", 7);
  float *s = f32(&A, 0); int64_t so = num_i(&A, 1); int32_t *ss = i32(&A, 2);
  float *d = f32(&A, 3); int64_t dof = num_i(&A, 4); int32_t *ds = i32(&A, 5);
  int32_t *shape = i32(&A, 6);
  int rank = rank_of(&A, 6);
  if (A.failed) return NULL;
  sc_strided_copy(s, so, ss, d, dof, ds, shape, rank);
  return NULL;
}

static napi_value js_reduce(napi_env env, napi_callback_info info) {
  BEGIN("reduce", 7);
  int op = (int)num_i(&A, 0);
  float *x = f32(&A, 1);
  int64_t outer = num_i(&A, 2), r = num_i(&A, 3), inner = num_i(&A, 4);
  float *o = f32(&A, 5); int32_t *arg = i32n(&A, 6);
  if (A.failed) return NULL;
  sc_reduce(op, x, outer, r, inner, o, arg);
  return NULL;
}

static napi_value js_reduce_max_backward(napi_env env, napi_callback_info info) {
  BEGIN("reduceMaxBackward", 6);
  float *dy = f32(&A, 0); int32_t *arg = i32(&A, 1);
  int64_t outer = num_i(&A, 2), r = num_i(&A, 3), inner = num_i(&A, 4);
  float *dx = f32(&A, 5);
  if (A.failed) return NULL;
  sc_reduce_max_backward(dy, arg, outer, r, inner, dx);
  return NULL;
}

static napi_value js_softmax(napi_env env, napi_callback_info info) {
  BEGIN("softmax", 5);
  float *x = f32(&A, 0), *o = f32(&A, 1);
  int64_t rows = num_i(&A, 2), cols = num_i(&A, 3);
  int lg = flag(&A, 4);
  if (A.failed) return NULL;
  sc_softmax(x, o, rows, cols, lg);
  return NULL;
}

static napi_value js_softmax_backward(napi_env env, napi_callback_info info) {
  BEGIN("softmaxBackward", 6);
  float *y = f32(&A, 0), *dy = f32(&A, 1), *dx = f32(&A, 2);
  int64_t rows = num_i(&A, 3), cols = num_i(&A, 4);
  int lg = flag(&A, 5);
  if (A.failed) return NULL;
  sc_softmax_backward(y, dy, dx, rows, cols, lg);
  return NULL;
}

static napi_value js_layer_norm(napi_env env, napi_callback_info info) {
  BEGIN("layerNorm", 9);
  float *x = f32(&A, 0), *g = f32n(&A, 1), *b = f32n(&A, 2), *y = f32(&A, 3);
  float *mean = f32(&A, 4), *rstd = f32(&A, 5);
  int64_t rows = num_i(&A, 6), cols = num_i(&A, 7);
  double eps = num_d(&A, 8);
  if (A.failed) return NULL;
  sc_layer_norm(x, g, b, y, mean, rstd, rows, cols, eps);
  return NULL;
}

static napi_value js_layer_norm_backward(napi_env env, napi_callback_info info) {
  BEGIN("layerNormBackward", 10);
  float *x = f32(&A, 0), *g = f32n(&A, 1), *dy = f32(&A, 2), *mean = f32(&A, 3);
  float *rstd = f32(&A, 4), *dx = f32(&A, 5), *dg = f32n(&A, 6), *db = f32n(&A, 7);
  int64_t rows = num_i(&A, 8), cols = num_i(&A, 9);
  if (A.failed) return NULL;
  sc_layer_norm_backward(x, g, dy, mean, rstd, dx, dg, db, rows, cols);
  return NULL;
}

static napi_value js_gather_rows(napi_env env, napi_callback_info info) {
  BEGIN("gatherRows", 5);
  float *t = f32(&A, 0); int32_t *idx = i32(&A, 1);
  int64_t n = num_i(&A, 2), cols = num_i(&A, 3);
  float *o = f32(&A, 4);
  if (A.failed) return NULL;
  sc_gather_rows(t, idx, n, cols, o);
  return NULL;
}

static napi_value js_scatter_add_rows(napi_env env, napi_callback_info info) {
  BEGIN("scatterAddRows", 5);
  float *s = f32(&A, 0); int32_t *idx = i32(&A, 1);
  int64_t n = num_i(&A, 2), cols = num_i(&A, 3);
  float *o = f32(&A, 4);
  if (A.failed) return NULL;
  sc_scatter_add_rows(s, idx, n, cols, o);
  return NULL;
}

static napi_value js_cross_entropy(napi_env env, napi_callback_info info) {
  BEGIN("crossEntropy", 7);
  float *x = f32(&A, 0); int32_t *t = i32(&A, 1);
  int64_t rows = num_i(&A, 2), cols = num_i(&A, 3);
  int32_t ign = (int32_t)num_i(&A, 4);
  float *loss = f32(&A, 5), *lse = f32(&A, 6);
  if (A.failed) return NULL;
  sc_cross_entropy(x, t, rows, cols, ign, loss, lse);
  return NULL;
}

static napi_value js_cross_entropy_backward(napi_env env, napi_callback_info info) {
  BEGIN("crossEntropyBackward", 8);
  float *x = f32(&A, 0); int32_t *t = i32(&A, 1); float *lse = f32(&A, 2), *sc = f32(&A, 3);
  int64_t rows = num_i(&A, 4), cols = num_i(&A, 5);
  int32_t ign = (int32_t)num_i(&A, 6);
  float *d = f32(&A, 7);
  if (A.failed) return NULL;
  sc_cross_entropy_backward(x, t, lse, sc, rows, cols, ign, d);
  return NULL;
}

static napi_value js_adam_step(napi_env env, napi_callback_info info) {
  BEGIN("adamStep", 13);
  float *p = f32(&A, 0), *g = f32(&A, 1), *m = f32(&A, 2), *v = f32(&A, 3);
  int64_t n = num_i(&A, 4);
  float lr = (float)num_d(&A, 5), b1 = (float)num_d(&A, 6), b2 = (float)num_d(&A, 7);
  float eps = (float)num_d(&A, 8), wd = (float)num_d(&A, 9), bc1 = (float)num_d(&A, 10);
  float bc2 = (float)num_d(&A, 11);
  int dec = flag(&A, 12);
  if (A.failed) return NULL;
  sc_adam_step(p, g, m, v, n, lr, b1, b2, eps, wd, bc1, bc2, dec);
  return NULL;
}

static napi_value js_spmm(napi_env env, napi_callback_info info) {
  BEGIN("spmm", 8);
  int64_t rows = num_i(&A, 0);
  int32_t *ptr = i32(&A, 1), *ind = i32(&A, 2);
  float *vals = f32n(&A, 3);
  int64_t heads = num_i(&A, 4), dim = num_i(&A, 5);
  float *x = f32(&A, 6), *y = f32(&A, 7);
  if (A.failed) return NULL;
  sc_spmm(rows, ptr, ind, vals, heads, dim, x, y);
  return NULL;
}

static napi_value js_sddmm(napi_env env, napi_callback_info info) {
  BEGIN("sddmm", 8);
  int64_t rows = num_i(&A, 0);
  int32_t *ptr = i32(&A, 1), *ind = i32(&A, 2);
  float *a = f32(&A, 3), *b = f32(&A, 4);
  int64_t heads = num_i(&A, 5), dim = num_i(&A, 6);
  float *o = f32(&A, 7);
  if (A.failed) return NULL;
  sc_sddmm(rows, ptr, ind, a, b, heads, dim, o);
  return NULL;
}

static napi_value js_edge_softmax(napi_env env, napi_callback_info info) {
  BEGIN("edgeSoftmax", 5);
  int64_t rows = num_i(&A, 0);
  int32_t *ptr = i32(&A, 1);
  int64_t heads = num_i(&A, 2);
  float *s = f32(&A, 3), *o = f32(&A, 4);
  if (A.failed) return NULL;
  sc_edge_softmax(rows, ptr, heads, s, o);
  return NULL;
}

static napi_value js_edge_softmax_backward(napi_env env, napi_callback_info info) {
  BEGIN("edgeSoftmaxBackward", 6);
  int64_t rows = num_i(&A, 0);
  int32_t *ptr = i32(&A, 1);
  int64_t heads = num_i(&A, 2);
  float *y = f32(&A, 3), *dy = f32(&A, 4), *dx = f32(&A, 5);
  if (A.failed) return NULL;
  sc_edge_softmax_backward(rows, ptr, heads, y, dy, dx);
  return NULL;
}

static napi_value js_segment_reduce(napi_env env, napi_callback_info info) {
  BEGIN("segmentReduce", 8);
  int op = (int)num_i(&A, 0);
  int64_t rows = num_i(&A, 1);
  int32_t *ptr = i32(&A, 2), *gather = i32n(&A, 3);
  float *x = f32(&A, 4);
  int64_t F = num_i(&A, 5);
  float *o = f32(&A, 6);
  int32_t *am = i32n(&A, 7);
  if (A.failed) return NULL;
  sc_segment_reduce(op, rows, ptr, gather, x, F, o, am);
  return NULL;
}

static napi_value js_segment_max_backward(napi_env env, napi_callback_info info) {
  BEGIN("segmentMaxBackward", 6);
  int64_t rows = num_i(&A, 0);
  int32_t *gather = i32n(&A, 1), *am = i32(&A, 2);
  float *dout = f32(&A, 3);
  int64_t F = num_i(&A, 4);
  float *dx = f32(&A, 5);
  if (A.failed) return NULL;
  sc_segment_max_backward(rows, gather, am, dout, F, dx);
  return NULL;
}

/* csrCheck(rows, indptr, indices | null) → largest index + 1 (0 if none), or -(rule) when broken. */
static napi_value js_csr_check(napi_env env, napi_callback_info info) {
  BEGIN("csrCheck", 3);
  int64_t rows = num_i(&A, 0);
  int32_t *ptr = i32(&A, 1), *ind = i32n(&A, 2);
  if (A.failed) return NULL;
  size_t plen = 0, ilen = 0;
  napi_get_typedarray_info(env, A.argv[1], NULL, &plen, NULL, NULL, NULL);
  if (ind) napi_get_typedarray_info(env, A.argv[2], NULL, &ilen, NULL, NULL, NULL);
  int64_t max_index = -1;
  int rule = rows < 0 ? 1 : sc_csr_check(rows, ptr, (int64_t)plen, ind, (int64_t)ilen, &max_index);
  return make_int(env, rule ? -rule : max_index + 1);
}

static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  BEGIN("setThreads", 1);
  int64_t n = num_i(&A, 0);
  if (A.failed) return NULL;
  /* The TypeScript side bounds it too; this keeps a raw call from asking OpenMP for more
   * threads than it can create. */
  sc_threads = n < 1 ? 1 : (n > 1024 ? 1024 : (int)n);
  return NULL;
}


static napi_value js_threads(napi_env env, napi_callback_info info) {
  (void)info;
  return make_int(env, sc_threads);
}

/* What the build is: SIMD width in bits, OpenMP, and the cores OpenMP sees. */
static napi_value js_build_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value o, s;
  napi_create_object(env, &o);
  const char *simd =
#if defined(__AVX512F__)
      "avx512";
#elif defined(__AVX2__)
      "avx2";
#elif defined(__SSE2__)
      "sse2";
#elif defined(__ARM_NEON)
      "neon";
#else
      "scalar";
#endif
  napi_create_string_utf8(env, simd, NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, o, "simd", s);
#ifdef _OPENMP
  napi_set_named_property(env, o, "openmp", make_int(env, 1));
  napi_set_named_property(env, o, "maxThreads", make_int(env, omp_get_num_procs()));
#else
  napi_set_named_property(env, o, "openmp", make_int(env, 0));
  napi_set_named_property(env, o, "maxThreads", make_int(env, 1));
#endif
  return o;
}

#define EXPORT(name, fn)                                                   \
  do {                                                                     \
    napi_value f;                                                          \
    napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f);       \
    napi_set_named_property(env, exports, name, f);                        \
  } while (0)

#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* Tensors are large, short-lived buffers. With glibc's defaults a freed multi-megabyte buffer
 * goes back to the OS and the next one is faulted in again page by page (about 1.5 ms per
 * 4 MiB here, more than the GEMM saves by being fast). Keeping blocks up to 256 MiB in the
 * heap lets the next tensor reuse them. SPARSE_COUPLING_MALLOC_TUNING=0 keeps glibc's
 * defaults. */
static void tune_malloc(void) {
#if defined(__GLIBC__)
  const char *v = getenv("SPARSE_COUPLING_MALLOC_TUNING");
  if (v && v[0] == '0') return;
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}

static napi_value init(napi_env env, napi_value exports) {
  tune_malloc();
  EXPORT("gemm", js_gemm);
  EXPORT("unary", js_unary);
  EXPORT("unaryBackward", js_unary_backward);
  EXPORT("binary", js_binary);
  EXPORT("where", js_where);
  EXPORT("stridedCopy", js_strided_copy);
  EXPORT("reduce", js_reduce);
  EXPORT("reduceMaxBackward", js_reduce_max_backward);
  EXPORT("softmax", js_softmax);
  EXPORT("softmaxBackward", js_softmax_backward);
  EXPORT("layerNorm", js_layer_norm);
  EXPORT("layerNormBackward", js_layer_norm_backward);
  EXPORT("gatherRows", js_gather_rows);
  EXPORT("scatterAddRows", js_scatter_add_rows);
  EXPORT("crossEntropy", js_cross_entropy);
  EXPORT("crossEntropyBackward", js_cross_entropy_backward);
  EXPORT("adamStep", js_adam_step);
  EXPORT("spmm", js_spmm);
  EXPORT("sddmm", js_sddmm);
  EXPORT("edgeSoftmax", js_edge_softmax);
  EXPORT("edgeSoftmaxBackward", js_edge_softmax_backward);
  EXPORT("segmentReduce", js_segment_reduce);
  EXPORT("segmentMaxBackward", js_segment_max_backward);
  EXPORT("csrCheck", js_csr_check);
  EXPORT("setThreads", js_set_threads);
  EXPORT("threads", js_threads);
  EXPORT("buildInfo", js_build_info);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
