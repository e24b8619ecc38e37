/**
 * `npm run bench -- gemm [--shapes 1024x1024x1024,256x4096x4096] [--threads 1,2] [--no-js]`:
 * C = A·B in float32. Our native and js backends against onnxruntime-node, tfjs (wasm) and
 * NumPy (OpenBLAS) on the same inputs, 1 and 2 threads. Figures: GFLOP/s (2·M·N·K / time).
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
    const bench = `gemm ${M}x${N}x${K}`;
    const flops = 2 * M * N * K;
    const A = randomFloats(M * K, 1);
    const B = randomFloats(K * N, 2);
    const a = new Tensor(A, [M, K]);
    const b = new Tensor(B, [K, N]);
    setBackend('native');
    const ref = noGrad(() => matmul(a, b)).data;
    const row = (impl: string, threads: number, t: { median_ms: number; runs: number }, extra: Record<string, string | number> = {}): Measurement => ({
      bench, impl, threads, median_ms: t.median_ms, runs: t.runs, gflops: flops / t.median_ms / 1e6, ...extra,
    });

    for (const threads of threadList) {
      const rows: Measurement[] = [];
      setBackend('native');
      setThreads(threads);
      rows.push(row('sparse-coupling native', threads, await timeIt(() => noGrad(() => matmul(a, b))), { simd: simd ?? 'none' }));

      const ort = await ortMatmul(M, N, K, threads, A, B);
      if (!ort.ok) note(bench, `onnxruntime-node skipped: ${ort.reason}`);
      else {
        if (checkAgreement(bench, ort.impl, await ort.run(), ref, 1e-4)) rows.push(row(ort.impl, threads, await timeIt(() => ort.run())));
        await ort.close();
      }

      const np = await numpyMatmul(M, N, K, threads, A, B);
      if (!np.ok) note(bench, `NumPy skipped: ${np.reason}`);
      else if (checkAgreement(bench, np.impl, np.output, ref, 1e-4)) {
        rows.push(row(np.impl, threads, np, np.blas ? { blas: JSON.stringify(np.blas) } : {}));
      }

      if (threads === 1) {
        const tf = await tfjsMatmul(M, N, K, A, B);
        if (!tf.ok) note(bench, `tfjs wasm skipped: ${tf.reason}`);
        else {
          if (checkAgreement(bench, tf.impl, await tf.run(), ref, 1e-4)) rows.push(row(tf.impl, 1, await timeIt(() => tf.run())));
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
