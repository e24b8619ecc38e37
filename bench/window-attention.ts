/**
 * `npm run bench -- window-attention [--n 4096] [--dim 64] [--window 256] [--threads 1,2]`:
 * one head of causal sliding-window attention (each query sees the `window` most recent keys,
 * itself included), forward only. Ours through the shared sparse kernels (SDDMM → edge softmax
 * → SpMM) against our own dense attention with the same kernels and backend (GEMM → softmax →
 * GEMM, with and without the window mask), and onnxruntime-node's ways to run it.
 */
import {
  Tensor, affine, edgeSoftmax, getBackend, matmul, maskedFill, noGrad, sddmm, setBackend, setThreads, softmax, spmm,
} from '../src/index.ts';
import { slidingWindow } from '../src/topology/patterns.ts';
import { checkAgreement, emitGroup, randomFloats } from './compare.ts';
import { note, option, timeIt, type Measurement } from './harness.ts';

export async function run(args: string[]): Promise<void> {
  const n = Number(option(args, '--n') ?? 4096);
  const dim = Number(option(args, '--dim') ?? 64);
  const window = Number(option(args, '--window') ?? 256);
  const threadList = (option(args, '--threads') ?? '1,2').split(',').map(Number);
  getBackend('native');
  setBackend('native');
  const bench = `window-attention n=${n} d=${dim} w=${window} causal`;
  const Q = randomFloats(n * dim, 1);
  const K = randomFloats(n * dim, 2);
  const V = randomFloats(n * dim, 3);
  const q = new Tensor(Q, [n, dim]);
  const k = new Tensor(K, [n, dim]);
  const v = new Tensor(V, [n, dim]);
  const scale = 1 / Math.sqrt(dim);
  const top = slidingWindow(n, window, { causal: true });
  // Scale q once up front (as attention implementations do) rather than every score.
  const sparse = () => noGrad(() => spmm(top, edgeSoftmax(top, sddmm(top, affine(q, scale), k)), v));
  // The dense mask: 1 where a key is outside the window (filled with −∞ before the softmax).
  const maskData = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) maskData[i * n + j] = j > i || j <= i - window ? 1 : 0;
  const mask = new Tensor(maskData, [n, n]);
  const denseMasked = () => noGrad(() => matmul(softmax(maskedFill(matmul(affine(q, scale), k, { transB: true }), mask, -Infinity)), v));
  const denseFull = () => noGrad(() => matmul(softmax(matmul(affine(q, scale), k, { transB: true })), v));
  const ref = sparse().data;

  let ort: typeof import('./peers/onnx-attention.ts') | null = null;
  try {
    ort = await import('./peers/onnx-attention.ts');
  } catch (e) {
    note(bench, `onnxruntime attention peers unavailable: ${(e as Error).message.split('\n')[0]}`);
  }
  const flopsSparse = 4 * top.nnz * dim;
  for (const threads of threadList) {
    setThreads(threads);
    const rows: Measurement[] = [];
    const row = (impl: string, t: { median_ms: number; runs: number }, extra: Record<string, number | string> = {}): Measurement => ({
      bench, impl, threads, median_ms: t.median_ms, runs: t.runs, ...extra,
    });
    const ts = await timeIt(sparse, { runs: 15 });
    rows.push(row('sparse-coupling native sparse (sddmm→edgeSoftmax→spmm)', ts, { nnz: top.nnz, gflops: flopsSparse / ts.median_ms / 1e6 }));
    if (checkAgreement(bench, 'dense masked', denseMasked().data, ref, 1e-4)) {
      rows.push(row('sparse-coupling native dense + window mask', await timeIt(denseMasked)));
    }
    rows.push(row('sparse-coupling native dense (no mask, full n² attention)', await timeIt(denseFull)));
    if (ort) {
      const peers = await ort.ortWindowAttention({ n, dim, window, threads, Q, K, V });
      for (const p of peers) {
        if (!p.ok) {
          note(bench, `onnxruntime strategy skipped: ${p.reason}`);
          continue;
        }
        if (checkAgreement(bench, p.impl, await p.run(), ref, 1e-4)) rows.push(row(p.impl, await timeIt(() => p.run())));
        await p.close();
      }
    }
    emitGroup(rows, rows.map((r) => r.impl));
  }
}
