/**
 * onnxruntime-node peers for causal sliding-window attention (forward only, batch 1):
 *
 *   out[i] = Σ_j softmax_j(q_i·k_j / √dim) v_j   over   i − window + 1 ≤ j ≤ i   (window keys incl. i)
 *
 * ORT has no sparse attention kernel on CPU, so each strategy below is a different way of asking
 * it for the same result; the caller times every one that works and keeps the best as "ORT":
 *
 *   gqa     com.microsoft GroupQueryAttention with local_window_size (the op built for this).
 *           Measured on 1.30 CPU: its time does not depend on the window (the window only limits
 *           the softmax, the work stays O(n²·dim)), it parallelises over batch·heads only (so one
 *           head gets one thread), and it needs dim % 8 == 0.
 *   banded  plain ONNX ops on query blocks: each block of `block` queries attends to its own and
 *           the preceding key blocks (O(n·(window+block)·dim)), with a constant 0/−∞ mask.
 *           The fastest here by far (n=4096, dim=64, window=256: block 128 best).
 *   dense   plain ONNX ops over the full n×n score matrix with a constant 0/−∞ mask.
 *   mha     com.microsoft MultiHeadAttention with the same mask as attention_bias.
 *   attn23  standard opset-23 Attention with the same mask as attn_mask.
 *
 * Q, K and V are graph inputs (never initializers, so nothing is pre-packed at load time); the
 * masks and the GQA length scalars depend only on the shape, so they are constants.
 * Check each peer's output before timing it (`windowAttentionReference` below).
 */
import { attr, buildModel, type NodeSpec } from './onnx-model.ts';
import { ortSession, ortVersion } from './onnxruntime.ts';
import { type InProcessPeer, type Unavailable, errorText, unavailable } from './types.ts';

export type WindowStrategy = 'gqa' | 'banded' | 'dense' | 'mha' | 'attn23';

export interface WindowAttentionOptions {
  n: number;
  dim: number;
  /** Keys per query, the query's own position included (256 → j ∈ [i−255, i]). */
  window: number;
  /** Default 1. Q, K, V and the output are [n, heads·dim] row-major, head h in columns h·dim…. */
  heads?: number;
  threads: number;
  Q: Float32Array;
  K: Float32Array;
  V: Float32Array;
  /** Default: all five, in the order of the type. */
  strategies?: readonly WindowStrategy[];
  /** Query block size for 'banded' (default `defaultBlock`); must divide n. */
  block?: number;
}

/** One peer (or Unavailable) per requested strategy, in order. Never throws for ORT failures. */
export async function ortWindowAttention(opts: WindowAttentionOptions): Promise<Array<InProcessPeer | Unavailable>> {
  const strategies = opts.strategies ?? (['gqa', 'banded', 'dense', 'mha', 'attn23'] as const);
  const out: Array<InProcessPeer | Unavailable> = [];
  // Built once and shared by dense, mha and attn23 (n² floats: 64 MB at n = 4096).
  let square: Float32Array | undefined;
  const squareMask = () => (square ??= windowMask(opts.n, opts.window));
  for (const s of strategies) {
    try {
      out.push(await buildPeer(s, opts, squareMask));
    } catch (e) {
      out.push(unavailable(`${s}: ${errorText(e)}`));
    }
  }
  return out;
}

