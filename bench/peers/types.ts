/**
 * Shapes shared by the benchmark peers. A peer that cannot run here (package or Python missing,
 * backend fails to initialise) returns `Unavailable` instead of throwing, so the caller can print
 * a `note(...)` and carry on with the other implementations.
 */
export interface Unavailable {
  ok: false;
  reason: string;
}

/** An in-process peer: set up once, then `run()` is what the caller times with `timeIt`. */
export interface InProcessPeer {
  ok: true;
  /** e.g. "onnxruntime-node 1.30.0". */
  impl: string;
  version: string;
  /** Threads the peer actually uses (tfjs wasm is always 1 in Node). */
  threads: number;
  /** One execution of the op on the caller's inputs; resolves to the output (row-major). */
  run: () => Promise<Float32Array>;
  close: () => Promise<void>;
}

export function unavailable(reason: string): Unavailable {
  return { ok: false, reason };
}

/** "Error: foo" → "foo", first line only, for one-line notes. */
export function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0];
}
