/* Packed, blocked, register-tiled SGEMM (row-major) -- see gemm.h for the API.
 *
 * Structure (GotoBLAS/BLIS style, written for row-major C with SIMD vectors
 * running along N):
 *
 *   for ic in M step MC
 *     for pc in K step KC
 *       pack A block (MC x KC) into MR-row micro-panels   a[k*MR + r]
 *       for jc in N step NC
 *         pack B block (KC x NC) into NR-wide micro-panels  b[k*NR + j]
 *         for ir in MC step MR            A micro-panel (12x256 = 12 KiB) in L1
 *           for jr in NC step NR          B micro-panels stream from L2
 *             micro-kernel: MR x NR tile of C (+)= A-panel * B-panel
 *
 * KC=256 / NC=1024: the B block (1 MiB) stays in the 2 MiB L2, the A
 * micro-panel in the 48 KiB L1d.  Sources of the *next* block and the next C
 * tile are software-prefetched between kernel calls, because rows lda/ldb
 * apart defeat the hardware streamer (it stops at 4 KiB pages).  Both A and B
 * are zero padded to MR/NR, so the kernel never branches on edges; only the
 * store of a partial tile goes through a small scratch tile.  Transposed
 * operands are handled in the packing routines, so the caller never pays for
 * an explicit transpose.
 *
 * Vector width is chosen at compile time: AVX-512 (16 floats, 12x32 tile:
 * 24 zmm accumulators + 2 B vectors, A broadcast from memory), AVX/AVX2
 * (8 floats, 6x16 tile in 16 ymm), NEON/SSE (4 floats), otherwise plain scalar.
 *
 * Threading: the problem is split into fixed contiguous ranges of whole NR
 * column tiles (or MR row tiles when M is much larger than N), one per thread.
 * Each thread packs its own operands into thread-local buffers, so there is
 * no synchronisation inside the parallel region and K is never split: the
 * result is bitwise reproducible for a given thread count.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_WIN32)
#define _POSIX_C_SOURCE 200112L /* posix_memalign under -std=c11 */
#endif
#include "gemm.h"

#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(__GNUC__) && (defined(__AVX512F__) || defined(__FMA__))
#include <immintrin.h>
#endif

/* ------------------------------------------------------------------ config */

#if defined(__GNUC__) && !defined(SC_GEMM_FORCE_SCALAR)
#if defined(__AVX512F__)
#define SC_VL 16 /* floats per vector */
#define SC_MR 12 /* rows per register tile */
#define SC_NV 2  /* vectors per tile row: NR = 32 */
#elif defined(__AVX__)
#define SC_VL 8
#define SC_MR 6
#define SC_NV 2
#elif defined(__aarch64__)
#define SC_VL 4 /* NEON has 32 q registers: 8x12 tile = 24 accumulators */
#define SC_MR 8
#define SC_NV 3
#elif defined(__SSE2__) || defined(__ARM_NEON)
#define SC_VL 4 /* 16 xmm registers: 12 accumulators + 2 B + 1 broadcast */
#define SC_MR 6
#define SC_NV 2
#else
#define SC_VL 1
#define SC_MR 4
#define SC_NV 4
#endif
#else
#define SC_VL 1
#define SC_MR 4
#define SC_NV 4
#endif

#define SC_NR (SC_VL * SC_NV)

/* KC: depth of one packed block.  A micro-panel (MR*KC*4 = 12 KiB) sits in
   the 48 KiB L1d next to the 32 KiB B micro-panel being streamed.  NC: B block
   of KC*NC*4 = 1 MiB fits in the 2 MiB L2.  MC: A block rows (1 MiB), packed
   once per KC step and reused for every NC block.  (Measured sweep: KC 192..512,
   NC 256..2048; 256/1024 was best for both 1024^3 and 256x4096x4096.) */
#ifndef SC_KC
#define SC_KC 256
#endif
#ifndef SC_NC
#define SC_NC 1024
#endif
#ifndef SC_MC
#define SC_MC 1024
#endif
#ifndef SC_PF_LOCALITY
#define SC_PF_LOCALITY 1
#endif

