/* Packed, blocked, register-tiled SGEMM (row-major) -- see gemm.h for the API.
 *
 * Structure (GotoBLAS/BLIS style, written for row-major C with SIMD vectors
 * running along N):
 *
 *   for ic in M step MC
 *     for pc in K step KC
 *       for jc in N step NC
 *         pack B block (KC x NC) into NR-wide micro-panels  b[k*NR + j]
 *         for ir in MC step MR            A micro-panel (6x256 = 6 KiB) in L1
 *           (jc == 0: pack this A micro-panel, a[k*MR + r])
 *           for jr in NC step NR          B micro-panels stream from L2
 *             micro-kernel: MR x NR tile of C (+)= A-panel * B-panel
 *
 * KC=256 / NC=1024: the B block (1 MiB) stays in the 2 MiB L2, the A
 * micro-panel in the 48 KiB L1d.  A is packed panel by panel right before
 * the panel's first use (op(A) = A^T: as a whole block, row-streaming), so a
 * packed panel does not make a round trip through L2/L3.  Sources of the
 * next A panel, the next B block and the next C tile are software-prefetched
 * between kernel calls, because rows lda/ldb apart defeat the hardware
 * streamer (it stops at 4 KiB pages).  Both A and B are zero padded to
 * MR/NR, so the kernel never branches on edges; only the store of a partial
 * tile goes through a small scratch tile.  Transposed operands are handled
 * in the packing routines (4x8 register transposes), so the caller never
 * pays for an explicit transpose.
 *
 * Vector width is chosen at compile time: AVX-512 (16 floats, 6x64 tile:
 * 24 zmm accumulators + 4 B vectors + 1 A broadcast), AVX/AVX2 (8 floats,
 * 6x16 tile in 16 ymm), NEON/SSE (4 floats), otherwise plain scalar.
 *
 * Why 6x64 rather than 12x32 (both 24 accumulators): with the operands in
 * L1, the kernel loop reaches ~98% of FMA peak with B loads only, but every
 * extra load per FMA costs (12x32: 2 B loads + 12 broadcasts per 24 FMAs,
 * ~85% of peak; embedded {1to16} broadcasts, 24 loads, ~79%).  6x64 needs
 * 4 + 6 loads per 24 FMAs, and halves the A panel; together with the
 * vectorised, panel-lazy A packing it measured (1 thread, reused C)
 * 1024^3 ~150 -> ~162, 256x4096x4096 ~133 -> ~142 GFLOP/s.  Cost: edge
 * tiles waste more when N is not a multiple of 64.
 *
 * Threading: the problem is split into fixed contiguous ranges of whole NR
 * column tiles or MR row tiles (whichever duplicates less packing work, see
 * sc_sgemm), one per thread.
 * Each thread packs its own operands into thread-local buffers, so there is
 * no synchronisation inside the parallel region and K is never split: the
 * result is bitwise reproducible for a given thread count.  With the N split
 * each thread visits its row tiles starting at its own fraction of the rows
 * (see macro_kernel), so on a freshly allocated C the threads page-fault
 * different pages concurrently instead of contending for the same ones
 * (measured 2 threads, 1024^3, fresh 4 MB output: ~222 -> ~247 GFLOP/s).
 * Tried and rejected (measured slower or unstable on the 2-core target): a
 * B block shared between threads (cooperative packing + barrier, M split);
 * larger KC/NC for 2 threads; software prefetch of B inside the micro-kernel;
 * madvise(MADV_HUGEPAGE) / MADV_POPULATE_WRITE on the caller's C; FMAs with
 * embedded-broadcast A operands (more load uops, slower); 8x48 tile (between
 * 12x32 and 6x64); KC=384/512 (only with NC shrunk to keep B in L2, then no
 * gain, and slower for 256x4096x4096).
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

#if defined(__AVX__) || defined(__AVX512F__) || defined(__FMA__)
#include <immintrin.h>
#endif

/* ------------------------------------------------------------------ config */

