/** The writer: bit-exact round trips, the header it writes, argument checks, and failed saves. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, DTypeError, ShapeError } from '../../src/errors.ts';
import { Tensor } from '../../src/tensor/tensor.ts';
import {
  parseSafetensors, readSafetensors, serializeSafetensors, toFloat32, toInt32, writeSafetensors, type WritableTensor,
} from '../../src/io/safetensors.ts';

const f32FromBits = (...bits: number[]): Float32Array => new Float32Array(new Uint32Array(bits).buffer);
const bits = (a: Float32Array): number[] => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

function sample(): Record<string, WritableTensor> {
  return {
    weight: new Tensor(Float32Array.from({ length: 12 }, (_, i) => Math.sin(i) * 1e3), [3, 4]),
    specials: { dtype: 'F32', shape: [7], data: f32FromBits(0x7fc00001, 0xffa00002, 0x7f800001, 0x80000000, 0x00000001, 0x7f800000, 0xff7fffff) },
    scalar: new Tensor(Float32Array.of(-2.5), []),
    empty: { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) },
    ids: { dtype: 'I32', shape: [2, 3], data: Int32Array.of(-(2 ** 31), 2 ** 31 - 1, 0, -1, 7, 42) },
    'ünï/中 "q"\\': { dtype: 'I32', shape: [1], data: Int32Array.of(9) },
    '10': { dtype: 'I32', shape: [0], data: new Int32Array(0) },
    odd: { dtype: 'F32', shape: [3], data: Float32Array.of(1, 2, 3) },
  };
}

test('round trip: float32 and int32 tensors bit-exactly, names, shapes and metadata', () => {
  const tensors = sample();
  const buf = serializeSafetensors(tensors, { epoch: '3', note: 'héllo "x"', '0': 'zero' });
  const f = parseSafetensors(buf, 'roundtrip');
  assert.deepEqual(f.metadata, { format: 'pt', epoch: '3', note: 'héllo "x"', '0': 'zero' });
  assert.deepEqual([...f.tensors.keys()].sort(), Object.keys(tensors).sort());
  for (const [name, t] of Object.entries(tensors)) {
    const e = f.tensors.get(name)!;
    const data = t instanceof Tensor ? t.data : t.data;
    assert.deepEqual(e.shape, [...t.shape], name);
    if (data instanceof Int32Array) {
      assert.equal(e.dtype, 'I32');
      assert.deepEqual([...toInt32(e)], [...data], name);
    } else {
      assert.equal(e.dtype, 'F32');
      assert.deepEqual(bits(toFloat32(e)), bits(data), name); // NaN payloads, -0, subnormals kept
    }
  }
});

test('the header: sorted by name, data 8-aligned, space padding, format "pt" always present', () => {
  const buf = serializeSafetensors(sample());
  const n = Number(new DataView(buf.buffer).getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0);
  const text = new TextDecoder().decode(buf.subarray(8, 8 + n));
  assert.match(text, /^\{"__metadata__":\{"format":"pt"\},/);
  assert.match(text, /\} *$/);
  const json = JSON.parse(text) as Record<string, { data_offsets: [number, number] }>;
  const names = Object.keys(sample()).sort((a, b) => (a < b ? -1 : 1));
  // Offsets increase in name order, so the data is laid out by sorted name.
  const begins = names.map((k) => json[k].data_offsets[0]);
  assert.deepEqual(begins, [...begins].sort((a, b) => a - b));
  // Every tensor starts on a 4-byte boundary of the file, so aligned reads are views.
  for (const k of names) assert.equal((8 + n + json[k].data_offsets[0]) % 4, 0, k);
  const f = parseSafetensors(buf);
  assert.equal(toFloat32(f.tensors.get('weight')!).buffer, buf.buffer);
  assert.equal(toInt32(f.tensors.get('ids')!).buffer, buf.buffer);
});

test('deterministic: same bytes whatever the insertion order; a Map and pairs work too', () => {
  const t = sample();
  const reversed = Object.fromEntries(Object.entries(t).reverse());
  const a = serializeSafetensors(t, { b: '2', a: '1' });
  assert.deepEqual(serializeSafetensors(reversed, { a: '1', b: '2' }), a);
  assert.deepEqual(serializeSafetensors(new Map(Object.entries(t)), { a: '1', b: '2' }), a);
  assert.deepEqual(serializeSafetensors(Object.entries(t).reverse(), { b: '2', a: '1' }), a);
});

test('caller metadata may override format; no tensors at all is a valid file', () => {
  assert.deepEqual(parseSafetensors(serializeSafetensors({}, { format: 'np' })).metadata, { format: 'np' });
  const f = parseSafetensors(serializeSafetensors({}));
  assert.equal(f.tensors.size, 0);
  assert.deepEqual(f.metadata, { format: 'pt' });
});

test('writer argument errors are named and say what is wrong', () => {
  const t = new Tensor(Float32Array.of(1), [1]);
  const cases: [() => unknown, new (...a: never[]) => Error, RegExp][] = [
    [() => serializeSafetensors({ '': t }), ArgumentError, /non-empty strings/],
    [() => serializeSafetensors({ __metadata__: t }), ArgumentError, /"__metadata__" is reserved/],
    [() => serializeSafetensors([['a', t], ['a', t]]), ArgumentError, /duplicate tensor name "a"/],
    [() => serializeSafetensors({ a: t }, { epoch: 3 } as never), ArgumentError, /metadata value of "epoch" must be a string, got number 3/],
    [() => serializeSafetensors({ a: t }, null as never), ArgumentError, /metadata must be an object/],
    [() => serializeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float64Array(2) } as never }), DTypeError, /tensor "a": only F32 \(Float32Array\) and I32 \(Int32Array\).*Float64Array/],
    [() => serializeSafetensors({ a: { dtype: 'F16', shape: [1], data: new Uint16Array(1) } as never }), DTypeError, /got dtype "F16"/],
    [() => serializeSafetensors({ a: { dtype: 'I32', shape: [1], data: new Float32Array(1) } as never }), DTypeError, /tensor "a"/],
    [() => serializeSafetensors({ a: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } }), ShapeError, /tensor "a": shape \[2,2\] holds 4 elements but data has 3/],
    [() => serializeSafetensors({ a: { dtype: 'F32', shape: [-1], data: new Float32Array(0) } }), ShapeError, /non-negative integers/],
    [() => serializeSafetensors({ a: 5 } as never), ArgumentError, /expected a Tensor/],
    [() => serializeSafetensors(t as never), ArgumentError, /tensors must be an object or a Map/],
    [() => {
      const gone = new Tensor(new Float32Array(4), [4]);
      structuredClone(gone.data.buffer, { transfer: [gone.data.buffer] }); // detaches: length 0
      return serializeSafetensors({ gone });
    }, ShapeError, /tensor "gone": shape \[4\] holds 4 elements but data has 0/],
  ];
  for (const [f, cls, re] of cases) {
    assert.throws(f, (err: unknown) => err instanceof cls && re.test((err as Error).message), String(re));
  }
});

test('writeSafetensors: writes a loadable file and replaces an existing one', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-write-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'model.safetensors');
  writeSafetensors(p, { a: new Tensor(Float32Array.of(1, 2), [2]) }, { v: '1' });
  writeSafetensors(p, { b: { dtype: 'I32', shape: [1], data: Int32Array.of(3) } }, { v: '2' });
  const f = readSafetensors(p);
  assert.deepEqual([...f.tensors.keys()], ['b']);
  assert.deepEqual(f.metadata, { format: 'pt', v: '2' });
  assert.deepEqual(readdirSync(dir), ['model.safetensors'], 'no temporary files left');
});

test('a failed save throws a named error and leaves the previous file intact, with no temp files', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-fail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'model.safetensors');
  writeSafetensors(p, { a: new Tensor(Float32Array.of(1, 2), [2]) });
  const before = readFileSync(p);
  const big = new Tensor(new Float32Array(1000), [1000]);

  assert.throws(() => writeSafetensors(p, { a: big }, { step: 10 } as never), ArgumentError);
  assert.throws(() => writeSafetensors(p, { '': big }), ArgumentError);
  assert.throws(() => writeSafetensors(p, { a: { dtype: 'F32', shape: [3], data: new Float32Array(2) } }), ShapeError);
  // The folder does not exist: the OS error (with its code) comes through unchanged.
  assert.throws(() => writeSafetensors(join(dir, 'no', 'such', 'dir', 'm.safetensors'), { a: big }), { code: 'ENOENT' });
  // Failure at the last step (rename onto a non-empty folder): the temp file is removed.
  const occupied = join(dir, 'occupied.safetensors');
  mkdirSync(occupied);
  writeFileSync(join(occupied, 'keep'), 'x');
  assert.throws(() => writeSafetensors(occupied, { a: big }), (err: unknown) => ['EISDIR', 'ENOTEMPTY', 'EEXIST', 'EPERM'].includes((err as NodeJS.ErrnoException).code!));

  assert.deepEqual(readFileSync(p), before, 'previous file byte-identical');
  assert.deepEqual([...toFloat32(readSafetensors(p).tensors.get('a')!)], [1, 2]);
  assert.deepEqual(readdirSync(dir).sort(), ['model.safetensors', 'occupied.safetensors'], 'no temporary files left');
});
