/** Every safetensors dtype read from hand-encoded bytes, and its exact conversion to float32 / int32. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DTypeError, FormatError } from '../../src/errors.ts';
import { parseSafetensors, toFloat32, toInt32, toTensor, type TensorEntry } from '../../src/io/safetensors.ts';
import { entry, file, le } from './fixtures/bytes.ts';

/** A one-tensor file of the given dtype holding exactly `data`, parsed back. */
function one(dtype: string, data: Uint8Array, name = 't', itemSize = 1): TensorEntry {
  return parseSafetensors(file(`{${entry(name, dtype, [data.length / itemSize], 0, data.length)}}`, data)).tensors.get(name)!;
}

const bitsOf = (a: Float32Array): number[] => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
const f32Bits = (...v: number[]): number[] => [...new Uint32Array(new Float32Array(v).buffer)];

/** Independent reference for a minifloat: sign, exponent bits, mantissa bits, bias; IEEE-style specials optional. */
function minifloat(bits: number, expBits: number, mantBits: number, bias: number, ieeeSpecials: boolean): number {
  const sign = (bits >> (expBits + mantBits)) & 1 ? -1 : 1;
  const e = (bits >> mantBits) & ((1 << expBits) - 1);
  const m = bits & ((1 << mantBits) - 1);
  const eMax = (1 << expBits) - 1;
  if (ieeeSpecials && e === eMax) return m === 0 ? sign * Infinity : NaN;
  if (!ieeeSpecials && e === eMax && m === (1 << mantBits) - 1) return NaN;
  if (e === 0) return sign * m * 2 ** (1 - bias - mantBits);
  return sign * (1 + m / 2 ** mantBits) * 2 ** (e - bias);
}

function sameNumber(got: number, want: number, what: string): void {
  if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `${what}: expected NaN, got ${got}`);
  else assert.ok(Object.is(got, want), `${what}: expected ${want}, got ${got}`);
}

test('F16: named values (subnormals, ±inf, NaN, -0, max) decode exactly', () => {
  const half = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x7c00, 0xfc00, 0x8000, 0x3555, 0x7e00];
  const want = [1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, Infinity, -Infinity, -0, 0.333251953125, NaN];
  const got = toFloat32(one('F16', le.u16(...half), 'h', 2));
  want.forEach((w, i) => sameNumber(got[i], w, `0x${half[i].toString(16)}`));
  // NaN payloads survive: 0x7c01 (signalling) and 0xfe01 (negative quiet).
  assert.deepEqual(bitsOf(toFloat32(one('F16', le.u16(0x7c01, 0xfe01), 'h', 2))), [0x7f802000, 0xffc02000]);
});

test('F16: all 65,536 values match an independent formula', () => {
  const all = new Uint16Array(65536).map((_, i) => i);
  const got = toFloat32(one('F16', new Uint8Array(all.buffer), 'h', 2));
  for (let h = 0; h < 65536; h++) sameNumber(got[h], minifloat(h, 5, 10, 15, true), `f16 0x${h.toString(16)}`);
});

test('BF16: exact, it is the top half of a float32 (incl. subnormal and NaN payload)', () => {
  const hi = [0x3f80, 0xc049, 0x7f80, 0xff80, 0x0001, 0x8000, 0x7f7f, 0x7fc1];
  const got = toFloat32(one('BF16', le.u16(...hi), 'b', 2));
  assert.deepEqual(bitsOf(got), hi.map((h) => (h << 16) >>> 0));
  assert.equal(got[0], 1);
  assert.equal(got[1], -3.140625);
  assert.equal(got[4], 2 ** -133);
});