#if defined(__GNUC__) && !defined(SC_GEMM_FORCE_SCALAR)
#if defined(__AVX512F__)
#define SC_VL 16 /* floats per vector */
#define SC_MR 6  /* rows per register tile */
#define SC_NV 4  /* vectors per tile row: NR = 64 (see the header comment) */
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

/* KC: depth of one packed block.  The A micro-panel (AVX-512: MR*KC*4 =
   6 KiB) stays in the 48 KiB L1d while B micro-panels (64 KiB) stream
   through it from L2.  NC: B block of KC*NC*4 = 1 MiB fits in the 2 MiB L2.
   MC: A block rows (1 MiB), packed during the first NC block and reused by
   the others.  (Measured sweeps, 12x32 and 6x64 tiles: KC 128..512, NC
   256..2048; 256/1024 was best or tied for 1024^3 and 256x4096x4096.) */
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

/* dst[c*W + r] = s[r*ld + c] for r < rows, c < cols, and 0 for rows <= r < W:
   a transposing copy, used for op(A) = A (W = MR) and op(B) = B^T (W = NR).
   With AVX, 4 rows x 8 columns are transposed in registers (4x4 blocks in
   each 128-bit lane) and written as 16-byte row pieces, instead of one
   scalar store per element (1024^3, 12-row panels: pack A 0.86 -> 0.55 ms,
   the rest is waiting for A).  Rows are ld apart (often a new page each), so
   the same rows of the next panel, W rows further, are prefetched while
   this one is copied. */
static void pack_transpose(const float *s, int64_t ld, int rows, int64_t cols, int W,
                           float *SC_RESTRICT dst)
{
    int r = 0;
#if defined(__AVX__)
    for (; r + 4 <= rows; r += 4) {
        const float *s0 = s + r * ld, *s1 = s0 + ld, *s2 = s1 + ld, *s3 = s2 + ld;
        const float *pf = s0 + W * ld;
        int64_t c = 0;
        for (; c + 8 <= cols; c += 8) {
            if ((c & 15) == 0)
                for (int q = 0; q < 4; q++) SC_PREFETCH(pf + q * ld + c);
            const __m256 a0 = _mm256_loadu_ps(s0 + c), a1 = _mm256_loadu_ps(s1 + c);
            const __m256 a2 = _mm256_loadu_ps(s2 + c), a3 = _mm256_loadu_ps(s3 + c);
            const __m256 t0 = _mm256_unpacklo_ps(a0, a1), t1 = _mm256_unpackhi_ps(a0, a1);
            const __m256 t2 = _mm256_unpacklo_ps(a2, a3), t3 = _mm256_unpackhi_ps(a2, a3);
            /* u_i lane 0 = column c+i of the 4 rows, lane 1 = column c+4+i */
            const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            float *d = dst + c * W + r;
            _mm_storeu_ps(d, _mm256_castps256_ps128(u0));
            _mm_storeu_ps(d + W, _mm256_castps256_ps128(u1));
            _mm_storeu_ps(d + 2 * W, _mm256_castps256_ps128(u2));
            _mm_storeu_ps(d + 3 * W, _mm256_castps256_ps128(u3));
            _mm_storeu_ps(d + 4 * W, _mm256_extractf128_ps(u0, 1));
            _mm_storeu_ps(d + 5 * W, _mm256_extractf128_ps(u1, 1));
            _mm_storeu_ps(d + 6 * W, _mm256_extractf128_ps(u2, 1));
            _mm_storeu_ps(d + 7 * W, _mm256_extractf128_ps(u3, 1));
        }
        for (; c < cols; c++) {
            float *d = dst + c * W + r;
            d[0] = s0[c];
            d[1] = s1[c];
            d[2] = s2[c];
            d[3] = s3[c];
        }
    }
    /* Two remaining rows (MR = 6): pairs of values, 8-byte pieces. */
    for (; r + 2 <= rows; r += 2) {
        const float *s0 = s + r * ld, *s1 = s0 + ld;
        int64_t c = 0;
        for (; c + 8 <= cols; c += 8) {
            const __m256 a0 = _mm256_loadu_ps(s0 + c), a1 = _mm256_loadu_ps(s1 + c);
            const __m256 t0 = _mm256_unpacklo_ps(a0, a1), t1 = _mm256_unpackhi_ps(a0, a1);
            const __m128 l0 = _mm256_castps256_ps128(t0), h0 = _mm256_extractf128_ps(t0, 1);
            const __m128 l1 = _mm256_castps256_ps128(t1), h1 = _mm256_extractf128_ps(t1, 1);
            float *d = dst + c * W + r;
            _mm_storel_pi((__m64 *)d, l0);
            _mm_storeh_pi((__m64 *)(d + W), l0);
            _mm_storel_pi((__m64 *)(d + 2 * W), l1);
            _mm_storeh_pi((__m64 *)(d + 3 * W), l1);
            _mm_storel_pi((__m64 *)(d + 4 * W), h0);
            _mm_storeh_pi((__m64 *)(d + 5 * W), h0);
            _mm_storel_pi((__m64 *)(d + 6 * W), h1);
            _mm_storeh_pi((__m64 *)(d + 7 * W), h1);
        }
        for (; c < cols; c++) {
            dst[c * W + r] = s0[c];
            dst[c * W + r + 1] = s1[c];
        }
    }
#endif
    for (; r < rows; r++) {
        const float *sr = s + r * ld;
        for (int64_t c = 0; c < cols; c++) dst[c * W + r] = sr[c];
    }
    if (rows < W)
        for (int64_t c = 0; c < cols; c++)
            for (int rr = rows; rr < W; rr++) dst[c * W + rr] = 0.f;
}