async function buildPeer(s: WindowStrategy, o: WindowAttentionOptions, squareMask: () => Float32Array): Promise<InProcessPeer | Unavailable> {
  const { n, dim, window, threads } = o;
  const heads = o.heads ?? 1;
  const width = heads * dim;
  if (o.Q.length !== n * width || o.K.length !== n * width || o.V.length !== n * width) {
    return unavailable(`ortWindowAttention: Q, K and V must each be [${n}, ${width}]`);
  }
  if (!(window >= 1 && window <= n)) return unavailable(`ortWindowAttention: window must be in [1, n], got ${window}`);
  const version = (await ortVersion()) ?? 'unknown';
  const scale = 1 / Math.sqrt(dim);
  // Most graphs take [1, n, heads·dim] (batch 1); the banded one reshapes [n, heads·dim] itself.
  const qkv3 = (dims: readonly number[]) => ({
    Q: { type: 'float32' as const, data: o.Q, dims },
    K: { type: 'float32' as const, data: o.K, dims },
    V: { type: 'float32' as const, data: o.V, dims },
  });

  let model: Uint8Array;
  let feeds = qkv3([1, n, width]);
  let impl: string;
  switch (s) {
    case 'gqa': {
      // Measured on ORT 1.30 CPU: local_window_size = W attends to W keys including the query's
      // own (older sources read it as W + 1); the reference check in the scratch test confirms it.
      if (dim % 8 !== 0) return unavailable(`GroupQueryAttention: the CPU kernel needs dim % 8 == 0, got ${dim}`);
      model = gqaModel(n, width, heads, window, scale);
      impl = `onnxruntime-node ${version} GroupQueryAttention(local_window_size=${window})`;
      break;
    }
    case 'banded': {
      const block = o.block ?? defaultBlock(n, window);
      if (n % block !== 0) return unavailable(`banded: block ${block} does not divide n = ${n}`);
      model = bandedModel(n, dim, heads, window, block, scale);
      feeds = qkv3([n, width]);
      impl = `onnxruntime-node ${version} banded block attention (block=${block}; MatMul/Add/Softmax/MatMul)`;
      break;
    }
    case 'dense':
      model = denseModel(n, dim, heads, scale, squareMask());
      impl = `onnxruntime-node ${version} dense attention + mask (MatMul/Add/Softmax/MatMul)`;
      break;
    case 'mha':
      model = buildModel({
        inputs: qkvInputs([1, n, width]),
        outputs: [{ name: 'out', shape: [1, n, width] }],
        initializers: [{ name: 'mask', dims: [1, 1, n, n], data: squareMask() }],
        nodes: [{
          opType: 'MultiHeadAttention', domain: 'com.microsoft',
          // query, key, value, bias, key_padding_mask, attention_bias
          inputs: ['Q', 'K', 'V', '', '', 'mask'], outputs: ['out'],
          attributes: { num_heads: heads, scale: attr.float(scale) },
        }],
      });
      impl = `onnxruntime-node ${version} MultiHeadAttention + attention_bias`;
      break;
    case 'attn23':
      model = buildModel({
        inputs: qkvInputs([1, n, width]),
        outputs: [{ name: 'out', shape: [1, n, width] }],
        initializers: [{ name: 'mask', dims: [n, n], data: squareMask() }],
        nodes: [{
          opType: 'Attention', inputs: ['Q', 'K', 'V', 'mask'], outputs: ['out'],
          // 3-D inputs [B, S, heads·dim] need the head counts.
          attributes: { q_num_heads: heads, kv_num_heads: heads, scale: attr.float(scale) },
        }],
        opsets: [{ domain: '', version: 23 }],
        irVersion: 11,
      });
      impl = `onnxruntime-node ${version} Attention (opset 23) + attn_mask`;
      break;
  }
  const peer = await ortSession(model, feeds, 'out', threads);
  if (!peer.ok) return unavailable(`${s}: ${peer.reason}`);
  return { ...peer, impl };
}

// ---------------------------------------------------------------------------------------------
// Graphs

const qkvInputs = (shape: readonly number[]) => ['Q', 'K', 'V'].map((name) => ({ name, shape }));

/** GroupQueryAttention on [1, n, heads·dim], no KV cache: seqlens_k = n − 1 (total length − 1). */
function gqaModel(n: number, width: number, heads: number, window: number, scale: number): Uint8Array {
  return buildModel({
    inputs: qkvInputs([1, n, width]),
    outputs: [{ name: 'out', shape: [1, n, width] }],
    initializers: [
      { name: 'seqlens_k', dims: [1], data: Int32Array.of(n - 1) },
      { name: 'total_len', dims: [], data: Int32Array.of(n) },
    ],
    nodes: [{
      opType: 'GroupQueryAttention', domain: 'com.microsoft',
      // query, key, value, past_key, past_value (omitted: first prompt), seqlens_k, total_sequence_length
      inputs: ['Q', 'K', 'V', '', '', 'seqlens_k', 'total_len'], outputs: ['out'],
      attributes: { num_heads: heads, kv_num_heads: heads, local_window_size: window, scale: attr.float(scale) },
    }],
  });
}

/** Scale and split heads: X [1, n, heads·dim] → [heads, n, dim] (the reshape is free for one head). */
function splitHeads(x: string, n: number, dim: number, heads: number, nodes: NodeSpec[], inits: Map<string, BigInt64Array>): string {
  inits.set('shape_nhd', BigInt64Array.of(BigInt(n), BigInt(heads), BigInt(dim)));
  nodes.push({ opType: 'Reshape', inputs: [x, 'shape_nhd'], outputs: [`${x}_nhd`] });
  nodes.push({ opType: 'Transpose', inputs: [`${x}_nhd`], outputs: [`${x}_h`], attributes: { perm: [1, 0, 2] } });
  return `${x}_h`;
}

