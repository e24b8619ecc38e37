/**
 * Safetensors (the Hugging Face tensor file format): a strict reader, conversions to float32 /
 * int32, and an atomic writer for F32 and I32 tensors.
 *
 * Layout: 8 bytes little-endian u64 header length N; N bytes of UTF-8 JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}`,
 * padded with spaces; then the data buffer (little-endian, row-major), where offsets are
 * relative to byte 8+N and the tensors tile it exactly.
 *
 * The reader trusts nothing: every rule of the format is checked and a violation is a
 * `FormatError` naming the file, the tensor and the rule. Sizes are checked before anything
 * large is allocated, so a hostile header cannot make it allocate gigabytes.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ArgumentError, DTypeError, FormatError, ShapeError, fmtShape } from '../errors.ts';
import { Tensor } from '../tensor/tensor.ts';
import { atomicWriteFile } from './atomic.ts';
import {
  DTYPES, DTYPE_SIZES, HOST_LITTLE_ENDIAN, bf16BitsToF32Bits, f16Table32, f8e4m3Table32, f8e5m2Table32,
  isDType, isFloatDType, type SafetensorsDType,
} from './dtypes.ts';

export type { SafetensorsDType } from './dtypes.ts';

export interface TensorEntry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: number[];
  /** The tensor's bytes: a view into the file buffer (little-endian, row-major). */
  readonly bytes: Uint8Array;
}

export interface SafetensorsFile {
  /** Tensors in the order of their data in the file. */
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
}

export interface SafetensorsReadOptions {
  /** Largest header accepted, in bytes (default 100,000,000, as the reference implementation). */
  maxHeaderBytes?: number;
}

export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';
const ENTRY_KEYS = ['dtype', 'shape', 'data_offsets'] as const;

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

function formatError(file: string, rule: string, tensor?: string): FormatError {
  const where = tensor === undefined ? '' : `tensor ${JSON.stringify(tensor)}: `;
  return new FormatError(`safetensors file ${JSON.stringify(file)}: ${where}${rule}`);
}

/** Validate the 8-byte prefix against the file size and the bound; returns N. */
function checkHeaderLength(prefix: Uint8Array, fileSize: number, file: string, options: SafetensorsReadOptions): number {
  if (fileSize < 8) {
    throw formatError(file, `file is ${fileSize} bytes, shorter than the 8-byte header length prefix`);
  }
  const max = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (!Number.isSafeInteger(max) || max < 2) {
    throw new ArgumentError(`safetensors: maxHeaderBytes must be an integer >= 2, got ${max}`);
  }
  // Compare as a BigInt: a u64 may not fit a double exactly.
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(max)) {
    throw formatError(file, `header length ${n} exceeds the limit of ${max} bytes (maxHeaderBytes)`);
  }
  if (n > BigInt(fileSize - 8)) {
    throw formatError(file, `header length ${n} reaches beyond the end of the file (${fileSize} bytes, so at most ${fileSize - 8})`);
  }
  return Number(n);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isJsonSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * JSON.parse keeps the last of duplicate keys silently; the format forbids duplicates. The text
 * is already valid JSON, so a string followed by ':' is a key; track one key set per object.
 * Returns [duplicate key, owning top-level key or undefined for the top level] or null.
 */
function findDuplicateKey(text: string): [string, string | undefined] | null {
  const stack: { keys: Set<string> | null; owner: string | undefined }[] = [];
  let lastTopKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      stack.push({ keys: new Set(), owner: stack.length === 0 ? undefined : stack.length === 1 ? lastTopKey : stack[stack.length - 1].owner });
    } else if (c === 0x5b /* [ */) {
      stack.push({ keys: null, owner: stack[stack.length - 1]?.owner });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      let k = j + 1;
      while (k < text.length && isJsonSpace(text.charCodeAt(k))) k++;
      if (text[k] === ':') {
        const key = JSON.parse(text.slice(i, j + 1)) as string; // decodes escapes: "\u0061" == "a"
        const top = stack[stack.length - 1];
        if (top.keys!.has(key)) return [key, stack.length === 1 ? undefined : top.owner];
        top.keys!.add(key);
        if (stack.length === 1) lastTopKey = key;
      }
      i = j;
    }
  }
  return null;
}

