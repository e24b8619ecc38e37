/** The reader's validation: every rule of the format, on hand-made files built byte by byte. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ftruncateSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/errors.ts';
import { parseSafetensors, readSafetensors, toFloat32, toInt32 } from '../../src/io/safetensors.ts';
import { bytes, entry, file, le, u64le } from './fixtures/bytes.ts';

const NAME = 'bad.safetensors';

/** Parsing must fail with a FormatError naming the file and matching every pattern. */
function rejects(buf: Uint8Array, ...patterns: RegExp[]): void {
  assert.throws(() => parseSafetensors(buf, NAME), (err: unknown) => {
    assert.ok(err instanceof FormatError, `expected FormatError, got ${String(err)}`);
    assert.match(err.message, /bad\.safetensors/, 'message names the file');
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

const W = entry('w', 'F32', [2], 0, 8); // a valid 8-byte tensor
const EIGHT = le.f32(1, 2);

test('a valid hand-made file parses, with metadata and views at the right place', () => {
  const buf = file(`{"__metadata__":{"k":"v"},${W}}   `, EIGHT);
  const f = parseSafetensors(buf);
  assert.deepEqual(f.metadata, { k: 'v' });
  assert.deepEqual([...f.tensors.keys()], ['w']);
  const w = f.tensors.get('w')!;
  assert.equal(w.dtype, 'F32');
  assert.deepEqual(w.shape, [2]);
  assert.equal(w.bytes.buffer, buf.buffer);
  assert.equal(w.bytes.byteOffset, buf.length - 8);
  assert.deepEqual([...toFloat32(w)], [1, 2]);
});

test('an empty file with no tensors is valid; metadata is optional', () => {
  assert.equal(parseSafetensors(file('{}')).tensors.size, 0);
  assert.deepEqual(parseSafetensors(file(`{${W}}`, EIGHT)).metadata, {});
});

test('malformed: file shorter than 8 bytes', () => {
  rejects(new Uint8Array(5), /5 bytes/, /shorter than the 8-byte/);
  rejects(new Uint8Array(0), /shorter than the 8-byte/);
});

test('malformed: header length above the bound (default and configured)', () => {
  rejects(bytes(u64le(100_000_001), '{}'), /exceeds the limit of 100000000/);
  const small = file(`{${W}}`, EIGHT);
  assert.throws(() => parseSafetensors(small, NAME, { maxHeaderBytes: 16 }), /exceeds the limit of 16 bytes/);
});

test('malformed: header length beyond the end of the file', () => {
  rejects(bytes(u64le(100), '{}'), /header length 100 reaches beyond the end of the file/);
});

test('malformed: a header claiming 2^40 or 2^64-1 bytes is refused, allocating nothing large', () => {
  const before = process.memoryUsage().arrayBuffers;
  rejects(bytes(u64le(2n ** 40n), '{}'), /1099511627776/, /exceeds the limit/);
  rejects(bytes(u64le(2n ** 64n - 1n), '{}'), /18446744073709551615/, /exceeds the limit/);
  rejects(bytes(u64le(2n ** 40n), '{}'), /exceeds the limit/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 10e6, 'no large allocation');
});

test('malformed: header is not valid UTF-8', () => {
  rejects(file(bytes('{"w', [0xff, 0xfe], '":1}')), /not valid UTF-8/);
  rejects(file(bytes('{"', [0xc3], '":1}')), /not valid UTF-8/); // truncated 2-byte sequence
});

test('malformed: header is not valid JSON', () => {
  rejects(file('{"w": {"dtype": "F32",'), /not valid JSON/);
  rejects(file(bytes('{}', [0, 0])), /not valid JSON/); // NUL padding is not whitespace
});

test('malformed: header JSON is not an object', () => {
  rejects(file('[1,2]'), /must be an object, got an array/);
  rejects(file('null'), /must be an object, got null/);
  rejects(file('42  '), /must be an object, got number 42/);
});

test('malformed: header does not start with "{"', () => {
  rejects(file(' {}'), /must start with "\{"/, /0x20/);
  rejects(file(bytes([0xef, 0xbb, 0xbf], '{}')), /must start with "\{"/, /0xef/); // UTF-8 BOM
  rejects(file(''), /not valid JSON/); // N = 0
});

test('malformed: an entry that is not an object', () => {
  rejects(file('{"w": 5}'), /tensor "w"/, /entry must be an object/, /number 5/);
  rejects(file('{"w": [0, 8]}'), /tensor "w"/, /entry must be an object/, /array/);
});

test('malformed: missing and unknown keys in an entry', () => {
  rejects(file('{"w": {"dtype": "F32", "shape": [2]}}', EIGHT), /tensor "w"/, /missing key "data_offsets"/);
  rejects(file(`{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8], "offsets": [0, 8]}}`, EIGHT), /tensor "w"/, /unknown key "offsets"/);
});

test('malformed: unknown dtype', () => {
  rejects(file(`{${entry('w', 'float32', [2], 0, 8)}}`, EIGHT), /tensor "w"/, /unknown dtype "float32"/);
  rejects(file('{"w": {"dtype": 4, "shape": [2], "data_offsets": [0, 8]}}', EIGHT), /tensor "w"/, /unknown dtype 4/);
});

test('malformed: shape not an array of non-negative integers', () => {
  for (const shape of ['[-2]', '[2.5]', '["2"]', '2', 'null', '[9007199254740993]']) {
    rejects(file(`{"w": {"dtype": "U8", "shape": ${shape}, "data_offsets": [0, 2]}}`, [1, 2]), /tensor "w"/, /shape must be an array of non-negative integers/);
  }
});

test('malformed: element count or byte size that overflows', () => {
  rejects(file(`{${entry('w', 'U8', [2 ** 30, 2 ** 30, 2 ** 30], 0, 8)}}`, EIGHT), /tensor "w"/, /element count that overflows/);
  rejects(file(`{${entry('w', 'F64', [2 ** 51], 0, 8)}}`, EIGHT), /tensor "w"/, /byte size that overflows/);
});

test('malformed: data_offsets not two non-negative integers with begin <= end', () => {
  for (const offs of ['[0]', '[0, 8, 9]', '[-1, 7]', '[0.5, 8]', '[8, 0]', '"0-8"', '[0, "8"]']) {
    rejects(file(`{"w": {"dtype": "F32", "shape": [2], "data_offsets": ${offs}}}`, EIGHT), /tensor "w"/, /data_offsets must be two non-negative integers/);
  }
});

test('malformed: byte span does not match shape × dtype size', () => {
  rejects(file(`{${entry('w', 'F32', [3], 0, 8)}}`, EIGHT), /tensor "w"/, /span 8 bytes but shape \[3\] of F32 needs 12/);
  rejects(file(`{${entry('w', 'F64', [2], 0, 8)}}`, EIGHT), /tensor "w"/, /needs 16/);
});

test('malformed: a gap in the data buffer (including before the first tensor)', () => {
  rejects(file(`{${entry('a', 'U8', [2], 0, 2)},${entry('b', 'U8', [2], 4, 6)}}`, [1, 2, 3, 4, 5, 6]), /tensor "b"/, /gap of 2 unused bytes/);
  rejects(file(`{${entry('a', 'U8', [2], 2, 4)}}`, [1, 2, 3, 4]), /tensor "a"/, /gap of 2 unused bytes/);
});

test('malformed: overlapping tensors', () => {
  rejects(file(`{${entry('a', 'U8', [4], 0, 4)},${entry('b', 'U8', [2], 2, 4)}}`, [1, 2, 3, 4]), /overlap tensor "a"/, /tensor "b"/);
  // Two tensors on the very same bytes (an aliasing trick) are an overlap too.
  rejects(file(`{${entry('a', 'U8', [4], 0, 4)},${entry('b', 'U8', [4], 0, 4)}}`, [1, 2, 3, 4]), /overlap/);
});

test('malformed: trailing bytes after the last tensor', () => {
  rejects(file(`{${W}}`, EIGHT, [0, 0, 0, 0]), /4 trailing bytes/);
  rejects(file('{}', [0]), /1 trailing bytes/);
});

test('malformed: tensor data beyond the end of the file (truncated)', () => {
  rejects(file(`{${W}}`, le.f32(1)), /tensor "w"/, /end 8 is beyond the end of the data buffer \(4 bytes/);
});

test('malformed: duplicate tensor names and duplicate keys in an entry', () => {
  rejects(file(`{${W},${W}}`, EIGHT), /duplicate tensor name "w"/);
  rejects(file(`{${W},${entry('w', 'F32', [2], 0, 8)}}`, EIGHT), /duplicate tensor name "w"/);
  // An escape spelling the same name is still the same key.
  rejects(file(`{${W},"\\u0077":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, EIGHT), /duplicate tensor name "w"/);
  rejects(file('{"w": {"dtype": "F32", "dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}', EIGHT), /tensor "w"/, /duplicate key "dtype"/);
  rejects(file(`{"__metadata__":{"a":"1","a":"2"},${W}}`, EIGHT), /duplicate key "a"/, /__metadata__/);
  // Same key at different levels, or inside string values, is fine.
  parseSafetensors(file(`{"__metadata__":{"w":"{\\"w\\":1}","dtype":"x"},${W}}`, EIGHT));
});

test('malformed: __metadata__ not an object of strings', () => {
  rejects(file(`{"__metadata__":["a"],${W}}`, EIGHT), /__metadata__ must be an object of strings, got an array/);
  rejects(file(`{"__metadata__":{"n":3},${W}}`, EIGHT), /__metadata__ value of "n" must be a string, got number 3/);
  rejects(file(`{"__metadata__":"x",${W}}`, EIGHT), /__metadata__ must be an object/);
});

test('malformed: empty tensor name', () => {
  rejects(file(`{${entry('', 'F32', [2], 0, 8)}}`, EIGHT), /tensor name is empty/);
});

test('tricky but valid: zero-size tensors, scalars, whitespace padding, unicode names, "__proto__"', () => {
  const header =
    `{${entry('empty', 'F32', [0, 3], 8, 8)},${entry('s', 'F64', [], 0, 8)},${entry('ünï/中', 'U8', [1], 8, 9)},` +
    `"__proto__":{"dtype":"BOOL","shape":[0],"data_offsets":[9,9]},"__metadata__":{"__proto__":"p"}}\n \t `;
  const f = parseSafetensors(file(header, le.f64(-0), [7]));
  assert.deepEqual([...f.tensors.keys()], ['s', 'empty', 'ünï/中', '__proto__']); // data order
  assert.ok(Object.is(toFloat32(f.tensors.get('s')!)[0], -0));
  assert.equal(toFloat32(f.tensors.get('empty')!).length, 0);
  assert.deepEqual([...toInt32(f.tensors.get('ünï/中')!)], [7]);
  assert.equal(Object.getPrototypeOf(f.metadata), Object.prototype);
  assert.equal(f.metadata['__proto__'], 'p');
  assert.ok(Object.hasOwn(f.metadata, '__proto__'));
});

test('F32 views are zero-copy when aligned and correct copies when not', () => {
  let header = `{${W}}`;
  header += ' '.repeat(8 - (header.length % 8)); // 8 + N is a multiple of 8
  const aligned = file(header, EIGHT);
  const start = 8 + header.length;
  const a = toFloat32(parseSafetensors(aligned).tensors.get('w')!);
  assert.equal(a.buffer, aligned.buffer, 'the same buffer: no copy');
  assert.equal(a.byteOffset, start);
  a[0] = 5; // a view writes through to the file buffer
  assert.deepEqual([...new Float32Array(aligned.buffer, start, 2)], [5, 2]);

  const unaligned = file(header + ' ', EIGHT); // data starts at 49
  const u = toFloat32(parseSafetensors(unaligned).tensors.get('w')!);
  assert.notEqual(u.buffer, unaligned.buffer);
  assert.deepEqual([...u], [1, 2]);

  const ih = `{${entry('i', 'I32', [2], 0, 8)}}`;
  for (const pad of [0, 1, 2, 3]) {
    const buf = file(ih + ' '.repeat(pad), le.i32(-1, 2 ** 31 - 1));
    const iv = toInt32(parseSafetensors(buf).tensors.get('i')!);
    assert.deepEqual([...iv], [-1, 2 ** 31 - 1]);
    const isAligned = (8 + ih.length + pad) % 4 === 0;
    assert.equal(iv.buffer === buf.buffer, isAligned, `pad ${pad}: a view exactly when aligned`);
  }
});

test('readSafetensors: reads, names the path in errors, and checks the header before reading the data', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-read-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const good = join(dir, 'good.safetensors');
  writeFileSync(good, file(`{"__metadata__":{"a":"b"},${W}}`, EIGHT));
  const f = readSafetensors(good);
  assert.deepEqual(f.metadata, { a: 'b' });
  assert.deepEqual([...toFloat32(f.tensors.get('w')!)], [1, 2]);

  const short = join(dir, 'short.safetensors');
  writeFileSync(short, new Uint8Array(3));
  assert.throws(() => readSafetensors(short), (e: unknown) => e instanceof FormatError && e.message.includes(short) && /shorter/.test(e.message));

  assert.throws(() => readSafetensors(dir), (e: unknown) => e instanceof FormatError && /not a regular file/.test(e.message));
  assert.throws(() => readSafetensors(join(dir, 'missing.safetensors')), { code: 'ENOENT' });

  // A 3 GB sparse file whose header is bad must be refused without reading or allocating 3 GB:
  // both a header claiming more than the bound, and a header that is fine but a bad layout.
  for (const [name, head, rule] of [
    ['huge-claim', u64le(2n ** 40n), /exceeds the limit/],
    ['bad-layout', file(`{${W}}`), /trailing bytes/],
  ] as const) {
    const p = join(dir, `${name}.safetensors`);
    const fd = openSync(p, 'w');
    writeSync(fd, head);
    ftruncateSync(fd, 3 * 2 ** 30);
    closeSync(fd);
    const before = process.memoryUsage().arrayBuffers;
    // Speed is not asserted (tests assert behaviour); not reading 3 GB shows as no allocation.
    assert.throws(() => readSafetensors(p), (e: unknown) => e instanceof FormatError && rule.test(e.message));
    assert.ok(process.memoryUsage().arrayBuffers - before < 100e6, `${name}: nothing large allocated`);
  }
});
