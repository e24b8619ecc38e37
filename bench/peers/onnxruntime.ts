/**
 * onnxruntime-node as a benchmark peer (CPU execution provider).
 *
 * Inputs are wrapped as ort.Tensor once at setup, so a timed `run()` is just `session.run`
 * (plus ORT allocating its output tensor, which every call pays anyway).
 * See DESIGN.md "Kernel facts": check a peer's output before timing it (ORT's MoE layout bug).
 */
import type * as OrtTypes from 'onnxruntime-node';
import { buildModel } from './onnx-model.ts';
import { type InProcessPeer, type Unavailable, errorText, unavailable } from './types.ts';

type Ort = typeof OrtTypes;
let ortModule: Promise<Ort> | undefined;

/** Imported lazily so a machine without onnxruntime-node gets `Unavailable`, not a crash at import. */
function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node') as Promise<Ort>;
  return ortModule;
}

/** The onnxruntime-node version string (e.g. "1.30.0"), or null if it cannot be loaded. */
export async function ortVersion(): Promise<string | null> {
  try {
    return (await loadOrt()).env.versions.node ?? null;
  } catch {
    return null;
  }
}

export type OrtFeed =
  | { type: 'float32'; data: Float32Array; dims: readonly number[] }
  | { type: 'int32'; data: Int32Array; dims: readonly number[] }
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] };

/**
 * General runner for any model built with `buildModel`: creates a session with `threads` intra-op
 * threads, wraps the feeds once, and returns a `run()` resolving to the named output's data.
 * Attention and other peers build on this; `ortMatmul` is the simplest user.
 */
export async function ortSession(
  model: Uint8Array,
  feeds: Record<string, OrtFeed>,
  outputName: string,
  threads: number,
  /** Write the output into this buffer (of the output's dims) instead of a fresh one each run. */
  preallocated?: { data: Float32Array; dims: readonly number[] },
): Promise<InProcessPeer | Unavailable> {
  let ort: Ort;
  try {
    ort = await loadOrt();
  } catch (e) {
    return unavailable(`onnxruntime-node cannot be loaded: ${errorText(e)}`);
  }
  let session: OrtTypes.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      // One op per graph here: inter-op parallelism would only add idle threads.
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
  } catch (e) {
    return unavailable(`onnxruntime session creation failed: ${errorText(e)}`);
  }
  const wrapped: Record<string, OrtTypes.Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) wrapped[name] = new ort.Tensor(f.type, f.data, f.dims);
  const version = ort.env.versions.node ?? 'unknown';
  const fetches = preallocated ? { [outputName]: new ort.Tensor('float32', preallocated.data, preallocated.dims) } : null;
  return {
    ok: true,
    impl: `onnxruntime-node ${version}${preallocated ? ' (preallocated output)' : ''}`,
    version,
    threads,
    run: async () => {
      const out = fetches ? await session.run(wrapped, fetches) : await session.run(wrapped);
      return out[outputName].data as Float32Array;
    },
    close: () => session.release(),
  };
}

/** The ONNX graph C[M,N] = A[M,K] · B[K,N] (standard MatMul, opset 21). */
export function matmulModel(M: number, N: number, K: number): Uint8Array {
  return buildModel({
    inputs: [
      { name: 'A', shape: [M, K] },
      { name: 'B', shape: [K, N] },
    ],
    outputs: [{ name: 'C', shape: [M, N] }],
    nodes: [{ opType: 'MatMul', inputs: ['A', 'B'], outputs: ['C'] }],
  });
}

/**
 * Row-major float32 GEMM, C = A·B, with A [M,K] and B [K,N] as *inputs* (not initializers), so
 * ORT cannot pre-pack B at load time; this matches a library call that receives both operands.
 */
export async function ortMatmul(
  M: number,
  N: number,
  K: number,
  threads: number,
  A: Float32Array,
  B: Float32Array,
  /** Write C into one buffer allocated up front rather than a new one per run. */
  preallocate = false,
): Promise<InProcessPeer | Unavailable> {
  if (A.length !== M * K || B.length !== K * N) return unavailable(`ortMatmul: A or B has the wrong length for ${M}x${N}x${K}`);
  return ortSession(
    matmulModel(M, N, K),
    { A: { type: 'float32', data: A, dims: [M, K] }, B: { type: 'float32', data: B, dims: [K, N] } },
    'C',
    threads,
    preallocate ? { data: new Float32Array(M * N), dims: [M, N] } : undefined,
  );
}