interface RawEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

function checkEntry(name: string, value: unknown, dataLength: number, file: string): RawEntry {
  if (name === '') throw formatError(file, 'tensor name is empty');
  if (!isPlainObject(value)) {
    throw formatError(file, `entry must be an object with dtype, shape and data_offsets, got ${describe(value)}`, name);
  }
  for (const k of Object.keys(value)) {
    if (!(ENTRY_KEYS as readonly string[]).includes(k)) {
      throw formatError(file, `unknown key ${JSON.stringify(k)} in entry (allowed: ${ENTRY_KEYS.join(', ')})`, name);
    }
  }
  for (const k of ENTRY_KEYS) {
    if (!Object.hasOwn(value, k)) throw formatError(file, `missing key "${k}" in entry`, name);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isDType(dtype)) {
    throw formatError(file, `unknown dtype ${JSON.stringify(dtype)} (supported: ${DTYPES.join(', ')})`, name);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw formatError(file, `shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`, name);
  }
  // Checked product: a shape whose size is not a safe integer is refused, not wrapped.
  let count = shape.includes(0) ? 0 : 1;
  if (count !== 0) {
    for (const d of shape as number[]) {
      count *= d;
      if (!Number.isSafeInteger(count)) {
        throw formatError(file, `shape ${fmtShape(shape)} has an element count that overflows (not a safe integer)`, name);
      }
    }
  }
  const byteSize = count * DTYPE_SIZES[dtype];
  if (!Number.isSafeInteger(byteSize)) {
    throw formatError(file, `shape ${fmtShape(shape)} of ${dtype} has a byte size that overflows (not a safe integer)`, name);
  }
  if (
    !Array.isArray(offsets) || offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]
  ) {
    throw formatError(file, `data_offsets must be two non-negative integers [begin, end] with begin <= end, got ${JSON.stringify(offsets)}`, name);
  }
  const [begin, end] = offsets as [number, number];
  if (end - begin !== byteSize) {
    throw formatError(file, `data_offsets [${begin}, ${end}] span ${end - begin} bytes but shape ${fmtShape(shape)} of ${dtype} needs ${byteSize}`, name);
  }
  if (end > dataLength) {
    throw formatError(file, `data_offsets end ${end} is beyond the end of the data buffer (${dataLength} bytes; file truncated?)`, name);
  }
  return { name, dtype, shape: [...shape], begin, end };
}

/** Every byte of the data buffer belongs to exactly one tensor, in order: no gaps, overlaps or tail. */
function checkTiling(entries: RawEntry[], dataLength: number, file: string): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: RawEntry | undefined;
  for (const e of entries) {
    if (e.begin < pos) {
      throw formatError(file, `data_offsets [${e.begin}, ${e.end}] overlap tensor ${JSON.stringify(prev!.name)} (which ends at ${pos})`, e.name);
    }
    if (e.begin > pos) {
      throw formatError(file, `gap of ${e.begin - pos} unused bytes in the data buffer before this tensor (data_offsets begin ${e.begin}, expected ${pos})`, e.name);
    }
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLength) {
    throw formatError(file, `${dataLength - pos} trailing bytes in the data buffer after the last tensor (tensors cover ${pos} of ${dataLength} bytes)`);
  }
}

/**
 * Parse and check the header. `dataLength` is the size of the data buffer that follows it, so a
 * file reader can validate the whole layout before reading (or allocating) the data.
 */
