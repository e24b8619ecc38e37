/**
 * TensorFlow.js with the WebAssembly backend (XNNPACK) as a benchmark peer.
 *
 * In Node the backend is always single-threaded: tfjs reports WASM_HAS_MULTITHREAD_SUPPORT =
 * false when IS_NODE (tfjs issue #3830), so it loads the SIMD, non-threaded binary. The .wasm
 * is read from node_modules through a file path (emscripten uses fs in Node): nothing is fetched.
 * DESIGN.md: its matMul with transposeB is ~10× slower, so B is passed untransposed.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { type InProcessPeer, type Unavailable, errorText, unavailable } from './types.ts';

type Tf = typeof import('@tensorflow/tfjs-core');
type TfWasm = typeof import('@tensorflow/tfjs-backend-wasm');

/** One backend per process: initialise once and share it between peers. */
let ready: Promise<{ tf: Tf; version: string; simd: boolean }> | undefined;

async function initTfjsWasm(): Promise<{ tf: Tf; version: string; simd: boolean }> {
  const tf: Tf = await import('@tensorflow/tfjs-core');
  const wasm: TfWasm = await import('@tensorflow/tfjs-backend-wasm');
  // The package's main file lives in dist/, next to the three .wasm binaries.
  const distDir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  // A prefix string (must end with a separator); usePlatformFetch stays false so emscripten
  // reads the file from disk rather than going through fetch().
  wasm.setWasmPaths(distDir + path.sep);
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
  await tf.ready();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { tf, version: wasm.version_wasm, simd };
}

/** Lazily initialised; a failure is remembered and reported as Unavailable every time. */
function getTfjsWasm() {
  ready ??= initTfjsWasm();
  return ready;
}

/**
 * Row-major float32 GEMM C = A·B with A [M,K], B [K,N] uploaded to the backend once.
 * `run()` is matMul + dataSync (which copies C out of wasm memory) + dispose. Threads: always 1.
 */
export async function tfjsMatmul(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
): Promise<InProcessPeer | Unavailable> {
  if (A.length !== M * K || B.length !== K * N) return unavailable(`tfjsMatmul: A or B has the wrong length for ${M}x${N}x${K}`);
  let backend: Awaited<ReturnType<typeof getTfjsWasm>>;
  try {
    backend = await getTfjsWasm();
  } catch (e) {
    return unavailable(`tfjs wasm backend cannot initialise: ${errorText(e)}`);
  }
  const { tf, version, simd } = backend;
  const a = tf.tensor2d(A, [M, K], 'float32');
  const b = tf.tensor2d(B, [K, N], 'float32');
  return {
    ok: true,
    impl: `tfjs-backend-wasm ${version}${simd ? ' (SIMD)' : ' (no SIMD)'}`,
    version,
    threads: 1,
    run: async () => {
      const c = tf.matMul(a, b);
      const out = c.dataSync() as Float32Array;
      c.dispose();
      return out;
    },
    close: async () => {
      a.dispose();
      b.dispose();
    },
  };
}