/* Row prefetch distance used when packing B. */
#ifndef SC_PF_ROWS
#define SC_PF_ROWS 4
#endif
/* Below this many multiply-adds the packed path's fixed costs dominate. */
#ifndef SC_SMALL_MNK
#define SC_SMALL_MNK (96 * 96 * 96)
#endif
#ifndef SC_SMALL_M
#define SC_SMALL_M 4
#endif
/* ~100 us of single-core work: below this, don't open a parallel region. */
#ifndef SC_PAR_MIN_FLOPS
#define SC_PAR_MIN_FLOPS 1.5e7
#endif

#if defined(_MSC_VER) && !defined(__clang__)
#define SC_TLS __declspec(thread)
#define SC_INLINE __forceinline
#define SC_RESTRICT __restrict
#else
#define SC_TLS _Thread_local
#define SC_INLINE static inline __attribute__((always_inline))
#define SC_RESTRICT restrict
#endif

#if defined(__GNUC__)
#define SC_UNROLL(n) _Pragma("GCC unroll 16")
#define SC_PREFETCH(p) __builtin_prefetch(p)
#define SC_PREFETCH_L2(p) __builtin_prefetch((p), 0, SC_PF_LOCALITY)
#else
#define SC_PREFETCH_L2(p) ((void)0)
#define SC_UNROLL(n)
#define SC_PREFETCH(p) ((void)0)
#endif

/* ----------------------------------------------------------- vector layer */

#if SC_VL > 1
typedef float vf __attribute__((vector_size(SC_VL * 4)));
/* Unaligned, aliasing-safe view for loads/stores to user memory. */
typedef float vfu __attribute__((vector_size(SC_VL * 4), aligned(4), may_alias));

SC_INLINE vf vload(const float *p) { return *(const vfu *)p; }
SC_INLINE vf vloada(const float *p) { return *(const vf *)p; } /* packed buffers: 64B aligned */
SC_INLINE void vstore(float *p, vf v) { *(vfu *)p = v; }

/* Explicit splat: `(vf){0} + x` style broadcasts keep a real add (because of
   -0.0); an initializer list lets the compiler fold the broadcast into the
   FMA's memory operand (vfmadd231ps m32{1to16}). */
#define SC_X4(x) x, x, x, x
#if SC_VL == 16
SC_INLINE vf splat(float x) { return (vf){SC_X4(x), SC_X4(x), SC_X4(x), SC_X4(x)}; }
#elif SC_VL == 8
SC_INLINE vf splat(float x) { return (vf){SC_X4(x), SC_X4(x)}; }
#else
SC_INLINE vf splat(float x) { return (vf){SC_X4(x)}; }
#endif

/* a*b + c.  Use the FMA intrinsic where available so the fused form does not
   depend on -ffp-contract. */
#if defined(__AVX512F__) && SC_VL == 16
SC_INLINE vf vfma(vf a, vf b, vf c) { return (vf)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c); }
#elif defined(__FMA__) && SC_VL == 8
SC_INLINE vf vfma(vf a, vf b, vf c) { return (vf)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c); }
#else
SC_INLINE vf vfma(vf a, vf b, vf c) { return a * b + c; }
#endif

#else /* scalar fallback */
typedef float vf;
SC_INLINE vf vload(const float *p) { return *p; }
SC_INLINE vf vloada(const float *p) { return *p; }
SC_INLINE void vstore(float *p, vf v) { *p = v; }
SC_INLINE vf splat(float x) { return x; }
SC_INLINE vf vfma(vf a, vf b, vf c) { return a * b + c; }
#endif

/* ------------------------------------------------------ thread-local buffers */

static void *sc_aligned_alloc(size_t bytes)
{
#if defined(_MSC_VER)
    return _aligned_malloc(bytes, 64);
#else
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0) return NULL;
    return p;
#endif
}

static void sc_aligned_free(void *p)
{
#if defined(_MSC_VER)
    _aligned_free(p);
#else
    free(p);
#endif
}

