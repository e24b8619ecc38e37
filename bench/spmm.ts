/**
 * `npm run bench -- spmm [--degrees 16,164] [--threads 1,2]`: Y = A·X with A a 16,384 × 16,384
 * CSR pattern of random columns (k per row, weights per edge) and X 16,384 × 64. Our native
 * and js kernels against SciPy's CSR × dense (single-threaded) on the same inputs.
 */
import { Tensor, getBackend, noGrad, setBackend, setThreads, spmm } from '../src/index.ts';
import { random } from '../src/topology/patterns.ts';
import { checkAgreement, emitGroup, randomFloats } from './compare.ts';
import { note, option, timeIt, type Measurement } from './harness.ts';
import { scipySpmm } from './peers/numpy.ts';

export async function run(args: string[]): Promise<void> {
  const n = Number(option(args, '--n') ?? 16384);
  const F = Number(option(args, '--features') ?? 64);
  const degrees = (option(args, '--degrees') ?? '16,164').split(',').map(Number);
  const threadList = (option(args, '--threads') ?? '1,2').split(',').map(Number);
  getBackend('native');
  for (const k of degrees) {
    const bench = `spmm ${n}x${n} k=${k} F=${F}`;
    const top = random(n, n, k, { seed: 7 });
    const values = new Tensor(randomFloats(top.nnz, 3), [top.nnz]);
    const x = new Tensor(randomFloats(n * F, 4), [n, F]);
    setBackend('native');
    const ref = noGrad(() => spmm(top, values, x)).data;
    const flops = 2 * top.nnz * F;
    const row = (impl: string, threads: number, t: { median_ms: number; runs: number }): Measurement => ({
      bench, impl, threads, median_ms: t.median_ms, runs: t.runs, gflops: flops / t.median_ms / 1e6, nnz: top.nnz,
    });
    const sp = await scipySpmm(n, n, F, top.indptr, top.indices, values.data, x.data);
    if (!sp.ok) note(bench, `SciPy skipped: ${sp.reason}`);
    const scipyRow = sp.ok && checkAgreement(bench, sp.impl, sp.output, ref, 1e-5) ? row(sp.impl, 1, sp) : null;
    for (const threads of threadList) {
      const rows: Measurement[] = [];
      setBackend('native');
      setThreads(threads);
      rows.push(row('sparse-coupling native', threads, await timeIt(() => noGrad(() => spmm(top, values, x)), { runs: 15 })));
      // SciPy's CSR × dense has no threads: it is the single-threaded baseline for every row.
      if (scipyRow) rows.push({ ...scipyRow, threads });
      if (threads === 1) {
        setBackend('js');
        rows.push(row('sparse-coupling js', 1, await timeIt(() => noGrad(() => spmm(top, values, x)), { warmup: 1, runs: 5, budgetMs: 0 })));
        setBackend('native');
      }
      emitGroup(rows, rows.map((r) => r.impl));
    }
  }
}