function parseHeader(header: Uint8Array, dataLength: number, file: string): { entries: RawEntry[]; metadata: Record<string, string> } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(header);
  } catch {
    throw formatError(file, 'header is not valid UTF-8');
  }
  let json: unknown;
  let jsonError: Error | undefined;
  try {
    json = JSON.parse(text);
  } catch (err) {
    jsonError = err as Error;
  }
  // Most telling rule first: valid JSON of the wrong type, then the spec's "starts with '{'"
  // (no leading whitespace, no BOM; trailing spaces are padding), then JSON syntax.
  if (jsonError === undefined && !isPlainObject(json)) throw formatError(file, `header JSON must be an object, got ${describe(json)}`);
  if (header.length > 0 && header[0] !== 0x7b) {
    throw formatError(file, `header must start with "{" (byte 0x7B), got byte 0x${header[0].toString(16).padStart(2, '0')}`);
  }
  if (jsonError !== undefined) throw formatError(file, `header is not valid JSON (${jsonError.message})`);
  if (!isPlainObject(json)) throw new Error('unreachable');
  const dup = findDuplicateKey(text);
  if (dup !== null) {
    const [key, owner] = dup;
    if (owner === undefined) throw formatError(file, `duplicate tensor name ${JSON.stringify(key)} in the header`, key);
    if (owner === METADATA_KEY) throw formatError(file, `duplicate key ${JSON.stringify(key)} in __metadata__`);
    throw formatError(file, `duplicate key ${JSON.stringify(key)} in entry`, owner);
  }

  let metadata: Record<string, string> = {};
  const entries: RawEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === METADATA_KEY) {
      if (!isPlainObject(value)) throw formatError(file, `__metadata__ must be an object of strings, got ${describe(value)}`);
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw formatError(file, `__metadata__ value of ${JSON.stringify(k)} must be a string, got ${describe(v)}`);
      }
      // fromEntries defines own properties, so a key like "__proto__" stays plain data.
      metadata = Object.fromEntries(Object.entries(value)) as Record<string, string>;
      continue;
    }
    entries.push(checkEntry(name, value, dataLength, file));
  }
  checkTiling(entries, dataLength, file);
  return { entries, metadata };
}

function buildFile(buf: Uint8Array, dataStart: number, parsed: ReturnType<typeof parseHeader>): SafetensorsFile {
  const tensors = new Map<string, TensorEntry>();
  for (const e of parsed.entries) {
    tensors.set(e.name, Object.freeze({
      name: e.name, dtype: e.dtype, shape: e.shape, bytes: buf.subarray(dataStart + e.begin, dataStart + e.end),
    }));
  }
  return { tensors, metadata: parsed.metadata };
}

/** Parse a whole safetensors file held in memory. Tensor bytes are views into `buf`. */
export function parseSafetensors(buf: Uint8Array, fileName = '<buffer>', options: SafetensorsReadOptions = {}): SafetensorsFile {
  if (!(buf instanceof Uint8Array)) {
    throw new ArgumentError(`parseSafetensors: buf must be a Uint8Array, got ${describe(buf)}`);
  }
  const n = checkHeaderLength(buf, buf.length, fileName, options);
  const parsed = parseHeader(buf.subarray(8, 8 + n), buf.length - 8 - n, fileName);
  return buildFile(buf, 8 + n, parsed);
}

/** Read exactly `into.length` bytes at `position`; a short read means the file changed under us. */
function readExactly(fd: number, into: Uint8Array, position: number, file: string): void {
  const CHUNK = 64 * 1024 * 1024; // readSync cannot take more than 2 GiB at once
  for (let off = 0; off < into.length; ) {
    const got = readSync(fd, into, off, Math.min(CHUNK, into.length - off), position + off);
    if (got === 0) throw formatError(file, `file ended after ${position + off} bytes while reading (was it truncated while being read?)`);
    off += got;
  }
}

/**
 * Read and validate a safetensors file. The prefix and header are read and fully checked
 * against the file size first; only then is the file read whole (into a fresh buffer, so views
 * keep the file's alignment).
 */
