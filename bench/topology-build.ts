/**
 * Build time and memory of the big pattern constructors at n = 65,536, window 256 — they must
 * never touch an n × n array. Prints one JSON line per pattern: median/min build ms over fresh
 * builds (the pattern cache is cleared before each), and the memory one build adds
 * (arrayBuffers and heapUsed deltas, measured around a single build after a GC when run with
 * --expose-gc). Run: node --expose-gc --import tsx bench/topology-build.ts
 * (or register `run` in bench/run.ts as `topology-build`).
 */
import { pathToFileURL } from 'node:url';
import { emit, timeIt } from './harness.ts';
import { bigBird, clearTopologyCache, slidingWindow } from '../src/topology/index.ts';
import type { Topology } from '../src/topology/index.ts';

const N = 65536;
const WINDOW = 256;

const cases: Array<{ bench: string; config: string; build: () => Topology }> = [
  { bench: 'topology-build/slidingWindow', config: `n=${N}, window=${WINDOW}`, build: () => slidingWindow(N, WINDOW) },
  { bench: 'topology-build/slidingWindow-causal', config: `n=${N}, window=${WINDOW}, causal`, build: () => slidingWindow(N, WINDOW, { causal: true }) },
  // BigBird's paper configuration: 64-token blocks, 3 window blocks (192 tokens), 2 global, 3 random.
  { bench: 'topology-build/bigBird', config: `n=${N}, block=64, windowBlocks=3, globalBlocks=2, randomBlocks=3, seed=0`, build: () => bigBird(N, { block: 64, windowBlocks: 3, globalBlocks: 2, randomBlocks: 3, seed: 0 }) },
  // A window of at least 256 tokens in whole blocks (windowBlocks is odd): 3 blocks of 128.
  { bench: 'topology-build/bigBird', config: `n=${N}, block=128, windowBlocks=3, globalBlocks=2, randomBlocks=3, seed=0`, build: () => bigBird(N, { block: 128, windowBlocks: 3, globalBlocks: 2, randomBlocks: 3, seed: 0 }) },
];

const gc = (globalThis as { gc?: () => void }).gc;

async function settle(): Promise<void> {
  // Two collections with a turn of the event loop between: array buffers are freed late.
  for (let k = 0; k < 2; k++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function memoryOfOneBuild(build: () => Topology): Promise<{ arrayBuffers_mb: number; heapUsed_mb: number; nnz: number }> {
  clearTopologyCache();
  await settle();
  const before = process.memoryUsage();
  const t = build();
  const after = process.memoryUsage();
  const mb = (x: number): number => x / 2 ** 20;
  const out = { arrayBuffers_mb: mb(after.arrayBuffers - before.arrayBuffers), heapUsed_mb: mb(after.heapUsed - before.heapUsed), nnz: t.nnz };
  clearTopologyCache();
  return out;
}

export async function run(): Promise<void> {
  for (const c of cases) {
    const mem = await memoryOfOneBuild(c.build);
    const time = await timeIt(
      () => {
        clearTopologyCache();
        c.build();
      },
      { warmup: 1, runs: 7 },
    );
    clearTopologyCache();
    emit({
      bench: c.bench,
      impl: 'js',
      threads: 1,
      median_ms: time.median_ms,
      min_ms: time.min_ms,
      runs: time.runs,
      config: c.config,
      nnz: mem.nnz,
      csr_mb: ((mem.nnz + N + 1) * 4) / 2 ** 20,
      arrayBuffers_delta_mb: mem.arrayBuffers_mb,
      heapUsed_delta_mb: mem.heapUsed_mb,
      gc_exposed: gc !== undefined,
    });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
