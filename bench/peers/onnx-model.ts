/**
 * A small hand-written protobuf encoder for ONNX ModelProto, so benchmark peers can build their
 * graphs in code (no `onnx` Python package, no checked-in .onnx files).
 *
 * Only the fields the peers need are written. Field numbers are from onnx/onnx.proto:
 *   ModelProto      ir_version=1 producer_name=2 graph=7 opset_import=8
 *   OperatorSetId   domain=1 version=2
 *   GraphProto      node=1 name=2 initializer=5 input=11 output=12
 *   NodeProto       input=1 output=2 name=3 op_type=4 attribute=5 domain=7
 *   AttributeProto  name=1 f=2 i=3 s=4 floats=7 ints=8 strings=9 type=20
 *   ValueInfoProto  name=1 type=2;  TypeProto tensor_type=1;  TypeProto.Tensor elem_type=1 shape=2
 *   TensorShape     dim=1;  Dimension dim_value=1 dim_param=2
 *   TensorProto     dims=1 data_type=2 name=8 raw_data=9
 */

// ---------------------------------------------------------------------------------------------
// Wire format

/** Accumulates protobuf bytes as a list of chunks (large tensors are appended without copying
 *  byte by byte). Sub-messages are encoded separately and written length-prefixed. */
class Writer {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }

  /** Base-128 varint. int64 fields go through BigInt so negative values (axis = -1) encode as
   *  their 64-bit two's complement (10 bytes), as protobuf requires. */
  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return this.push(Uint8Array.from(out));
  }

  /** Field key: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
  private tag(field: number, wireType: 0 | 2 | 5): this {
    return this.varint((field << 3) | wireType);
  }

  int(field: number, value: number | bigint): this {
    return this.tag(field, 0).varint(value);
  }

  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true); // protobuf fixed32 is little-endian
    return this.tag(field, 5).push(b);
  }

  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, 2).varint(value.length).push(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, body: Writer): this {
    return this.bytes(field, body.finish());
  }

  /** Repeated int64 as one packed field (proto3 default, what onnx emits). */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const body = new Writer();
    for (const v of values) body.varint(v);
    return this.bytes(field, body.finish());
  }

  /** Repeated float as one packed field of little-endian fixed32s. */
  packedFloats(field: number, values: readonly number[]): this {
    return this.bytes(field, new Uint8Array(Float32Array.from(values).buffer));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// ONNX structures

/** TensorProto.DataType values for the element types the peers use. */
export const DataType = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10, double: 11 } as const;
export type ElemType = keyof typeof DataType;

/** A dimension: a fixed size, or a symbolic name ("batch", "seq") for a dynamic one. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  /** Omit for an unknown-rank tensor. */
  shape?: readonly Dim[];
  /** Default 'float'. */
  type?: ElemType;
}

/** Explicit attribute values, for when inference from the JS value is ambiguous (a whole-number float). */
export type TypedAttribute =
  | { type: 'int'; value: number | bigint }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: readonly (number | bigint)[] }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'strings'; value: readonly string[] };

/**
 * Plain values are inferred: an integer number → INT, other numbers → FLOAT, string → STRING,
 * array of integers → INTS, other number arrays → FLOATS, string array → STRINGS.
 * Use `attr.float(1)` for a float that happens to be whole (e.g. `scale: attr.float(1)`).
 */
export type AttributeValue = number | bigint | string | readonly number[] | readonly string[] | TypedAttribute;

export const attr = {
  int: (value: number | bigint): TypedAttribute => ({ type: 'int', value }),
  float: (value: number): TypedAttribute => ({ type: 'float', value }),
  string: (value: string): TypedAttribute => ({ type: 'string', value }),
  ints: (value: readonly (number | bigint)[]): TypedAttribute => ({ type: 'ints', value }),
  floats: (value: readonly number[]): TypedAttribute => ({ type: 'floats', value }),
  strings: (value: readonly string[]): TypedAttribute => ({ type: 'strings', value }),
};

export interface NodeSpec {
  opType: string;
  /** Use '' for an omitted optional input (ONNX convention). */
  inputs: readonly string[];
  outputs: readonly string[];
  /** '' (default) is the standard ai.onnx domain; e.g. 'com.microsoft' for contrib ops. */
  domain?: string;
  name?: string;
  attributes?: Record<string, AttributeValue>;
}

