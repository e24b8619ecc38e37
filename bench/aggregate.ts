/**
 * `npm run bench -- aggregate`: graph message passing on a graph of 100,000 nodes and 1,000,000
 * random directed edges (duplicates merged), 128 features, weighted sum of neighbours (SpMM with
 * edge weights): our native kernel against SciPy's CSR × dense on the same inputs.
 */
import { Generator, Tensor, getBackend, noGrad, setBackend, setThreads, spmm } from '../src/index.ts';
import { fromEdges } from '../src/topology/patterns.ts';
import { checkAgreement, emitGroup, randomFloats } from './compare.ts';
import { note, option, timeIt, type Measurement } from './harness.ts';
import { scipySpmm } from './peers/numpy.ts';

export async function run(args: string[]): Promise<void> {
  const nodes = 100_000;
  const edges = 1_000_000;
  const F = 128;
  const threadList = (option(args, '--threads') ?? '1,2').split(',').map(Number);
  getBackend('native');
  const g = new Generator(11);
  const src = new Int32Array(edges);
  const dst = new Int32Array(edges);
  for (let e = 0; e < edges; e++) {
    src[e] = g.int(0, nodes);
    dst[e] = g.int(0, nodes);
  }
  // Rows are targets: node i aggregates from the sources of its incoming edges.
  const top = fromEdges(nodes, nodes, dst, src);
  const bench = `aggregate ${nodes} nodes ${top.nnz} edges F=${F}`;
  const w = new Tensor(randomFloats(top.nnz, 5), [top.nnz]);
  const x = new Tensor(randomFloats(nodes * F, 6), [nodes, F]);
  setBackend('native');
  const ref = noGrad(() => spmm(top, w, x)).data;
  const row = (impl: string, threads: number, t: { median_ms: number; runs: number }): Measurement => ({
    bench, impl, threads, median_ms: t.median_ms, runs: t.runs, gbps_gathered: (top.nnz * F * 4) / t.median_ms / 1e6,
  });
  const sp = await scipySpmm(nodes, nodes, F, top.indptr, top.indices, w.data, x.data);
  if (!sp.ok) note(bench, `SciPy skipped: ${sp.reason}`);
  const scipyRow = sp.ok && checkAgreement(bench, sp.impl, sp.output, ref, 1e-5) ? row(sp.impl, 1, sp) : null;
  for (const threads of threadList) {
    setThreads(threads);
    const rows: Measurement[] = [row('sparse-coupling native', threads, await timeIt(() => noGrad(() => spmm(top, w, x)), { runs: 9 }))];
    if (scipyRow) rows.push({ ...scipyRow, threads });
    emitGroup(rows, rows.map((r) => r.impl));
  }
}
