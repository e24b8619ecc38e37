/** Helpers shared by benchmarks: seeded inputs, output checks, and grouped emission with ratios. */
import { Generator } from '../src/index.ts';
import { emit, note, type Measurement } from './harness.ts';

export function randomFloats(n: number, seed: number): Float32Array {
  const g = new Generator(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 2 * g.uniform() - 1;
  return a;
}

/** Largest |a − b| relative to the largest |b|: a peer must agree before it is timed. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return scale === 0 ? worst : worst / scale;
}

/**
 * Print a group of measurements of one benchmark case; every line gets `vs_<impl>` ratios
 * (other's median / this median: above 1 means this implementation is faster).
 */
export function emitGroup(rows: Measurement[], compareTo: string[]): void {
  for (const r of rows) {
    const extra: Record<string, number> = {};
    for (const other of rows) {
      if (other === r || other.threads !== r.threads || !compareTo.includes(other.impl)) continue;
      extra[`vs_${other.impl.replace(/[^a-z0-9]+/gi, '_')}`] = other.median_ms / r.median_ms;
    }
    emit({ ...r, ...extra });
  }
}

export function checkAgreement(bench: string, impl: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: number): boolean {
  const err = relError(got, want);
  if (!(err <= tol)) {
    note(bench, `${impl} disagrees with our result (relative error ${err.toExponential(2)} > ${tol}); not timed`);
    return false;
  }
  return true;
}
