/**
 * `npm run bench -- gemm [--shapes 1024x1024x1024,256x4096x4096] [--threads 1,2] [--no-js]`:
 * C = A·B in float32. Our native and js backends against onnxruntime-node, tfjs (wasm) and
 * NumPy (OpenBLAS) on the same inputs, 1 and 2 threads. Figures: GFLOP/s (2·M·N·K / time).
 *
 * Two modes, each compared only with itself:
 * - `preallocated`: every implementation writes C into one buffer made up front (ours
 *   `matmul(a, b, { out })`, NumPy `matmul(A, B, out=C)`, ORT with a preallocated output).
 *   This measures the GEMM.
 * - `allocating`: a new C per call (ours `matmul(a, b)`, NumPy `A @ B`, ORT's default run).
 *   This adds each runtime's cost of a fresh 4 MB output (zeroing, page faults).
 */
import { Tensor, backendInfo, getBackend, matmul, noGrad, setBackend, setThreads } from '../src/index.ts';
import { checkAgreement, emitGroup, randomFloats } from './compare.ts';
import { note, option, timeIt, type Measurement } from './harness.ts';
import { numpyMatmul } from './peers/numpy.ts';
import { ortMatmul } from './peers/onnxruntime.ts';
import { tfjsMatmul } from './peers/tfjs-wasm.ts';

export async function run(args: string[]): Promise<void> {
  const shapes = (option(args, '--shapes') ?? '1024x1024x1024,256x4096x4096').split(',').map((s) => s.split('x').map(Number) as [number, number, number]);
  const threadList = (option(args, '--threads') ?? '1,2').split(',').map(Number);
  const withJs = !args.includes('--no-js');
  getBackend('native'); // fail loudly if the addon is missing: this benchmark is about it
  const simd = backendInfo().simd;

  for (const [M, N, K] of shapes) {
    const flops = 2 * M * N * K;
    const A = randomFloats(M * K, 1);
    const B = randomFloats(K * N, 2);
    const a = new Tensor(A, [M, K]);
    const b = new Tensor(B, [K, N]);
    const C = new Tensor(new Float32Array(M * N), [M, N]);
    setBackend('native');
    const ref = noGrad(() => matmul(a, b)).data;

    for (const mode of ['preallocated', 'allocating'] as const) {
      const bench = `gemm ${M}x${N}x${K} ${mode}`;
      const pre = mode === 'preallocated';
      const ours = () => noGrad(() => (pre ? matmul(a, b, { out: C }) : matmul(a, b)));
      const row = (impl: string, threads: number, t: { median_ms: number; runs: number }, extra: Record<string, string | number> = {}): Measurement => ({
        bench, impl, threads, median_ms: t.median_ms, runs: t.runs, gflops: flops / t.median_ms / 1e6, ...extra,
      });
      for (const threads of threadList) {
        const rows: Measurement[] = [];
        setBackend('native');
        setThreads(threads);
        rows.push(row('sparse-coupling native', threads, await timeIt(ours, { runs: 11 }), { simd: simd ?? 'none' }));

        const ort = await ortMatmul(M, N, K, threads, A, B, pre);
        if (!ort.ok) note(bench, `onnxruntime-node skipped: ${ort.reason}`);
        else {
          if (checkAgreement(bench, ort.impl, await ort.run(), ref, 1e-4)) rows.push(row('onnxruntime-node', threads, await timeIt(() => ort.run(), { runs: 11 }), { version: ort.version }));
          await ort.close();
        }

        const np = await numpyMatmul(M, N, K, threads, A, B, { runs: 11 }, pre);
        if (!np.ok) note(bench, `NumPy skipped: ${np.reason}`);
        else if (checkAgreement(bench, np.impl, np.output, ref, 1e-4)) {
          rows.push(row('numpy', threads, np, { version: np.impl, ...(np.blas ? { blas: JSON.stringify(np.blas) } : {}) }));
        }

        if (threads === 1 && !pre) {
          const tf = await tfjsMatmul(M, N, K, A, B);
          if (!tf.ok) note(bench, `tfjs wasm skipped: ${tf.reason}`);
          else {
            if (checkAgreement(bench, tf.impl, await tf.run(), ref, 1e-4)) rows.push(row('tfjs-wasm', 1, await timeIt(() => tf.run()), { version: tf.impl }));
            await tf.close();
          }
          if (withJs) {
            setBackend('js');
            const out = noGrad(() => matmul(a, b)).data;
            if (checkAgreement(bench, 'sparse-coupling js', out, ref, 1e-4)) {
              rows.push(row('sparse-coupling js', 1, await timeIt(() => noGrad(() => matmul(a, b)), { warmup: 1, runs: 5, budgetMs: 0 })));
            }
            setBackend('native');
          }
        }
        emitGroup(rows, rows.map((r) => r.impl));
      }
    }
  }
}