/* Each thread (caller or OpenMP worker) keeps one buffer that only grows.
   Its size is bounded by the block sizes (~1.6 MiB), so it is reused by every
   later call instead of allocating per call.  Returns NULL on OOM. */
static SC_TLS float *tl_buf = NULL;
static SC_TLS size_t tl_cap = 0; /* in floats */

static float *get_buf(size_t nfloats)
{
    if (tl_cap < nfloats) {
        sc_aligned_free(tl_buf);
        tl_buf = (float *)sc_aligned_alloc(nfloats * sizeof(float));
        tl_cap = tl_buf ? nfloats : 0;
    }
    return tl_buf;
}

/* ------------------------------------------------------------------ packing */

/* A micro-panel: rows i0..i0+mr-1 of op(A), depth p0..p0+kc-1 -> dst[k*MR + r].
   Rows mr..MR-1 are zero.  Cost is amortised over the whole jr loop. */
static void pack_a(const float *A, int64_t lda, int transA, int64_t i0, int mr,
                   int64_t p0, int64_t kc, float *SC_RESTRICT dst)
{
    if (!transA) {
        for (int r = 0; r < mr; r++) {
            const float *s = A + (i0 + r) * lda + p0;
            /* Rows are lda apart (often a new page each): prefetch the row
               one micro-panel ahead while this one is copied. */
            const float *pf = s + SC_MR * lda;
            for (int64_t k = 0; k < kc; k += 16) SC_PREFETCH(pf + k);
            for (int64_t k = 0; k < kc; k++) dst[k * SC_MR + r] = s[k];
        }
        if (mr < SC_MR)
            for (int64_t k = 0; k < kc; k++)
                for (int r = mr; r < SC_MR; r++) dst[k * SC_MR + r] = 0.f;
    } else {
        for (int64_t k = 0; k < kc; k++) {
            const float *s = A + (p0 + k) * lda + i0;
            float *d = dst + k * SC_MR;
            int r = 0;
            for (; r < mr; r++) d[r] = s[r];
            for (; r < SC_MR; r++) d[r] = 0.f;
        }
    }
}

/* B block: depth p0..p0+kc-1, columns j0..j0+nc-1 of op(B) -> consecutive
   NR-wide micro-panels, panel q at dst + q*kc*NR, element (k,j) at k*NR + j.
   Columns past nc are zero. */
static void pack_b(const float *B, int64_t ldb, int transB, int64_t p0, int64_t kc,
                   int64_t j0, int64_t nc, float *SC_RESTRICT dst)
{
    if (!transB) {
        /* Walk B row by row (contiguous source, so hardware prefetch streams
           it), scattering NR-wide pieces into the panels. */
        const int64_t nfull = nc / SC_NR, rem = nc - nfull * SC_NR;
        for (int64_t k = 0; k < kc; k++) {
            const float *s = B + (p0 + k) * ldb + j0;
            float *d = dst + k * SC_NR;
            /* Rows are often a page apart, where the hardware streamer stops:
               prefetch a few rows ahead so several rows are in flight. */
            const float *pf = k + SC_PF_ROWS < kc ? s + SC_PF_ROWS * ldb : NULL;
            for (int64_t q = 0; q < nfull; q++, s += SC_NR, d += kc * SC_NR) {
                if (pf) {
                    SC_PREFETCH(pf + q * SC_NR);
                    SC_PREFETCH(pf + q * SC_NR + SC_NR - 1);
                }
                SC_UNROLL(SC_NV)
                for (int v = 0; v < SC_NV; v++) vstore(d + v * SC_VL, vload(s + v * SC_VL));
            }
            if (rem) {
                int j = 0;
                for (; j < rem; j++) d[j] = s[j];
                for (; j < SC_NR; j++) d[j] = 0.f;
            }
        }
        return;
    }
    for (int64_t jp = 0; jp < nc; jp += SC_NR) {
        const int nr = (int)(nc - jp < SC_NR ? nc - jp : SC_NR);
        float *d = dst + (jp / SC_NR) * kc * SC_NR;
        {
            /* op(B)(k, j) = B[j*ldb + k]: read rows of B contiguously, scatter
               into the panel.  Process 4 columns at a time so each k touches
               one destination cache line with several stores. */
            const float *s = B + (j0 + jp) * ldb + p0;
            int j = 0;
            for (; j + 4 <= nr; j += 4) {
                const float *s0 = s + (int64_t)j * ldb, *s1 = s0 + ldb, *s2 = s1 + ldb, *s3 = s2 + ldb;
                for (int64_t k = 0; k < kc; k++) {
                    float *dk = d + k * SC_NR + j;
                    dk[0] = s0[k];
                    dk[1] = s1[k];
                    dk[2] = s2[k];
                    dk[3] = s3[k];
                }
            }
            for (; j < nr; j++) {
                const float *sj = s + (int64_t)j * ldb;
                for (int64_t k = 0; k < kc; k++) d[k * SC_NR + j] = sj[k];
            }
            if (nr < SC_NR)
                for (int64_t k = 0; k < kc; k++)
                    for (int jj = nr; jj < SC_NR; jj++) d[k * SC_NR + jj] = 0.f;
        }
    }
}