export function readSafetensors(path: string, options: SafetensorsReadOptions = {}): SafetensorsFile {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw formatError(path, 'not a regular file');
    const size = st.size;
    const prefix = new Uint8Array(8);
    if (size >= 8) readExactly(fd, prefix, 0, path);
    const n = checkHeaderLength(prefix, size, path, options);
    const header = new Uint8Array(n);
    readExactly(fd, header, 8, path);
    const parsed = parseHeader(header, size - 8 - n, path);
    const buf = new Uint8Array(size);
    buf.set(prefix, 0);
    buf.set(header, 8);
    readExactly(fd, buf.subarray(8 + n), 8 + n, path);
    return buildFile(buf, 8 + n, parsed);
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Conversion
// ---------------------------------------------------------------------------------------------

export interface ToFloat32Options {
  /** F64: throw instead of rounding a value float32 cannot hold exactly (default false: round to nearest even). */
  exact?: boolean;
  /** Integers: round values float32 cannot hold exactly instead of throwing (default false). */
  allowInexactIntegers?: boolean;
}

function elementCount(e: TensorEntry): number {
  return e.bytes.length / DTYPE_SIZES[e.dtype];
}

function view(e: TensorEntry): DataView {
  return new DataView(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength);
}

/** A typed-array view on the entry's bytes when alignment and byte order allow it, else null. */
function alignedView<T>(e: TensorEntry, ctor: { new (b: ArrayBufferLike, off: number, len: number): T; BYTES_PER_ELEMENT: number }): T | null {
  if (!HOST_LITTLE_ENDIAN || e.bytes.byteOffset % ctor.BYTES_PER_ELEMENT !== 0) return null;
  return new ctor(e.bytes.buffer, e.bytes.byteOffset, elementCount(e));
}

/**
 * Reads integer element i. 64-bit values beyond ±2^53 come back as a bigint, so no check ever
 * sees a rounded number.
 */
function integerReader(e: TensorEntry): (i: number) => number | bigint {
  const dv = view(e);
  const b = e.bytes;
  switch (e.dtype) {
    case 'I8': return (i) => dv.getInt8(i);
    case 'U8': return (i) => b[i];
    case 'BOOL': return (i) => {
      if (b[i] > 1) throw new FormatError(`tensor ${JSON.stringify(e.name)}: BOOL value ${b[i]} at index ${i} is not 0 or 1`);
      return b[i];
    };
    case 'I16': return (i) => dv.getInt16(2 * i, true);
    case 'U16': return (i) => dv.getUint16(2 * i, true);
    case 'I32': return (i) => dv.getInt32(4 * i, true);
    case 'U32': return (i) => dv.getUint32(4 * i, true);
    case 'I64':
    case 'U64': {
      const signed = e.dtype === 'I64';
      return (i) => {
        const lo = dv.getUint32(8 * i, true);
        const hi = signed ? dv.getInt32(8 * i + 4, true) : dv.getUint32(8 * i + 4, true);
        if (Math.abs(hi) < 2 ** 21) return hi * 2 ** 32 + lo; // |v| < 2^53: exact as a double
        return signed ? dv.getBigInt64(8 * i, true) : dv.getBigUint64(8 * i, true);
      };
    }
    default:
      throw new DTypeError(`tensor ${JSON.stringify(e.name)}: ${e.dtype} is not an integer dtype`);
  }
}

/**
 * The tensor as float32. Exact for F32, F16, BF16 and F8 (bit-level, NaN payloads and -0 kept).
 * F64 rounds to the nearest float32 (overflow becomes ±Infinity) unless `exact` is set.
 * Integers and BOOL must be exactly representable (every |v| <= 2^24 is) unless
 * `allowInexactIntegers` is set. An aligned F32 tensor is returned as a view of the file buffer
 * without copying: writing to it writes to that buffer.
 */
export function toFloat32(entry: TensorEntry, options: ToFloat32Options = {}): Float32Array {
  const n = elementCount(entry);
  const b = entry.bytes;
  const what = `toFloat32: tensor ${JSON.stringify(entry.name)} (${entry.dtype})`;
  switch (entry.dtype) {
    case 'F32': {
      const v = alignedView(entry, Float32Array);
      if (v !== null) return v;
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer);
      const dv = view(entry);
      for (let i = 0; i < n; i++) bits[i] = dv.getUint32(4 * i, true); // bits, not numbers: keeps NaN payloads
      return out;
    }
    case 'F16':
    case 'BF16':
    case 'F8_E4M3':
    case 'F8_E5M2': {
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer);
      if (entry.dtype === 'F16') {
        const t = f16Table32();
        for (let i = 0; i < n; i++) bits[i] = t[b[2 * i] | (b[2 * i + 1] << 8)];
      } else if (entry.dtype === 'BF16') {
        for (let i = 0; i < n; i++) bits[i] = bf16BitsToF32Bits(b[2 * i] | (b[2 * i + 1] << 8));
      } else {
        const t = entry.dtype === 'F8_E4M3' ? f8e4m3Table32() : f8e5m2Table32();
        for (let i = 0; i < n; i++) bits[i] = t[b[i]];
      }
      return out;
    }
    case 'F64': {
      const out = new Float32Array(n);
      const dv = view(entry);
      for (let i = 0; i < n; i++) {
        const v = dv.getFloat64(8 * i, true);
        out[i] = v;
        if (options.exact && out[i] !== v && !Number.isNaN(v)) {
          throw new DTypeError(`${what}: value ${v} at index ${i} is not exactly representable in float32 (exact: true)`);
        }
      }
      return out;
    }
    default: {
      const read = integerReader(entry);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = read(i);
        const f = Math.fround(Number(v));
        const exact = typeof v === 'bigint' ? BigInt(f) === v : f === v;
        if (!exact && !options.allowInexactIntegers) {
          throw new DTypeError(`${what}: value ${v} at index ${i} is not exactly representable in float32 (set allowInexactIntegers to round)`);
        }
        out[i] = f;
      }
      return out;
    }
  }
}