/** softmax(scale·Q·Kᵀ + mask)·V over the whole n×n score matrix; mask [n, n] of 0 / −∞. */
function denseModel(n: number, dim: number, heads: number, scale: number, mask: Float32Array): Uint8Array {
  const nodes: NodeSpec[] = [];
  const shapes = new Map<string, BigInt64Array>();
  const [q, k, v] = ['Q', 'K', 'V'].map((x) => splitHeads(x, n, dim, heads, nodes, shapes));
  nodes.push(
    { opType: 'Mul', inputs: [q, 'scale'], outputs: ['q_scaled'] }, // scale Q (n·dim), not the scores (n²)
    { opType: 'Transpose', inputs: [k], outputs: ['kT'], attributes: { perm: [0, 2, 1] } },
    { opType: 'MatMul', inputs: ['q_scaled', 'kT'], outputs: ['scores'] }, // [heads, n, n]
    { opType: 'Add', inputs: ['scores', 'mask'], outputs: ['masked'] },
    { opType: 'Softmax', inputs: ['masked'], outputs: ['probs'], attributes: { axis: -1 } },
    { opType: 'MatMul', inputs: ['probs', v], outputs: ['o_h'] }, // [heads, n, dim]
  );
  return buildModel({
    inputs: qkvInputs([1, n, heads * dim]),
    outputs: [{ name: 'out', shape: [n, heads * dim] }],
    initializers: [
      { name: 'scale', dims: [], data: Float32Array.of(scale) },
      { name: 'mask', dims: [n, n], data: mask },
      ...[...shapes].map(([name, data]) => ({ name, dims: [data.length], data })),
      { name: 'shape_out', dims: [2], data: BigInt64Array.of(BigInt(n), BigInt(heads * dim)) },
    ],
    nodes: [...nodes, ...mergeHeads('o_h')],
  });
}

/** [heads, …, dim] with the n positions in the middle dims → [n, heads·dim]. */
function mergeHeads(x: string, perm: number[] = [1, 0, 2]): NodeSpec[] {
  return [
    { opType: 'Transpose', inputs: [x], outputs: [`${x}_t`], attributes: { perm } },
    { opType: 'Reshape', inputs: [`${x}_t`, 'shape_out'], outputs: ['out'] },
  ];
}

/**
 * Banded attention in blocks: queries are cut into nb = n/block blocks; block b attends to key
 * blocks b−p … b (p = ⌈(window−1)/block⌉ previous ones, zero-padded before the start), i.e.
 * (p+1)·block keys per query instead of n. A constant mask [nb, block, (p+1)·block] of 0 / −∞
 * keeps exactly the window (and hides the padding).
 */