/* ------------------------------------------------------------- micro-kernel */

/* C[0:mr, 0:nr] = alpha * (a-panel x b-panel) + beta * C  (beta == 0: C not read).
   `mr` is a compile-time constant in every instantiation below, so acc[][]
   is fully register-allocated (never index it with a runtime value). */
SC_INLINE void tile_impl(const int mr, int64_t kc, const float *SC_RESTRICT a,
                         const float *SC_RESTRICT b, float *SC_RESTRICT C, int64_t ldc,
                         int nr, float alpha, float beta)
{
    vf acc[SC_MR][SC_NV];
    SC_UNROLL(SC_MR)
    for (int r = 0; r < mr; r++) {
        SC_UNROLL(SC_NV)
        for (int v = 0; v < SC_NV; v++) acc[r][v] = splat(0.f);
    }

#if defined(__GNUC__)
#pragma GCC unroll 4
#endif
    for (int64_t k = 0; k < kc; k++) {
        vf bv[SC_NV];
        SC_UNROLL(SC_NV)
        for (int v = 0; v < SC_NV; v++) bv[v] = vloada(b + v * SC_VL);
        SC_UNROLL(SC_MR)
        for (int r = 0; r < mr; r++) {
            const vf ar = splat(a[r]);
            SC_UNROLL(SC_NV)
            for (int v = 0; v < SC_NV; v++) acc[r][v] = vfma(ar, bv[v], acc[r][v]);
        }
        a += SC_MR;
        b += SC_NR;
    }

    const vf va = splat(alpha), vb = splat(beta);
    if (nr == SC_NR) {
        if (beta == 0.f) {
            SC_UNROLL(SC_MR)
            for (int r = 0; r < mr; r++) {
                SC_UNROLL(SC_NV)
                for (int v = 0; v < SC_NV; v++) vstore(C + r * ldc + v * SC_VL, va * acc[r][v]);
            }
        } else {
            SC_UNROLL(SC_MR)
            for (int r = 0; r < mr; r++) {
                SC_UNROLL(SC_NV)
                for (int v = 0; v < SC_NV; v++) {
                    float *c = C + r * ldc + v * SC_VL;
                    vstore(c, vfma(vb, vload(c), va * acc[r][v]));
                }
            }
        }
    } else {
        /* Partial tile: spill through a scratch tile (constant indices only). */
        float tmp[SC_MR * SC_NR] __attribute__((aligned(64)));
        SC_UNROLL(SC_MR)
        for (int r = 0; r < mr; r++) {
            SC_UNROLL(SC_NV)
            for (int v = 0; v < SC_NV; v++) vstore(tmp + r * SC_NR + v * SC_VL, va * acc[r][v]);
        }
        for (int r = 0; r < mr; r++) {
            float *c = C + r * ldc;
            const float *t = tmp + r * SC_NR;
            if (beta == 0.f)
                for (int j = 0; j < nr; j++) c[j] = t[j];
            else
                for (int j = 0; j < nr; j++) c[j] = beta * c[j] + t[j];
        }
    }
}