/** A constant tensor stored in the model (weights, shape vectors for Reshape, ...). */
export interface InitializerSpec {
  name: string;
  dims: readonly number[];
  /** Float32Array → float, Int32Array → int32, BigInt64Array → int64, Uint8Array → uint8. */
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
}

export interface OpsetSpec {
  domain: string;
  version: number;
}

export interface ModelSpec {
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  nodes: readonly NodeSpec[];
  initializers?: readonly InitializerSpec[];
  /** Default: ai.onnx opset 21, plus com.microsoft 1 if a node uses that domain. */
  opsets?: readonly OpsetSpec[];
  /** Default 10 (pairs with opset 21; onnxruntime 1.30 accepts up to 11). */
  irVersion?: number;
  graphName?: string;
}

function encodeAttribute(name: string, value: AttributeValue): Writer {
  const typed = toTyped(value);
  const w = new Writer().string(1, name);
  // AttributeProto.AttributeType: FLOAT=1 INT=2 STRING=3 FLOATS=6 INTS=7 STRINGS=8
  switch (typed.type) {
    case 'float': return w.float(2, typed.value).int(20, 1);
    case 'int': return w.int(3, typed.value).int(20, 2);
    case 'string': return w.string(4, typed.value).int(20, 3);
    case 'floats': return w.packedFloats(7, typed.value).int(20, 6);
    case 'ints': return w.packedInts(8, typed.value).int(20, 7);
    case 'strings': for (const s of typed.value) w.string(9, s); return w.int(20, 8);
  }
}

function toTyped(value: AttributeValue): TypedAttribute {
  if (typeof value === 'bigint') return attr.int(value);
  if (typeof value === 'number') return Number.isInteger(value) ? attr.int(value) : attr.float(value);
  if (typeof value === 'string') return attr.string(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return attr.strings(value as string[]);
    const nums = value as number[];
    return nums.every(Number.isInteger) ? attr.ints(nums) : attr.floats(nums);
  }
  return value as TypedAttribute;
}

function encodeValueInfo(v: ValueInfo): Writer {
  const tensorType = new Writer().int(1, DataType[v.type ?? 'float']);
  if (v.shape) {
    const shape = new Writer();
    for (const d of v.shape) {
      const dim = typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d);
      shape.message(1, dim);
    }
    tensorType.message(2, shape);
  }
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

function encodeNode(n: NodeSpec): Writer {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, encodeAttribute(k, v));
  if (n.domain) w.string(7, n.domain);
  return w;
}

function encodeInitializer(t: InitializerSpec): Writer {
  const type =
    t.data instanceof Float32Array ? DataType.float
    : t.data instanceof Int32Array ? DataType.int32
    : t.data instanceof BigInt64Array ? DataType.int64
    : DataType.uint8;
  // raw_data is the little-endian bytes of the elements: one copy, no per-element fields.
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return new Writer().packedInts(1, t.dims).int(2, type).string(8, t.name).bytes(9, raw);
}

/** Serialise a single-graph ONNX model; the bytes go straight to `InferenceSession.create`. */
export function buildModel(spec: ModelSpec): Uint8Array {
  const graph = new Writer();
  for (const n of spec.nodes) graph.message(1, encodeNode(n));
  graph.string(2, spec.graphName ?? 'bench');
  for (const t of spec.initializers ?? []) graph.message(5, encodeInitializer(t));
  for (const v of spec.inputs) graph.message(11, encodeValueInfo(v));
  for (const v of spec.outputs) graph.message(12, encodeValueInfo(v));

  const opsets = [...(spec.opsets ?? [{ domain: '', version: 21 }])];
  // Every domain used by a node needs an opset import, or the session refuses the model.
  for (const domain of new Set(spec.nodes.map((n) => n.domain ?? ''))) {
    if (!opsets.some((o) => o.domain === domain)) opsets.push({ domain, version: domain === '' ? 21 : 1 });
  }

  const model = new Writer().int(1, spec.irVersion ?? 10).string(2, 'sparse-coupling-bench');
  model.message(7, graph);
  for (const o of opsets) {
    const opset = new Writer();
    if (o.domain) opset.string(1, o.domain);
    model.message(8, opset.int(2, o.version));
  }
  return model.finish();
}