test('F8_E4M3 (fn) and F8_E5M2: all 256 values each match the formulas', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const e4 = toFloat32(one('F8_E4M3', all));
  const e5 = toFloat32(one('F8_E5M2', all));
  for (let b = 0; b < 256; b++) {
    sameNumber(e4[b], minifloat(b, 4, 3, 7, false), `e4m3 0x${b.toString(16)}`);
    sameNumber(e5[b], minifloat(b, 5, 2, 15, true), `e5m2 0x${b.toString(16)}`);
  }
  assert.equal(e4[0x7e], 448);
  assert.equal(e4[0x38], 1);
  assert.equal(e4[0x01], 2 ** -9);
  assert.ok(Number.isNaN(e4[0x7f]) && Number.isNaN(e4[0xff]));
  assert.equal(e5[0x7b], 57344);
  assert.equal(e5[0x7c], Infinity);
  assert.equal(e5[0x01], 2 ** -16);
});

test('F32: bit-exact including NaN payloads and -0', () => {
  const bits = [0x7fc00001, 0xff800001, 0x80000000, 0x00000001, 0x7f7fffff, 0x3f800000];
  assert.deepEqual(bitsOf(toFloat32(one('F32', le.u32(...bits), 'f', 4))), bits);
});

test('F64: rounds to nearest float32 by default; exact: true refuses inexact values', () => {
  const vals = [0.1, -0, 1e300, -1e-300, 1 + 2 ** -24, 1 + 3 * 2 ** -24, NaN, 2 ** 100];
  const e = one('F64', le.f64(...vals), 'd', 8);
  const got = toFloat32(e);
  assert.deepEqual(bitsOf(got), f32Bits(Math.fround(0.1), -0, Infinity, -0, 1, 1 + 2 ** -22, NaN, 2 ** 100));
  assert.throws(() => toFloat32(e, { exact: true }), (err: unknown) => err instanceof DTypeError && /tensor "d"/.test(err.message) && /0\.1 at index 0/.test(err.message) && /not exactly representable/.test(err.message));
  const ok = one('F64', le.f64(0.5, -0, NaN, -Infinity, 2 ** 100, 3 * 2 ** -149), 'd', 8);
  assert.deepEqual(bitsOf(toFloat32(ok, { exact: true })), f32Bits(0.5, -0, NaN, -Infinity, 2 ** 100, 3 * 2 ** -149));
});

test('I64: exact to int32 when it fits, named error when not; float32 exactness checked on the full 64 bits', () => {
  const fits = one('I64', le.i64(0n, 1n, -1n, 2147483647n, -2147483648n), 'small', 8);
  assert.deepEqual([...toInt32(fits)], [0, 1, -1, 2147483647, -2147483648]);
  assert.deepEqual([...toFloat32(one('I64', le.i64(0n, 1n, -1n, 16777216n, -2147483648n), 'f', 8))], [0, 1, -1, 16777216, -2147483648]);
  // 2^31 - 1 is not a float32: toFloat32 refuses it.
  assert.throws(() => toFloat32(one('I64', le.i64(2147483647n), 'm', 8)), /value 2147483647 at index 0 is not exactly representable/);

  for (const v of [2147483648n, -2147483649n, 2n ** 62n, -(2n ** 63n)]) {
    assert.throws(() => toInt32(one('I64', le.i64(5n, v), 'big', 8)), (err: unknown) =>
      err instanceof DTypeError && err.message.includes('tensor "big" (I64)') && err.message.includes(`value ${v} at index 1 does not fit in int32`));
  }
  // Large but representable values convert exactly, even beyond 2^53; others throw unless allowed.
  assert.deepEqual([...toFloat32(one('I64', le.i64(-(2n ** 63n), 2n ** 40n, 2n ** 24n), 'x', 8))], [-(2 ** 63), 2 ** 40, 2 ** 24]);
  const inexact = one('I64', le.i64(2n ** 24n + 1n, 2n ** 62n + 1n), 'odd', 8);
  assert.throws(() => toFloat32(inexact), /tensor "odd" \(I64\): value 16777217 at index 0 is not exactly representable in float32/);
  assert.throws(() => toFloat32(one('I64', le.i64(2n ** 62n + 1n), 'odd', 8)), /value 4611686018427387905 at index 0/);
  assert.deepEqual([...toFloat32(inexact, { allowInexactIntegers: true })], [2 ** 24, 2 ** 62]);
});