typedef void (*tile_fn)(int64_t, const float *, const float *, float *, int64_t, int, float, float);

#define SC_DEF_TILE(R)                                                                        \
    static void tile_##R(int64_t kc, const float *a, const float *b, float *C, int64_t ldc,  \
                         int nr, float alpha, float beta)                                    \
    {                                                                                        \
        tile_impl(R, kc, a, b, C, ldc, nr, alpha, beta);                                     \
    }

SC_DEF_TILE(1)
SC_DEF_TILE(2)
SC_DEF_TILE(3)
SC_DEF_TILE(4)
#if SC_MR >= 6
SC_DEF_TILE(5)
SC_DEF_TILE(6)
#endif
#if SC_MR >= 8
SC_DEF_TILE(7)
SC_DEF_TILE(8)
#endif
#if SC_MR >= 12
SC_DEF_TILE(9)
SC_DEF_TILE(10)
SC_DEF_TILE(11)
SC_DEF_TILE(12)
#endif

/* Row-remainder tiles get their own exact kernels (no wasted FMAs on padding). */
static const tile_fn tiles[SC_MR + 1] = {
    NULL, tile_1, tile_2, tile_3, tile_4,
#if SC_MR >= 6
    tile_5, tile_6,
#endif
#if SC_MR >= 8
    tile_7, tile_8,
#endif
#if SC_MR >= 12
    tile_9, tile_10, tile_11, tile_12,
#endif
};

/* ------------------------------------------------------------ packed driver */

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* Software prefetch of a strided 2-D region (the *source* of the next block
   to be packed), issued a few lines at a time between micro-kernel calls so
   the DRAM/L3 traffic for the next block overlaps with this block's FMAs. */
typedef struct {
    const char *base;
    int64_t stride; /* bytes between rows */
    int64_t lpr;    /* 64-byte lines per row */
    int64_t total;  /* rows * lpr */
    int64_t idx, row, col;
} pf_region;

static pf_region pf_make(const float *base, int64_t stride_floats, int64_t rows, int64_t row_floats)
{
    pf_region r;
    r.base = (const char *)base;
    r.stride = stride_floats * (int64_t)sizeof(float);
    r.lpr = ceil_div(row_floats, 16);
    r.total = rows > 0 && row_floats > 0 ? rows * r.lpr : 0;
    r.idx = r.row = r.col = 0;
    return r;
}

static void pf_issue(pf_region *r, int64_t n)
{
    for (int64_t e = r->idx + n; r->idx < e && r->idx < r->total; r->idx++) {
        SC_PREFETCH_L2(r->base + r->row * r->stride + r->col * 64);
        if (++r->col == r->lpr) {
            r->col = 0;
            r->row++;
        }
    }
}

/* Source region of op(A) rows i0..i0+m, depth p0..p0+k. */
static pf_region pf_a(const float *A, int64_t lda, int transA, int64_t i0, int64_t m, int64_t p0, int64_t k)
{
    return transA ? pf_make(A + p0 * lda + i0, lda, k, m) : pf_make(A + i0 * lda + p0, lda, m, k);
}

/* Source region of op(B) depth p0..p0+k, columns j0..j0+n. */
static pf_region pf_b(const float *B, int64_t ldb, int transB, int64_t p0, int64_t k, int64_t j0, int64_t n)
{
    return transB ? pf_make(B + j0 * ldb + p0, ldb, n, k) : pf_make(B + p0 * ldb + j0, ldb, k, n);
}

/* Even-sized blocks (e.g. K=1024 -> 3 x 344 rather than 384+384+256) so no
   block is short; rounded up to `mult`. */
static int64_t even_block(int64_t n, int64_t maxb, int64_t mult)
{
    const int64_t nb = ceil_div(n, maxb);
    return ceil_div(ceil_div(n, nb), mult) * mult;
}

