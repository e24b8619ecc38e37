/**
 * Safetensors element types: their sizes, and bit-exact decoders from the narrow float formats
 * (float16, bfloat16, float8) to float32 bits. Decoding works on bits, not numbers, so NaN
 * payloads and -0 survive: every narrow value has an exact float32 image.
 */

/** Bytes per element for every dtype this library reads. */
export const DTYPE_SIZES = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E4M3: 1, F8_E5M2: 1,
  I64: 8, I32: 4, I16: 2, I8: 1,
  U64: 8, U32: 4, U16: 2, U8: 1,
  BOOL: 1,
} as const;

export type SafetensorsDType = keyof typeof DTYPE_SIZES;

export const DTYPES = Object.keys(DTYPE_SIZES) as SafetensorsDType[];

export function isDType(s: unknown): s is SafetensorsDType {
  return typeof s === 'string' && Object.hasOwn(DTYPE_SIZES, s);
}

export function isFloatDType(d: SafetensorsDType): boolean {
  return d === 'F64' || d === 'F32' || d === 'F16' || d === 'BF16' || d === 'F8_E4M3' || d === 'F8_E5M2';
}

/** True when this machine stores typed arrays little-endian (the file's byte order). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IEEE half (1-5-10) bits → float32 bits, exact: subnormals are normalised, NaN payloads kept. */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0; // inf / NaN
  if (exp !== 0) return (sign | ((exp - 15 + 127) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0; // ±0
  // Subnormal: mant·2^-24. Shift until the leading 1 reaches the implicit-bit position.
  let e = -14;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | ((e + 127) << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

let f16Table: Uint32Array | null = null;

/** All 65,536 half values as float32 bits, built on first use (256 KB). */
export function f16Table32(): Uint32Array {
  if (f16Table === null) {
    f16Table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToF32Bits(h);
  }
  return f16Table;
}

/** bfloat16 is the top half of a float32: shifting is exact for every value, NaNs included. */
export function bf16BitsToF32Bits(h: number): number {
  return (h << 16) >>> 0;
}

/**
 * float8 E4M3 "fn" (PyTorch float8_e4m3fn, the safetensors F8_E4M3): bias 7, no infinities,
 * S.1111.111 is NaN, largest finite 448, subnormals m/8·2^-6.
 */
export function f8e4m3BitsToF32Bits(b: number): number {
  const sign = (b & 0x80) << 24;
  const exp = (b >>> 3) & 0xf;
  const mant = b & 0x7;
  if (exp === 0xf && mant === 0x7) return (sign | 0x7fc00000) >>> 0;
  const magnitude = exp === 0 ? (mant / 8) * 2 ** -6 : (1 + mant / 8) * 2 ** (exp - 7);
  const f = new Float32Array([magnitude]); // exact: at most 4 significant bits
  return (sign | new Uint32Array(f.buffer)[0]) >>> 0;
}

/** float8 E5M2 is the top byte of an IEEE half, so it decodes through the half path exactly. */
export function f8e5m2BitsToF32Bits(b: number): number {
  return f16BitsToF32Bits(b << 8);
}

function byteTable(decode: (b: number) => number): () => Uint32Array {
  let table: Uint32Array | null = null;
  return () => {
    if (table === null) {
      table = new Uint32Array(256);
      for (let b = 0; b < 256; b++) table[b] = decode(b);
    }
    return table;
  };
}

export const f8e4m3Table32 = byteTable(f8e4m3BitsToF32Bits);
export const f8e5m2Table32 = byteTable(f8e5m2BitsToF32Bits);