test('U64: full unsigned range', () => {
  assert.deepEqual([...toInt32(one('U64', le.u64(0n, 2147483647n), 'u', 8))], [0, 2147483647]);
  assert.throws(() => toInt32(one('U64', le.u64(2n ** 64n - 1n), 'u', 8)), /value 18446744073709551615 at index 0 does not fit in int32/);
  assert.deepEqual([...toFloat32(one('U64', le.u64(2n ** 63n), 'u', 8))], [2 ** 63]);
  assert.throws(() => toFloat32(one('U64', le.u64(2n ** 64n - 1n), 'u', 8)), /not exactly representable/);
});

test('I32, U32, I16, U16, I8, U8: exact int32 and float32 values at their extremes', () => {
  const cases: [string, Uint8Array, number, number[]][] = [
    ['I32', le.i32(-(2 ** 31), 2 ** 31 - 1, -5), 4, [-(2 ** 31), 2 ** 31 - 1, -5]],
    ['U32', le.u32(0, 2 ** 31 - 1, 7), 4, [0, 2 ** 31 - 1, 7]],
    ['I16', le.i16(-32768, 32767, -1), 2, [-32768, 32767, -1]],
    ['U16', le.u16(0, 65535, 1), 2, [0, 65535, 1]],
    ['I8', Uint8Array.of(0x80, 0x7f, 0xff), 1, [-128, 127, -1]],
    ['U8', Uint8Array.of(0, 255, 1), 1, [0, 255, 1]],
  ];
  for (const [dtype, data, size, want] of cases) {
    const e = one(dtype, data, dtype.toLowerCase(), size);
    assert.deepEqual([...toInt32(e)], want, `${dtype} → int32`);
    if (dtype.endsWith('32')) continue; // 2^31 - 1 is not a float32
    assert.deepEqual([...toFloat32(e)], want, `${dtype} → float32`);
  }
  assert.throws(() => toInt32(one('U32', le.u32(2 ** 32 - 1), 'u', 4)), /tensor "u" \(U32\) value 4294967295 at index 0 does not fit in int32/);
  assert.deepEqual([...toFloat32(one('U32', le.u32(0xffffff00), 'u', 4))], [0xffffff00]);
  assert.throws(() => toFloat32(one('U32', le.u32(0xffffffff), 'u', 4)), DTypeError);
  assert.throws(() => toFloat32(one('I32', le.i32(2 ** 24 + 1), 'i', 4)), /value 16777217/);
});

test('BOOL: 0/1 to int32 and float32; any other byte is a named FormatError', () => {
  const b = one('BOOL', Uint8Array.of(0, 1, 1, 0), 'mask');
  assert.deepEqual([...toInt32(b)], [0, 1, 1, 0]);
  assert.deepEqual([...toFloat32(b)], [0, 1, 1, 0]);
  const bad = one('BOOL', Uint8Array.of(1, 2), 'mask');
  assert.throws(() => toInt32(bad), (err: unknown) => err instanceof FormatError && /tensor "mask": BOOL value 2 at index 1 is not 0 or 1/.test(err.message));
  assert.throws(() => toFloat32(bad), FormatError);
});

test('toInt32 refuses float dtypes with a named error; toTensor gives a float32 Tensor', () => {
  assert.throws(() => toInt32(one('F32', le.f32(1), 'w', 4)), (err: unknown) => err instanceof DTypeError && /toInt32: tensor "w" has float dtype F32/.test(err.message));
  assert.throws(() => toInt32(one('F16', le.u16(0x3c00), 'w', 2)), DTypeError);
  const f = parseSafetensors(file(`{${entry('m', 'F16', [2, 2], 0, 8)}}`, le.u16(0x3c00, 0x4000, 0x4200, 0x4400)));
  const t = toTensor(f.tensors.get('m')!);
  assert.deepEqual(t.shape, [2, 2]);
  assert.deepEqual(t.toNested(), [[1, 2], [3, 4]]);
  const s = toTensor(parseSafetensors(file(`{${entry('s', 'I8', [], 0, 1)}}`, [0xfd])).tensors.get('s')!);
  assert.deepEqual(s.shape, []);
  assert.equal(s.item(), -3);
});