/* Serial packed GEMM on a sub-problem.  A, B, C already point at the
   sub-problem's first row of op(A) / column of op(B) / element of C. */
static void gemm_packed(int64_t M, int64_t N, int64_t K, float alpha,
                        const float *A, int64_t lda, int transA,
                        const float *B, int64_t ldb, int transB,
                        float beta, float *C, int64_t ldc)
{
    const int64_t kcb = even_block(K, SC_KC, 8);
    const int64_t ncb = even_block(N, SC_NC, SC_NR);
    const int64_t mcb = even_block(M, SC_MC, SC_MR);

    float *abuf = get_buf((size_t)(kcb * ncb + kcb * mcb));
    if (!abuf) return; /* out of memory: nothing sensible to do in a void API */
    float *bbuf = abuf + kcb * mcb;

    for (int64_t ic = 0; ic < M; ic += mcb) {
        const int64_t mc = M - ic < mcb ? M - ic : mcb;
        for (int64_t pc = 0; pc < K; pc += kcb) {
            const int64_t kc = K - pc < kcb ? K - pc : kcb;
            const float beff = pc == 0 ? beta : 1.f;
            /* A block: packed once per (ic, pc) and reused for every jc. */
            for (int64_t ir = 0; ir < mc; ir += SC_MR) {
                const int mr = (int)(mc - ir < SC_MR ? mc - ir : SC_MR);
                pack_a(A, lda, transA, ic + ir, mr, pc, kc, abuf + ir * kc);
            }
            for (int64_t jc = 0; jc < N; jc += ncb) {
                const int64_t nc = N - jc < ncb ? N - jc : ncb;
                pack_b(B, ldb, transB, pc, kc, jc, nc, bbuf);

                /* Prefetch what gets packed next: the next B block, or at the
                   end of a jc sweep the next A block and first B block. */
                pf_region pa = {0}, pb = {0};
                if (jc + ncb < N) {
                    pb = pf_b(B, ldb, transB, pc, kc, jc + ncb, N - jc - ncb < ncb ? N - jc - ncb : ncb);
                } else if (pc + kcb < K) {
                    const int64_t k2 = K - pc - kcb < kcb ? K - pc - kcb : kcb;
                    pa = pf_a(A, lda, transA, ic, mc, pc + kcb, k2);
                    pb = pf_b(B, ldb, transB, pc + kcb, k2, 0, N < ncb ? N : ncb);
                } else if (ic + mcb < M) {
                    pa = pf_a(A, lda, transA, ic + mcb, M - ic - mcb < mcb ? M - ic - mcb : mcb, 0,
                              K < kcb ? K : kcb);
                    pb = pf_b(B, ldb, transB, 0, K < kcb ? K : kcb, 0, N < ncb ? N : ncb);
                }
                const int64_t calls = ceil_div(mc, SC_MR) * ceil_div(nc, SC_NR);
                const int64_t step_a = ceil_div(pa.total, calls), step_b = ceil_div(pb.total, calls);

                for (int64_t ir = 0; ir < mc; ir += SC_MR) {
                    const int mr = (int)(mc - ir < SC_MR ? mc - ir : SC_MR);
                    const tile_fn fn = tiles[mr];
                    const float *ap = abuf + ir * kc, *bp = bbuf;
                    float *Crow = C + (ic + ir) * ldc + jc;
                    for (int64_t jr = 0; jr < nc; jr += SC_NR, bp += kc * SC_NR) {
                        const int nr = (int)(nc - jr < SC_NR ? nc - jr : SC_NR);
                        pf_issue(&pa, step_a);
                        pf_issue(&pb, step_b);
                        /* C is only touched after the k loop: fetch the *next*
                           tile's rows now so a whole kernel call hides the
                           miss (C is re-read once per KC block). */
                        const float *cn = jr + SC_NR < nc ? Crow + jr + SC_NR
                                          : ir + SC_MR < mc ? Crow + SC_MR * ldc : NULL;
                        if (cn) {
                            const int nmr = cn == Crow + jr + SC_NR ? mr
                                          : (int)(mc - ir - SC_MR < SC_MR ? mc - ir - SC_MR : SC_MR);
                            for (int r = 0; r < nmr; r++) {
                                SC_PREFETCH(cn + r * ldc);
                                SC_PREFETCH(cn + r * ldc + SC_NR - 1);
                            }
                        }
                        fn(kc, ap, bp, Crow + jr, ldc, nr, alpha, beff);
                    }
                }
            }
        }
    }
}