/* A micro-panel of op(A) = A: rows i0..i0+mr-1, depth p0..p0+kc-1 ->
   dst[k*MR + r], rows mr..MR-1 zero. */
static void pack_a_panel(const float *A, int64_t lda, int64_t i0, int mr, int64_t p0, int64_t kc,
                         float *SC_RESTRICT dst)
{
    pack_transpose(A + i0 * lda + p0, lda, mr, kc, SC_MR, dst);
}

/* Whole A block of op(A) = A^T (A stored K x M): rows i0..i0+mc-1, depth
   p0..p0+kc-1 -> consecutive MR-row micro-panels (panel q at dst + q*kc*MR).
   Walks A row by row (contiguous along M) scattering MR-wide pieces, like
   pack_b, rather than panel by panel: a panel alone would touch kc rows
   (pages) for 48 bytes each. */
static void pack_a_block_t(const float *A, int64_t lda, int64_t i0, int64_t mc, int64_t p0,
                           int64_t kc, float *SC_RESTRICT dst)
{
    const int64_t nfull = mc / SC_MR, rem = mc - nfull * SC_MR;
    for (int64_t k = 0; k < kc; k++) {
        const float *s = A + (p0 + k) * lda + i0;
        float *d = dst + k * SC_MR;
        if (k + SC_PF_ROWS < kc)
            for (int64_t j = 0; j < mc; j += 16) SC_PREFETCH(s + SC_PF_ROWS * lda + j);
        for (int64_t q = 0; q < nfull; q++, s += SC_MR, d += kc * SC_MR) {
#if defined(__AVX512F__) && SC_VL == 16 && SC_MR < 16
            const __mmask16 m = (__mmask16)((1u << SC_MR) - 1); /* MR floats */
            _mm512_mask_storeu_ps(d, m, _mm512_maskz_loadu_ps(m, s));
#else
            for (int r = 0; r < SC_MR; r++) d[r] = s[r];
#endif
        }
        if (rem) {
            int r = 0;
            for (; r < rem; r++) d[r] = s[r];
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
        /* op(B)(k, j) = B[j*ldb + k]: a transposing copy of nr rows of B. */
        pack_transpose(B + (j0 + jp) * ldb + p0, ldb, nr, kc, SC_NR, d);
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
    /* A row that does not start on a line boundary may span one more line. */
    if (((uintptr_t)base | (uintptr_t)r.stride) & 63) r.lpr++;
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

/* Where the A block comes from when macro_kernel packs it itself. */
typedef struct {
    const float *A;
    int64_t lda, i0, p0; /* block = rows i0.. of A, depth p0.. (op(A) = A) */
} a_src;

/* Macro-kernel: C[0:mc, 0:nc] (+)= A block (mc x kc) * packed B block
   (kc x nc).  If `as` is set, each A micro-panel is packed into abuf right
   before its first use (so it is still in L1 for the kernel, instead of
   going to L2/L3 and back as a whole 1 MiB block would) and the source of
   the next panel is prefetched during this panel's sweep; otherwise abuf
   already holds the packed block.  Between micro-kernel calls it also issues
   a share of the prefetches of `pb` (source of the B block packed next) and
   fetches the next C tile, which is otherwise only touched after the k loop.
   Row tiles are visited starting at tile `t0` (wrapping around): with the N
   split, thread t starts at its own fraction t/nt of the rows, so the
   threads first-touch (page-fault) different pages of a fresh C at the same
   time instead of all faulting, and waiting on, the same pages.  The order
   of the tiles does not change any result. */
static void macro_kernel(int64_t mc, int64_t nc, int64_t kc, float *abuf, const float *bbuf,
                         float *C, int64_t ldc, float alpha, float beff, const a_src *as,
                         pf_region *pb, const pf_region *pnext, int64_t t0)
{
    const int64_t mt = ceil_div(mc, SC_MR), nt = ceil_div(nc, SC_NR);
    const int64_t step_b = ceil_div(pb->total, mt * nt);
    int64_t step_a = 0;
    pf_region pa = {0};

    for (int64_t ti = 0, ir = t0 * SC_MR; ti < mt; ti++) {
        const int mr = (int)(mc - ir < SC_MR ? mc - ir : SC_MR);
        const tile_fn fn = tiles[mr];
        const float *ap = abuf + ir * kc, *bp = bbuf;
        float *Crow = C + ir * ldc;
        /* Next row tile in visiting order (for the C and A prefetches). */
        int64_t irn = ir + SC_MR < mc ? ir + SC_MR : 0;
        if (ti + 1 == mt) irn = -1;
        const int nmr = irn >= 0 ? (int)(mc - irn < SC_MR ? mc - irn : SC_MR) : 0;
        if (as) {
            pack_a_panel(as->A, as->lda, as->i0 + ir, mr, as->p0, kc, abuf + ir * kc);
            if (irn >= 0) pa = pf_a(as->A, as->lda, 0, as->i0 + irn, nmr, as->p0, kc);
        } else if (pnext && ti == 0) {
            pa = *pnext;
            pnext = NULL;
        }
        if (as || ti == 0) step_a = ceil_div(pa.total, as ? nt : mt * nt);
        for (int64_t jr = 0; jr < nc; jr += SC_NR, bp += kc * SC_NR) {
            const int nr = (int)(nc - jr < SC_NR ? nc - jr : SC_NR);
            pf_issue(&pa, step_a);
            pf_issue(pb, step_b);
            /* C is only touched after the k loop: fetch the *next* tile's
               rows now so a whole kernel call hides the miss (C is re-read
               once per KC block). */
            const float *cn = NULL;
            int cmr = mr;
            if (jr + SC_NR < nc)
                cn = Crow + jr + SC_NR;
            else if (irn >= 0) {
                cn = C + irn * ldc;
                cmr = nmr;
            }
            if (cn)
                for (int r = 0; r < cmr; r++) {
                    SC_PREFETCH(cn + r * ldc);
                    SC_PREFETCH(cn + r * ldc + SC_NR - 1);
                }
            fn(kc, ap, bp, Crow + jr, ldc, nr, alpha, beff);
        }
        ir = irn;
    }
}

/* Serial packed GEMM on a sub-problem.  A, B, C already point at the
   sub-problem's first row of op(A) / column of op(B) / element of C.
   t / nt: this thread's index and the number of threads splitting N (only
   used to choose where each macro-kernel starts; 0 / 1 when serial). */
static void gemm_packed(int64_t M, int64_t N, int64_t K, float alpha,
                        const float *A, int64_t lda, int transA,
                        const float *B, int64_t ldb, int transB,
                        float beta, float *C, int64_t ldc, int t, int nt)
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
            /* op(A) = A: the A block is packed panel by panel during the
               first jc sweep (see macro_kernel) and reused by the others.
               op(A) = A^T: packed here as a whole, row-streaming. */
            const a_src as = {A, lda, ic, pc};
            if (transA) pack_a_block_t(A, lda, ic, mc, pc, kc, abuf);
            for (int64_t jc = 0; jc < N; jc += ncb) {
                const int64_t nc = N - jc < ncb ? N - jc : ncb;
                pack_b(B, ldb, transB, pc, kc, jc, nc, bbuf);

                /* Prefetch what gets packed next: the next B block, and for
                   op(A) = A^T at the end of a jc sweep the next A block. */
                pf_region pb = {0}, pa = {0};
                if (jc + ncb < N) {
                    pb = pf_b(B, ldb, transB, pc, kc, jc + ncb, N - jc - ncb < ncb ? N - jc - ncb : ncb);
                } else if (pc + kcb < K) {
                    const int64_t k2 = K - pc - kcb < kcb ? K - pc - kcb : kcb;
                    pb = pf_b(B, ldb, transB, pc + kcb, k2, 0, N < ncb ? N : ncb);
                    if (transA) pa = pf_a(A, lda, 1, ic, mc, pc + kcb, k2);
                } else if (ic + mcb < M) {
                    pb = pf_b(B, ldb, transB, 0, K < kcb ? K : kcb, 0, N < ncb ? N : ncb);
                    if (transA)
                        pa = pf_a(A, lda, 1, ic + mcb, M - ic - mcb < mcb ? M - ic - mcb : mcb, 0,
                                  K < kcb ? K : kcb);
                }
                macro_kernel(mc, nc, kc, abuf, bbuf, C + ic * ldc + jc, ldc, alpha, beff,
                             !transA && jc == 0 ? &as : NULL, &pb, &pa, ceil_div(mc, SC_MR) * t / nt);
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
       makes every thread pack all of A (M*K), splitting M duplicates B (K*N).
       A transposing pack (op(A) = A, op(B) = B^T) costs about twice a
       row copy, hence the weights (measured, 2 threads: 256^3 NN 257 -> 303,
       512^3 296 -> 318 GFLOP/s with the M split; TT/NT/TN prefer N). */
    const int64_t tn = ceil_div(N, SC_NR), tm = ceil_div(M, SC_MR);
    int splitN = (transA ? 1 : 2) * M <= (transB ? 2 : 1) * N;
    if (splitN && tn < T && tm > tn) splitN = 0;
    else if (!splitN && tm < T && tn > tm) splitN = 1;
    const int64_t tiles_split = splitN ? tn : tm;
    if (T > tiles_split) T = (int)tiles_split;

    if (T <= 1) {
        gemm_packed(M, N, K, alpha, A, lda, transA, B, ldb, transB, beta, C, ldc, 0, 1);
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
                            transB ? B + j0 * ldb : B + j0, ldb, transB, beta, C + j0, ldc, t, nt);
        } else {
            const int64_t i0 = t0 * SC_MR, i1 = (t1 * SC_MR < M) ? t1 * SC_MR : M;
            if (i1 > i0)
                gemm_packed(i1 - i0, N, K, alpha, transA ? A + i0 : A + i0 * lda, lda, transA,
                            B, ldb, transB, beta, C + i0 * ldc, ldc, 0, 1);
        }
    }
#endif
}
