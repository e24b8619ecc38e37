/**
 * Seeded random numbers that are the same on every run and machine: xoshiro128** on 32-bit
 * integer arithmetic (Math.imul), seeded through splitmix32. Floats are built from the top 24
 * bits, so uniform values are exact float32 numbers.
 */
import { ArgumentError } from '../errors.ts';

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

export class Generator {
  private s = new Uint32Array(4);
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Reset the stream to the one identified by `seed` (any integer). */
  seed(seed: number): void {
    if (!Number.isInteger(seed)) throw new ArgumentError(`Generator.seed: seed must be an integer, got ${seed}`);
    let st = seed | 0;
    for (let i = 0; i < 4; i++) {
      const [n, v] = splitmix32(st);
      st = n;
      this.s[i] = v;
    }
    // Seeds beyond 32 bits (and negative ones) also mix in their high part, through its own
    // splitmix stream so that no two integers share a state. Seeds in [0, 2^32) are unchanged.
    const hi = Math.floor(seed / 2 ** 32);
    if (hi !== 0) {
      let sh = (hi | 0) ^ 0x5bd1e995;
      for (let i = 0; i < 4; i++) {
        const [n, v] = splitmix32(sh);
        sh = n;
        this.s[i] ^= v;
      }
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    this.spareNormal = null;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1), a multiple of 2^-24. */
  uniform(): number {
    return (this.nextUint32() >>> 8) * 5.9604644775390625e-8;
  }

  /** Standard normal (Box–Muller; pairs are used in order). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [low, high), without modulo bias. */
  int(low: number, high: number): number {
    const span = high - low;
    if (!Number.isInteger(low) || !Number.isInteger(high) || span <= 0 || span > 2 ** 32) {
      throw new ArgumentError(`randint: need integers low < high with high - low <= 2^32, got [${low}, ${high})`);
    }
    const limit = Math.floor(2 ** 32 / span) * span;
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return low + (x % span);
    }
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`randperm: n must be a non-negative integer, got ${n}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator used when none is passed. */
export const defaultGenerator = new Generator(0);

/** Reseed the default generator. */
export function manualSeed(seed: number): void {
  defaultGenerator.seed(seed);
}
