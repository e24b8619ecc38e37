/**
 * Which backend runs the kernels. `native` when the addon loads, else `js` with a one-line
 * notice on stderr. `SPARSE_COUPLING_BACKEND=js|native` or `setBackend()` choose explicitly
 * (asking for `native` when it cannot load is an error, never a silent fallback);
 * `SPARSE_COUPLING_THREADS` sets the native thread count (default: all cores).
 */
import { availableParallelism } from 'node:os';
import { ArgumentError, BackendError } from '../errors.ts';
import type { Backend } from './backend.ts';
import { jsBackend } from './js/index.ts';
import { makeNativeBackend } from './native/index.ts';
import { loadAddon, type NativeAddon } from './native/load.ts';

export type BackendName = 'js' | 'native';

export interface BackendInfo {
  /** The backend that runs now. */
  name: BackendName;
  /** Threads its kernels use. */
  threads: number;
  /** Whether the native addon loaded, and why not when it did not. */
  nativeAvailable: boolean;
  nativeUnavailableReason: string | null;
  /** SIMD the addon was compiled for (avx512, avx2, sse2, neon, scalar), when loaded. */
  simd: string | null;
}

let nativeState: { addon: NativeAddon | null; backend: Backend | null; reason: string | null } | null = null;
let current: Backend | null = null;

function native(): { backend: Backend | null; reason: string | null; addon: NativeAddon | null } {
  if (!nativeState) {
    const r = loadAddon();
    if (r.addon) {
      nativeState = { addon: r.addon, backend: makeNativeBackend(r.addon), reason: null };
      nativeState.backend!.setThreads(threadsFromEnv());
    } else {
      nativeState = { addon: null, backend: null, reason: r.reason };
    }
  }
  return nativeState;
}

/** More threads than this only oversubscribes the cores (and far more cannot be created). */
export function maxThreads(): number {
  return 4 * availableParallelism();
}

function threadsFromEnv(): number {
  const v = process.env.SPARSE_COUPLING_THREADS;
  if (v === undefined || v === '') return availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > maxThreads()) {
    throw new ArgumentError(`SPARSE_COUPLING_THREADS must be an integer from 1 to ${maxThreads()} (4 × the cores), got '${v}'`);
  }
  return n;
}

function choose(): Backend {
  const want = process.env.SPARSE_COUPLING_BACKEND;
  if (want !== undefined && want !== '') {
    if (want !== 'js' && want !== 'native') {
      throw new BackendError(`SPARSE_COUPLING_BACKEND must be 'js' or 'native', got '${want}'`);
    }
    return getBackend(want);
  }
  const n = native();
  if (n.backend) return n.backend;
  process.stderr.write(`sparse-coupling: native kernels unavailable (${n.reason}); using the js backend\n`);
  return jsBackend;
}

/** The backend that runs kernels now. */
export function backend(): Backend {
  if (!current) current = choose();
  return current;
}

/** A backend by name, without making it current. Throws if `native` cannot load. */
export function getBackend(name: BackendName): Backend {
  if (name === 'js') return jsBackend;
  if (name === 'native') {
    const n = native();
    if (!n.backend) throw new BackendError(`native backend unavailable: ${n.reason}`);
    return n.backend;
  }
  throw new BackendError(`unknown backend '${String(name)}': expected 'js' or 'native'`);
}

/** Make `name` the backend every op uses from now on. */
export function setBackend(name: BackendName): void {
  current = getBackend(name);
}

/** Set the native kernels' thread count (the js backend is single-threaded). */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > maxThreads()) {
    throw new ArgumentError(`setThreads: n must be an integer from 1 to ${maxThreads()} (4 × the cores), got ${n}`);
  }
  const nb = native().backend;
  if (nb) nb.setThreads(n);
}

export function backendInfo(): BackendInfo {
  const b = backend();
  const n = native();
  return {
    name: b.name,
    threads: b.threads(),
    nativeAvailable: n.backend !== null,
    nativeUnavailableReason: n.reason,
    simd: n.addon ? n.addon.buildInfo().simd : null,
  };
}