/* ------------------------------------------------------------- small path */

/* Tiny problems: no packing, no buffers.  4-row x 2-vector register tile read
   straight from A and B; handles op(B) only in non-transposed form (callers
   with transB go through the packed path, whose B packing does the
   transpose). */
#define SC_SR 4
#define SC_SV 2
static void gemm_small(int64_t M, int64_t N, int64_t K, float alpha,
                       const float *A, int64_t lda, int transA,
                       const float *B, int64_t ldb,
                       float beta, float *C, int64_t ldc)
{
    const int64_t ars = transA ? 1 : lda; /* stride between rows i of op(A) */
    const int64_t acs = transA ? lda : 1; /* stride between k of op(A) */
    for (int64_t i = 0; i < M; i += SC_SR) {
        const int mr = (int)(M - i < SC_SR ? M - i : SC_SR);
        const float *Ai = A + i * ars;
        int64_t j = 0;
        if (mr == SC_SR) {
            for (; j + SC_SV * SC_VL <= N; j += SC_SV * SC_VL) {
                vf acc[SC_SR][SC_SV];
                SC_UNROLL(SC_SR)
                for (int r = 0; r < SC_SR; r++) {
                    SC_UNROLL(SC_SV)
                    for (int v = 0; v < SC_SV; v++) acc[r][v] = splat(0.f);
                }
                for (int64_t k = 0; k < K; k++) {
                    const float *bk = B + k * ldb + j;
                    vf bv[SC_SV];
                    SC_UNROLL(SC_SV)
                    for (int v = 0; v < SC_SV; v++) bv[v] = vload(bk + v * SC_VL);
                    SC_UNROLL(SC_SR)
                    for (int r = 0; r < SC_SR; r++) {
                        const vf ar = splat(Ai[r * ars + k * acs]);
                        SC_UNROLL(SC_SV)
                        for (int v = 0; v < SC_SV; v++) acc[r][v] = vfma(ar, bv[v], acc[r][v]);
                    }
                }
                const vf va = splat(alpha), vb = splat(beta);
                SC_UNROLL(SC_SR)
                for (int r = 0; r < SC_SR; r++) {
                    SC_UNROLL(SC_SV)
                    for (int v = 0; v < SC_SV; v++) {
                        float *c = C + (i + r) * ldc + j + v * SC_VL;
                        vstore(c, beta == 0.f ? va * acc[r][v] : vfma(vb, vload(c), va * acc[r][v]));
                    }
                }
            }
        }
        /* Remaining columns (and partial row groups): 4 / 1 vectors, scalar. */
        for (int r = 0; r < mr; r++) {
            const float *Ar = Ai + r * ars;
            float *c = C + (i + r) * ldc;
            int64_t jj = j;
            for (; jj + 4 * SC_VL <= N; jj += 4 * SC_VL) {
                vf acc[4];
                SC_UNROLL(4)
                for (int v = 0; v < 4; v++) acc[v] = splat(0.f);
                for (int64_t k = 0; k < K; k++) {
                    const vf ar = splat(Ar[k * acs]);
                    SC_UNROLL(4)
                    for (int v = 0; v < 4; v++) acc[v] = vfma(ar, vload(B + k * ldb + jj + v * SC_VL), acc[v]);
                }
                SC_UNROLL(4)
                for (int v = 0; v < 4; v++) {
                    float *cv = c + jj + v * SC_VL;
                    vstore(cv, beta == 0.f ? splat(alpha) * acc[v]
                                           : vfma(splat(beta), vload(cv), splat(alpha) * acc[v]));
                }
            }
            for (; jj + SC_VL <= N; jj += SC_VL) {
                vf acc = splat(0.f);
                for (int64_t k = 0; k < K; k++) acc = vfma(splat(Ar[k * acs]), vload(B + k * ldb + jj), acc);
                vstore(c + jj, beta == 0.f ? splat(alpha) * acc
                                           : vfma(splat(beta), vload(c + jj), splat(alpha) * acc));
            }
            for (; jj < N; jj++) {
                float s = 0.f;
                for (int64_t k = 0; k < K; k++) s += Ar[k * acs] * B[k * ldb + jj];
                c[jj] = beta == 0.f ? alpha * s : beta * c[jj] + alpha * s;
            }
        }
    }
}

