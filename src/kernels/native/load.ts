/** Finds and loads the compiled addon (build/Release/sparse_coupling.node). */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The raw functions the addon exports (see native/addon.c). */
export interface NativeAddon {
  gemm(...a: unknown[]): void;
  unary(...a: unknown[]): void;
  unaryBackward(...a: unknown[]): void;
  binary(...a: unknown[]): void;
  where(...a: unknown[]): void;
  stridedCopy(...a: unknown[]): void;
  reduce(...a: unknown[]): void;
  reduceMaxBackward(...a: unknown[]): void;
  softmax(...a: unknown[]): void;
  softmaxBackward(...a: unknown[]): void;
  layerNorm(...a: unknown[]): void;
  layerNormBackward(...a: unknown[]): void;
  gatherRows(...a: unknown[]): void;
  scatterAddRows(...a: unknown[]): void;
  crossEntropy(...a: unknown[]): void;
  crossEntropyBackward(...a: unknown[]): void;
  adamStep(...a: unknown[]): void;
  spmm(...a: unknown[]): void;
  sddmm(...a: unknown[]): void;
  edgeSoftmax(...a: unknown[]): void;
  edgeSoftmaxBackward(...a: unknown[]): void;
  segmentReduce(...a: unknown[]): void;
  segmentMaxBackward(...a: unknown[]): void;
  csrCheck(rows: number, indptr: Int32Array, indices: Int32Array | null): number;
  setThreads(n: number): void;
  threads(): number;
  buildInfo(): { simd: string; openmp: number; maxThreads: number };
}

export type LoadResult = { addon: NativeAddon; path: string } | { addon: null; reason: string };

/** The package root: the nearest folder above this file with a binding.gyp. */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'binding.gyp'))) return dir;
    dir = dirname(dir);
  }
  return null;
}

export function loadAddon(): LoadResult {
  const root = packageRoot();
  if (!root) return { addon: null, reason: 'package root (binding.gyp) not found' };
  const path = join(root, 'build', 'Release', 'sparse_coupling.node');
  if (!existsSync(path)) {
    return { addon: null, reason: `addon not built (${join('build', 'Release', 'sparse_coupling.node')} missing; run npm install or npm rebuild)` };
  }
  try {
    const require = createRequire(import.meta.url);
    return { addon: require(path) as NativeAddon, path };
  } catch (e) {
    return { addon: null, reason: `addon failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}
