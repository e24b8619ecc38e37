/** Test helpers: seeded random tensors, closeness checks, finite-difference gradient checks. */
import assert from 'node:assert/strict';
import { Generator, Tensor, noGrad } from '../src/index.ts';

export function randomArray(n: number, g: Generator, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * (2 * g.uniform() - 1);
  return a;
}

export function randomTensor(shape: number[], g: Generator, scale = 1, requiresGrad = true): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(randomArray(n, g, scale), shape, requiresGrad);
}

/** Random values whose magnitude is at least `gap` (keeps FD away from kinks at 0). */
export function awayFromZero(shape: number[], g: Generator, gap = 0.2): Tensor {
  const t = randomTensor(shape, g);
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    t.data[i] = Math.sign(v || 1) * (gap + Math.abs(v));
  }
  return t;
}

/** Largest |a−b| / (atol + rtol·|b|); ≤ 1 means close. */
export function closeness(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (a[i] === b[i]) continue;
    const r = Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i]));
    if (!(r <= worst)) worst = Number.isNaN(r) ? Infinity : Math.max(worst, r);
  }
  return worst;
}

export function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-5, atol = 1e-6, what = ''): void {
  const c = closeness(a, b, rtol, atol);
  if (c > 1) {
    let at = 0;
    let worst = 0;
    for (let i = 0; i < a.length; i++) {
      const r = Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i]));
      if (r > worst || Number.isNaN(r)) { worst = r; at = i; }
    }
    assert.fail(`${what} not close: at ${at} got ${a[at]} expected ${b[at]} (ratio ${c.toFixed(2)} of tolerance)`);
  }
}

/**
 * Check the gradients autograd gives for every input that requires them against central finite
 * differences of L = Σ f(inputs) · w, with fixed random weights w. Evaluations are float32;
 * L is summed in float64 and eps is large enough that rounding stays well under the tolerance.
 */
export function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  { eps = 1e-2, rtol = 2e-2, atol = 2e-3, seed = 7 }: { eps?: number; rtol?: number; atol?: number; seed?: number } = {},
): void {
  const out = f(...inputs);
  const g = new Generator(seed);
  const w = randomArray(out.size, g);
  const wT = new Tensor(w.slice(), out.shape);
  for (const x of inputs) x.grad = null;
  out.backward(wT);
  const loss = (): number =>
    noGrad(() => {
      const y = f(...inputs);
      let s = 0;
      for (let i = 0; i < y.size; i++) s += y.data[i] * w[i];
      return s;
    });
  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    assert.ok(x.grad, `input ${k} got no gradient`);
    const num = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const orig = x.data[i];
      // Divide by the step float32 really took, not the one asked for.
      x.data[i] = orig + eps;
      const hi = x.data[i];
      const up = loss();
      x.data[i] = orig - eps;
      const lo = x.data[i];
      const down = loss();
      x.data[i] = orig;
      num[i] = (up - down) / (hi - lo);
    }
    assertClose(x.grad!.data, num, rtol, atol, `gradient of input ${k}`);
  });
}