/**
 * The tensor as int32, from any integer dtype or BOOL. Every value must fit int32; an aligned I32
 * tensor is returned as a view of the file buffer without copying.
 */
export function toInt32(entry: TensorEntry): Int32Array {
  if (isFloatDType(entry.dtype)) {
    throw new DTypeError(`toInt32: tensor ${JSON.stringify(entry.name)} has float dtype ${entry.dtype}; use toFloat32`);
  }
  if (entry.dtype === 'I32') {
    const v = alignedView(entry, Int32Array);
    if (v !== null) return v;
  }
  const n = elementCount(entry);
  const read = integerReader(entry);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = read(i);
    if (typeof v === 'bigint' || v < -(2 ** 31) || v > 2 ** 31 - 1) {
      throw new DTypeError(`toInt32: tensor ${JSON.stringify(entry.name)} (${entry.dtype}) value ${v} at index ${i} does not fit in int32`);
    }
    out[i] = v;
  }
  return out;
}

/** The tensor as a float32 `Tensor` (see toFloat32 for the rules; an aligned F32 tensor shares the file buffer). */
export function toTensor(entry: TensorEntry, options: ToFloat32Options = {}): Tensor {
  return new Tensor(toFloat32(entry, options), entry.shape);
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

export type WritableTensor =
  | Tensor
  | { dtype: 'F32'; shape: readonly number[]; data: Float32Array }
  | { dtype: 'I32'; shape: readonly number[]; data: Int32Array };

/** Name → tensor, as a plain object, a Map, or [name, tensor] pairs (where duplicates are refused). */
export type TensorsToWrite = Record<string, WritableTensor> | Iterable<readonly [string, WritableTensor]>;

interface Prepared {
  name: string;
  dtype: 'F32' | 'I32';
  shape: readonly number[];
  data: Float32Array | Int32Array;
}

function prepare(name: unknown, value: WritableTensor): Prepared {
  const op = 'serializeSafetensors';
  if (typeof name !== 'string' || name === '') throw new ArgumentError(`${op}: tensor names must be non-empty strings, got ${describe(name)}`);
  if (name === METADATA_KEY) throw new ArgumentError(`${op}: "${METADATA_KEY}" is reserved and cannot name a tensor`);
  const at = `${op}: tensor ${JSON.stringify(name)}`;
  if (value instanceof Tensor) {
    // A Tensor was checked when built, but its buffer may since have been detached (transferred).
    const count = value.shape.reduce((a, d) => a * d, 1);
    if (value.data.length !== count) throw new ShapeError(`${at}: shape ${fmtShape(value.shape)} holds ${count} elements but data has ${value.data.length}`);
    return { name, dtype: 'F32', shape: value.shape, data: value.data };
  }
  if (!isPlainObject(value)) throw new ArgumentError(`${at}: expected a Tensor or {dtype, shape, data}, got ${describe(value)}`);
  const { dtype, shape, data } = value as { dtype: unknown; shape: unknown; data: unknown };
  if (dtype === 'F32' ? !(data instanceof Float32Array) : dtype === 'I32' ? !(data instanceof Int32Array) : true) {
    const got = (data as object | undefined)?.constructor?.name ?? typeof data;
    throw new DTypeError(`${at}: only F32 (Float32Array) and I32 (Int32Array) can be written, got dtype ${JSON.stringify(dtype)} with ${got}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(`${at}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const count = shape.reduce((a: number, d: number) => a * d, 1);
  const arr = data as Float32Array | Int32Array;
  if (count !== arr.length) throw new ShapeError(`${at}: shape ${fmtShape(shape)} holds ${count} elements but data has ${arr.length}`);
  return { name, dtype: dtype as 'F32' | 'I32', shape, data: arr };
}

function collect(tensors: TensorsToWrite): Prepared[] {
  if (typeof tensors !== 'object' || tensors === null || tensors instanceof Tensor) {
    throw new ArgumentError(`serializeSafetensors: tensors must be an object or a Map of name → tensor, got ${describe(tensors)}`);
  }
  const pairs = Symbol.iterator in tensors
    ? [...(tensors as Iterable<readonly [string, WritableTensor]>)]
    : Object.entries(tensors as Record<string, WritableTensor>);
  const seen = new Set<string>();
  return pairs.map(([name, value]) => {
    if (seen.has(name)) throw new ArgumentError(`serializeSafetensors: duplicate tensor name ${JSON.stringify(name)}`);
    seen.add(name);
    return prepare(name, value);
  });
}

function checkMetadata(metadata: Record<string, string>): Record<string, string> {
  if (!isPlainObject(metadata)) throw new ArgumentError(`serializeSafetensors: metadata must be an object of strings, got ${describe(metadata)}`);
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') {
      throw new ArgumentError(`serializeSafetensors: metadata value of ${JSON.stringify(k)} must be a string, got ${describe(v)}`);
    }
  }
  // format "pt" lets PyTorch-side loaders (transformers) accept the file; the caller may override it.
  return { format: 'pt', ...metadata };
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The file bytes for F32/I32 tensors: tensors sorted by name (so output is deterministic),
 * `__metadata__` always present with `format: "pt"` plus the caller's strings, header padded
 * with spaces so the data starts at a multiple of 8 (every tensor is then 4-byte aligned).
 */
export function serializeSafetensors(tensors: TensorsToWrite, metadata: Record<string, string> = {}): Uint8Array {
  const items = collect(tensors).sort((a, b) => byCodeUnits(a.name, b.name));
  const meta = checkMetadata(metadata);
  // The JSON is assembled by hand: JSON.stringify of an object would move integer-like keys first.
  const metaJson = Object.keys(meta).sort(byCodeUnits).map((k) => `${JSON.stringify(k)}:${JSON.stringify(meta[k])}`).join(',');
  const parts = [`${JSON.stringify(METADATA_KEY)}:{${metaJson}}`];
  let offset = 0;
  for (const t of items) {
    const end = offset + t.data.byteLength;
    parts.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let pos = 8 + headerLength;
  for (const t of items) {
    if (HOST_LITTLE_ENDIAN) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos); // bit-exact, NaN payloads kept
    } else {
      const dv = new DataView(out.buffer, pos, t.data.byteLength);
      const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
      for (let i = 0; i < bits.length; i++) dv.setUint32(4 * i, bits[i], true);
    }
    pos += t.data.byteLength;
  }
  return out;
}

/**
 * Write a safetensors file atomically: the target holds either its previous content or the
 * complete new file, whatever happens mid-save. Argument errors are raised before any file is
 * touched.
 */
export function writeSafetensors(path: string, tensors: TensorsToWrite, metadata: Record<string, string> = {}): void {
  atomicWriteFile(path, serializeSafetensors(tensors, metadata));
}