/* ------------------------------------------------------------------- entry */

static void scale_c(int64_t M, int64_t N, float beta, float *C, int64_t ldc)
{
    for (int64_t i = 0; i < M; i++) {
        float *c = C + i * ldc;
        if (beta == 0.f)
            memset(c, 0, (size_t)N * sizeof(float));
        else if (beta != 1.f)
            for (int64_t j = 0; j < N; j++) c[j] *= beta;
    }
}

void sc_sgemm(int64_t M, int64_t N, int64_t K, float alpha,
              const float *A, int64_t lda, int transA,
              const float *B, int64_t ldb, int transB,
              float beta, float *C, int64_t ldc, int threads)
{
    if (M <= 0 || N <= 0) return;
    /* BLAS convention: alpha == 0 (or K == 0) only scales C, A/B unread. */
    if (K <= 0 || alpha == 0.f) {
        scale_c(M, N, beta, C, ldc);
        return;
    }

    const double mnk = (double)M * (double)N * (double)K;
    /* Tiny problems, and very short M (GEMV-like: B would be packed for only
       a few uses), run unpacked. */
    if (!transB && N >= SC_VL && (mnk <= (double)SC_SMALL_MNK || M <= SC_SMALL_M)) {
        gemm_small(M, N, K, alpha, A, lda, transA, B, ldb, beta, C, ldc);
        return;
    }

    int T = threads;
    if (2.0 * mnk < SC_PAR_MIN_FLOPS) T = 1;
#ifndef _OPENMP
    T = 1;
#endif
    /* Split the dimension whose duplicate packing is cheaper: splitting N
       makes every thread pack all of A (M*K), splitting M duplicates B (K*N). */
    const int64_t tn = ceil_div(N, SC_NR), tm = ceil_div(M, SC_MR);
    int splitN = (M <= N);
    if (splitN && tn < T && tm > tn) splitN = 0;
    else if (!splitN && tm < T && tn > tm) splitN = 1;
    const int64_t tiles_split = splitN ? tn : tm;
    if (T > tiles_split) T = (int)tiles_split;

    if (T <= 1) {
        gemm_packed(M, N, K, alpha, A, lda, transA, B, ldb, transB, beta, C, ldc);
        return;
    }

#ifdef _OPENMP
#pragma omp parallel num_threads(T)
    {
        const int nt = omp_get_num_threads(), t = omp_get_thread_num();
        /* Fixed contiguous ranges of whole tiles: deterministic, balanced to
           within one tile. */
        const int64_t t0 = tiles_split * t / nt, t1 = tiles_split * (t + 1) / nt;
        if (splitN) {
            const int64_t j0 = t0 * SC_NR, j1 = (t1 * SC_NR < N) ? t1 * SC_NR : N;
            if (j1 > j0)
                gemm_packed(M, j1 - j0, K, alpha, A, lda, transA,
                            transB ? B + j0 * ldb : B + j0, ldb, transB, beta, C + j0, ldc);
        } else {
            const int64_t i0 = t0 * SC_MR, i1 = (t1 * SC_MR < M) ? t1 * SC_MR : M;
            if (i1 > i0)
                gemm_packed(i1 - i0, N, K, alpha, transA ? A + i0 : A + i0 * lda, lda, transA,
                            B, ldb, transB, beta, C + i0 * ldc, ldc);
        }
    }
#endif
}