function bandedModel(n: number, dim: number, heads: number, window: number, block: number, scale: number): Uint8Array {
  const nb = n / block;
  const p = Math.ceil((window - 1) / block);
  const span = (p + 1) * block;
  const i64 = (...v: number[]) => BigInt64Array.of(...v.map(BigInt));
  const nodes: NodeSpec[] = [];
  // X [n, heads·dim] → [heads, nb, block, dim]
  for (const x of ['Q', 'K', 'V']) {
    nodes.push(
      { opType: 'Reshape', inputs: [x, 'shape_blocks'], outputs: [`${x}_b`] },
      { opType: 'Transpose', inputs: [`${x}_b`], outputs: [`${x}_h`], attributes: { perm: [2, 0, 1, 3] } },
    );
  }
  // K and V: pad p zero blocks in front, then concatenate the p+1 shifted views along the key axis.
  for (const x of ['K', 'V']) {
    nodes.push({ opType: 'Pad', inputs: [`${x}_h`, 'pads'], outputs: [`${x}_pad`] });
    const parts: string[] = [];
    for (let s = p; s >= 0; s--) {
      nodes.push({ opType: 'Slice', inputs: [`${x}_pad`, `start${s}`, `end${s}`, 'axis1'], outputs: [`${x}_s${s}`] });
      parts.push(`${x}_s${s}`);
    }
    nodes.push({ opType: 'Concat', inputs: parts, outputs: [`${x}_cat`], attributes: { axis: 2 } }); // [heads, nb, span, dim]
  }
  nodes.push(
    { opType: 'Mul', inputs: ['Q_h', 'scale'], outputs: ['q_scaled'] },
    { opType: 'Transpose', inputs: ['K_cat'], outputs: ['kT'], attributes: { perm: [0, 1, 3, 2] } },
    { opType: 'MatMul', inputs: ['q_scaled', 'kT'], outputs: ['scores'] }, // [heads, nb, block, span]
    { opType: 'Add', inputs: ['scores', 'mask'], outputs: ['masked'] },
    { opType: 'Softmax', inputs: ['masked'], outputs: ['probs'], attributes: { axis: -1 } },
    { opType: 'MatMul', inputs: ['probs', 'V_cat'], outputs: ['o_h'] }, // [heads, nb, block, dim]
    ...mergeHeads('o_h', [1, 2, 0, 3]),
  );
  const shifts = [];
  for (let s = 0; s <= p; s++) {
    shifts.push({ name: `start${s}`, dims: [1], data: i64(p - s) }, { name: `end${s}`, dims: [1], data: i64(p - s + nb) });
  }
  return buildModel({
    inputs: qkvInputs([n, heads * dim]),
    outputs: [{ name: 'out', shape: [n, heads * dim] }],
    initializers: [
      { name: 'shape_blocks', dims: [4], data: i64(nb, block, heads, dim) },
      { name: 'pads', dims: [8], data: i64(0, p, 0, 0, 0, 0, 0, 0) },
      { name: 'axis1', dims: [1], data: i64(1) },
      ...shifts,
      { name: 'scale', dims: [], data: Float32Array.of(scale) },
      { name: 'mask', dims: [nb, block, span], data: bandMask(nb, block, p, window) },
      { name: 'shape_out', dims: [2], data: i64(n, heads * dim) },
    ],
    nodes,
  });
}

/**
 * window/2 (measured best at n=4096, window=256: 13 ms vs 16 ms for window and 15 ms for window/4
 * on one thread), else window, else the largest divisor of n not above window.
 */
export function defaultBlock(n: number, window: number): number {
  for (const b of [window / 2, window]) if (Number.isInteger(b) && b >= 1 && n % b === 0) return b;
  for (let b = Math.min(window, n); b > 1; b--) if (n % b === 0) return b;
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Masks and the reference

/** [n, n] additive mask: 0 where i − window < j ≤ i, −∞ elsewhere. */
export function windowMask(n: number, window: number): Float32Array {
  const m = new Float32Array(n * n).fill(-Infinity);
  for (let i = 0; i < n; i++) m.fill(0, i * n + Math.max(0, i - window + 1), i * n + i + 1);
  return m;
}

/** [nb, block, (p+1)·block] mask for bandedModel: column c of block b is key (b − p)·block + c. */
function bandMask(nb: number, block: number, p: number, window: number): Float32Array {
  const span = (p + 1) * block;
  const m = new Float32Array(nb * block * span).fill(-Infinity);
  for (let b = 0; b < nb; b++) {
    for (let r = 0; r < block; r++) {
      const i = b * block + r;
      const first = (b - p) * block; // key index of column 0
      const lo = Math.max(0, i - window + 1) - first;
      m.fill(0, (b * block + r) * span + lo, (b * block + r) * span + (i - first) + 1);
    }
  }
  return m;
}

/** Naive float64 causal sliding-window attention, [n, heads·dim] in and out, for checking peers. */
export function windowAttentionReference(n: number, dim: number, window: number, heads: number, Q: Float32Array, K: Float32Array, V: Float32Array): Float64Array {
  const width = heads * dim;
  const scale = 1 / Math.sqrt(dim);
  const out = new Float64Array(n * width);
  const s = new Float64Array(window);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < n; i++) {
      const lo = Math.max(0, i - window + 1);
      let max = -Infinity;
      for (let j = lo; j <= i; j++) {
        let dot = 0;
        for (let c = 0; c < dim; c++) dot += Q[i * width + h * dim + c] * K[j * width + h * dim + c];
        s[j - lo] = dot * scale;
        if (s[j - lo] > max) max = s[j - lo];
      }
      let sum = 0;
      for (let j = lo; j <= i; j++) sum += s[j - lo] = Math.exp(s[j - lo] - max);
      for (let j = lo; j <= i; j++) {
        const w = s[j - lo] / sum;
        for (let c = 0; c < dim; c++) out[i * width + h * dim + c] += w * V[j * width + h * dim + c];
      }
    }
  }
  return out;
}
