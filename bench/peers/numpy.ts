/**
 * NumPy / SciPy as a benchmark peer, run in a child `python3` (optional: if python3, numpy or
 * scipy is missing, the functions return Unavailable and the caller prints a note).
 *
 * The caller's arrays are written as raw little-endian files into a temp dir; numpy_bench.py
 * loads them with numpy.fromfile, times the op itself (same warm-up/median policy as
 * harness.ts) and writes its output back as raw float32 for the caller's correctness check.
 * Timing happens inside Python, so no process or IPC cost is included.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Unavailable, errorText, unavailable } from './types.ts';

const SCRIPT = fileURLToPath(new URL('./numpy_bench.py', import.meta.url));

/** Arrays the Python side can read (numpy dtype strings, explicitly little-endian). */
type RawArray = Float32Array | Float64Array | Int32Array | BigInt64Array;
function dtypeOf(a: RawArray): string {
  if (a instanceof Float32Array) return '<f4';
  if (a instanceof Float64Array) return '<f8';
  if (a instanceof Int32Array) return '<i4';
  return '<i8';
}

export interface NumpyOptions {
  warmup?: number;
  runs?: number;
  budgetMs?: number;
  /** Python executable (default: $PYTHON or "python3"). */
  python?: string;
  /** Kill the child after this long (default 10 minutes). */
  timeoutMs?: number;
}

/** A finished out-of-process measurement (already timed: no run() to call). */
export interface NumpyResult {
  ok: true;
  /** e.g. "numpy 2.4.6", "scipy 1.17.1 (numpy 2.4.6)". */
  impl: string;
  threads: number;
  median_ms: number;
  runs: number;
  min_ms: number;
  /** BLAS kernel and thread count as seen by the child (threadpoolctl or OpenBLAS itself); may be null. */
  blas: Record<string, unknown> | null;
  /** The op's output, row-major float32, for the caller's correctness check. */
  output: Float32Array;
}

/**
 * Run any op that numpy_bench.py knows (see its OPS table) on the given arrays.
 * Never throws: every failure becomes Unavailable with a one-line reason.
 */
export async function numpyPeer(
  op: string,
  params: Record<string, number>,
  arrays: Record<string, RawArray>,
  threads: number,
  options: NumpyOptions = {},
): Promise<NumpyResult | Unavailable> {
  let dir: string | undefined;
  try {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sc-numpy-'));
    const inputs: Record<string, { path: string; dtype: string }> = {};
    for (const [name, a] of Object.entries(arrays)) {
      const file = path.join(dir, `${name}.bin`);
      // Typed arrays are in host byte order, i.e. little-endian on every platform Node supports here.
      await writeFile(file, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      inputs[name] = { path: file, dtype: dtypeOf(a) };
    }
    const output = path.join(dir, 'out.bin');
    const spec = { op, params, inputs, output, warmup: options.warmup ?? 2, runs: options.runs ?? 7, budget_ms: options.budgetMs ?? 4000 };

    const child = await runPython(options.python ?? process.env.PYTHON ?? 'python3', [SCRIPT, JSON.stringify(spec)], threads, options.timeoutMs ?? 600_000);
    if ('reason' in child) return unavailable(child.reason);
    const lastLine = child.stdout.trim().split('\n').pop() ?? '';
    let result: Record<string, unknown>;
    try {
      result = JSON.parse(lastLine);
    } catch {
      const err = child.stderr.trim().split('\n').pop() || `exit code ${child.code}`;
      return unavailable(`numpy_bench.py failed: ${err}`);
    }
    if (typeof result.unavailable === 'string') return unavailable(result.unavailable);

    const bytes = await readFile(output);
    return {
      ok: true,
      impl: String(result.lib_version),
      threads,
      median_ms: Number(result.median_ms),
      runs: Number(result.runs),
      min_ms: Number(result.min_ms),
      blas: (result.blas as Record<string, unknown> | null) ?? null,
      output: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4),
    };
  } catch (e) {
    return unavailable(`numpy peer: ${errorText(e)}`);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

/** Spawn Python with the BLAS thread count fixed; resolves with its output or a reason it could not run. */
function runPython(
  exe: string,
  args: string[],
  threads: number,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string } | { reason: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENBLAS_NUM_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
  };
  // DESIGN.md: these pin an old core type / cache size and slow a current numpy's OpenBLAS.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return new Promise((resolve) => {
    // Our own timer, not spawn's `timeout` option: that one is only cleared on 'exit', which never
    // comes when the executable is missing, and it would keep Node alive for the whole timeout.
    let timedOut = false;
    const child = spawn(exe, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // 'error' fires instead of 'close' when the executable does not exist (ENOENT).
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ reason: `${exe} cannot be started: ${errorText(e)}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ reason: `${exe} timed out after ${timeoutMs} ms` });
      else if (signal) resolve({ reason: `${exe} was killed by ${signal}` });
      else resolve({ code, stdout, stderr });
    });
  });
}

/** C[M,N] = A[M,K] @ B[K,N] in NumPy (OpenBLAS sgemm) with `threads` BLAS threads. */
export function numpyMatmul(
  M: number,
  N: number,
  K: number,
  threads: number,
  A: Float32Array,
  B: Float32Array,
  options?: NumpyOptions,
  /** np.matmul(A, B, out=C) into one preallocated C instead of A @ B. */
  preallocate = false,
): Promise<NumpyResult | Unavailable> {
  return numpyPeer(preallocate ? 'matmul_out' : 'matmul', { M, N, K }, { A, B }, threads, options);
}

/**
 * Y[rows,n] = S @ X with S a CSR matrix [rows, cols] (scipy.sparse.csr_matrix) and X dense
 * [cols, n]. SciPy's CSR × dense is single-threaded whatever `threads` says.
 */
export function scipySpmm(
  rows: number,
  cols: number,
  n: number,
  indptr: Int32Array,
  indices: Int32Array,
  data: Float32Array,
  X: Float32Array,
  options?: NumpyOptions,
): Promise<NumpyResult | Unavailable> {
  return numpyPeer('scipy_spmm', { rows, cols, n }, { indptr, indices, data, X }, 1, options);
}
