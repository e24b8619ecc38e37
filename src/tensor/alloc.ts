/**
 * Output buffers for kernels that write every element. `new Float32Array(n)` zero-fills, and
 * on a freshly grown heap that first touch costs page faults too: for a 4 MB GEMM output about
 * 0.5–1.5 ms, a tenth of the GEMM. Where Node's Buffer exists, large outputs skip the zeroing.
 *
 * Only for outputs a kernel overwrites completely; anything accumulated into must start from
 * `new Float32Array(n)`. Tests poison these buffers with NaN (setPoisonUninitialised) so a
 * kernel that leaves an element unwritten fails them.
 */
const UNINIT_MIN_ELEMENTS = 16384; // below 64 KiB zeroing is cheap; use V8's own path

let poison = false;

/** Fill every uninitialised allocation with NaN (for tests). */
export function setPoisonUninitialised(on: boolean): void {
  poison = on;
}

type NodeBuffer = { allocUnsafeSlow(size: number): Uint8Array; constants?: { MAX_LENGTH: number } };
const NodeBufferClass: NodeBuffer | undefined = (globalThis as { Buffer?: NodeBuffer }).Buffer;
// Buffers stop at Node's limit (4 GiB on 64-bit); larger outputs take the zero-filled path.
const UNINIT_MAX_BYTES = NodeBufferClass?.constants?.MAX_LENGTH ?? 0;

/** A Float32Array of n elements whose contents are unspecified (the caller overwrites all). */
export function uninitialised(n: number): Float32Array {
  let out: Float32Array;
  if (n >= UNINIT_MIN_ELEMENTS && NodeBufferClass && n * 4 <= UNINIT_MAX_BYTES) {
    const b = NodeBufferClass.allocUnsafeSlow(n * 4);
    out = new Float32Array(b.buffer, b.byteOffset, n);
  } else {
    out = new Float32Array(n);
  }
  if (poison) out.fill(NaN);
  return out;
}
