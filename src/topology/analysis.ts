/**
 * Measuring a topology before training: size, degrees, symmetry, cost against the dense layer,
 * how far information travels when the pattern is stacked, diameter and components.
 *
 * Direction: rows are targets and columns sources, so edge (i, j) carries information from j
 * to i. Fan-in of target i = its number of edges (row length); fan-out of source j = the number
 * of targets reading it (column count). A path i → j of L hops means that after L stacked layers
 * target i depends on source j.
 */
import { TopologyError } from '../errors.ts';
import { Generator } from '../tensor/random.ts';
import { union } from './algebra.ts';
import { Topology } from './topology.ts';

function fail(op: string, msg: string): never {
  throw new TopologyError(`${op}: ${msg}`);
}

function checkTopology(op: string, t: unknown): asserts t is Topology {
  if (!(t instanceof Topology)) fail(op, `expected a Topology, got ${t === null ? 'null' : typeof t}`);
}

function checkSquare(op: string, t: Topology): void {
  checkTopology(op, t);
  if (t.rows !== t.cols) fail(op, `needs a square topology (targets and sources the same nodes), got ${t.rows}×${t.cols}`);
}

export function nnz(t: Topology): number {
  checkTopology('nnz', t);
  return t.nnz;
}

/** nnz / (rows·cols); 0 for an empty shape. */
export function density(t: Topology): number {
  checkTopology('density', t);
  return t.rows === 0 || t.cols === 0 ? 0 : t.nnz / (t.rows * t.cols);
}

/** Edges per target row (row lengths), length rows. */
export function fanIn(t: Topology): Int32Array {
  checkTopology('fanIn', t);
  const d = new Int32Array(t.rows);
  for (let r = 0; r < t.rows; r++) d[r] = t.indptr[r + 1] - t.indptr[r];
  return d;
}

/** Targets reading each source column, length cols. */
export function fanOut(t: Topology): Int32Array {
  checkTopology('fanOut', t);
  const d = new Int32Array(t.cols);
  for (let e = 0; e < t.nnz; e++) d[t.indices[e]]++;
  return d;
}

export interface Histogram {
  /** Bin k counts degrees d with edges[k] ≤ d < edges[k+1]; integer edges, edges.length = counts.length + 1. */
  edges: number[];
  counts: number[];
}

export interface DegreeStats {
  /** How many degrees (rows for fan-in, columns for fan-out). */
  count: number;
  /** min/max/mean/std are 0 when count is 0. */
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
  histogram: Histogram;
}

/**
 * Summary of a degree vector. Histogram bins: one per value when the range has at most 20
 * values, otherwise Sturges' rule (⌈log2 count⌉ + 1 bins, at most 20) of equal integer width.
 */
export function degreeStats(degrees: ArrayLike<number>): DegreeStats {
  const n = degrees.length;
  if (n === 0) return { count: 0, min: 0, max: 0, mean: 0, std: 0, histogram: { edges: [], counts: [] } };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = degrees[i];
    if (d < min) min = d;
    if (d > max) max = d;
    sum += d;
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (degrees[i] - mean) ** 2;
  const range = max - min + 1;
  const bins = range <= 20 ? range : Math.min(20, Math.ceil(Math.log2(n)) + 1);
  const width = Math.ceil(range / bins);
  const nb = Math.ceil(range / width);
  const edges = Array.from({ length: nb + 1 }, (_, k) => min + k * width);
  const counts = new Array<number>(nb).fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor((degrees[i] - min) / width)]++;
  return { count: n, min, max, mean, std: Math.sqrt(sq / n), histogram: { edges, counts } };
}

export function fanInStats(t: Topology): DegreeStats {
  return degreeStats(fanIn(t));
}

export function fanOutStats(t: Topology): DegreeStats {
  return degreeStats(fanOut(t));
}

/** Both degree vectors. */
export function degrees(t: Topology): { fanIn: Int32Array; fanOut: Int32Array } {
  return { fanIn: fanIn(t), fanOut: fanOut(t) };
}

/** Square and (i, j) an edge exactly when (j, i) is. Uses (and caches) the transpose. */
export function isSymmetric(t: Topology): boolean {
  checkTopology('isSymmetric', t);
  return t.rows === t.cols && t.equals(t.transpose());
}

// ─── cost ────────────────────────────────────────────────────────────────────────────────────

export interface CostOptions {
  /**
   * 'linear' (default): a sparse linear layer, rows = output units, cols = input units, one
   * weight per edge. 'attention': a query × key pattern in sparse attention.
   */
  use?: 'linear' | 'attention';
  /** Linear: count a bias per output unit (default true). */
  bias?: boolean;
  /** Attention: dimension of each head's queries/keys/values (default 64). */
  featureDim?: number;
  /** Attention: number of heads sharing the pattern (default 1). */
  heads?: number;
  /** Bytes per stored value (default 4, float32). */
  bytesPerValue?: number;
  /** Bytes per stored index (default 4, Int32). */
  indexBytes?: number;
}

export interface CostFigures {
  params: number;
  /** Multiply-adds per example (linear: one input vector; attention: one sequence, all heads). */
  macs: number;
  bytes: number;
}

export interface Cost {
  use: 'linear' | 'attention';
  sparse: CostFigures;
  dense: CostFigures;
  /** sparse / dense for each figure (1 when both are 0). */
  ratio: CostFigures;
  /** What was counted, in words. */
  counted: string;
}

/**
 * Parameters, multiply-adds and bytes of the sparse layer against the dense layer of the same
 * shape. Linear: params = nnz (+ rows bias); MACs = nnz; bytes = values (nnz·bytesPerValue) +
 * indices (nnz·indexBytes) + indptr ((rows+1)·indexBytes) + bias; dense: rows·cols weights, no
 * indices. Attention: no parameters of its own (projections are the same either way and not
 * counted); MACs = heads · 2 · nnz · featureDim (scores q·k on each edge, then the weighted sum
 * of values); bytes = one score per edge per head + the indices and indptr, against the dense
 * rows × cols score matrix per head. Softmax exponentials are not counted.
 */
export function cost(t: Topology, opts: CostOptions = {}): Cost {
  checkTopology('cost', t);
  const use = opts.use ?? 'linear';
  if (use !== 'linear' && use !== 'attention') fail('cost', `use must be 'linear' or 'attention', got ${String(use)}`);
  const pos = (what: string, v: unknown, dflt: number): number => {
    const x = v ?? dflt;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) fail('cost', `${what} must be a positive integer, got ${String(x)}`);
    return x;
  };
  const bv = pos('bytesPerValue', opts.bytesPerValue, 4);
  const ib = pos('indexBytes', opts.indexBytes, 4);
  const { rows, cols } = t;
  const E = t.nnz;
  const structure = E * ib + (rows + 1) * ib;
  let sparse: CostFigures;
  let dense: CostFigures;
  let counted: string;
  if (use === 'linear') {
    const bias = opts.bias ?? true;
    const b = bias ? rows : 0;
    sparse = { params: E + b, macs: E, bytes: (E + b) * bv + structure };
    dense = { params: rows * cols + b, macs: rows * cols, bytes: (rows * cols + b) * bv };
    counted = `sparse linear ${cols}→${rows}: one weight per edge${bias ? ' plus a bias per output' : ''}, one multiply-add per edge per example; bytes = values + ${ib}-byte indices + indptr`;
  } else {
    const d = pos('featureDim', opts.featureDim, 64);
    const h = pos('heads', opts.heads, 1);
    sparse = { params: 0, macs: 2 * h * E * d, bytes: h * E * bv + structure };
    dense = { params: 0, macs: 2 * h * rows * cols * d, bytes: h * rows * cols * bv };
    counted = `attention with ${h} head(s) of dimension ${d}: 2·${d} multiply-adds per edge per head (scores and weighted sum), one score per edge per head plus the pattern's indices; projections and softmax not counted`;
  }
  const r = (a: number, b: number): number => (b === 0 ? (a === 0 ? 1 : Infinity) : a / b);
  return { use, sparse, dense, ratio: { params: r(sparse.params, dense.params), macs: r(sparse.macs, dense.macs), bytes: r(sparse.bytes, dense.bytes) }, counted };
}

// ─── reach ───────────────────────────────────────────────────────────────────────────────────

export interface ReachOptions {
  /** Largest n computed exactly with bitsets (default 8192: n²/8 bytes per bitset, two held). */
  maxExact?: number;
  /** Targets sampled above maxExact (default 256, at least 2). */
  samples?: number;
  /** Seed for choosing the sampled targets (default 0). */
  seed?: number;
}

export interface ReachResult {
  hops: number;
  /** Fraction of the n² (target, source) pairs joined by a path of 1 … hops edges. */
  fraction: number;
  exact: boolean;
  /** Standard error of the estimate (0 when exact). */
  stdError: number;
  /** Targets the figure is based on (n when exact). */
  samples: number;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * How much of the input a stack of L copies of this square pattern lets each output see: the
 * fraction of (target i, source j) pairs joined by a path i → … → j of 1 to L edges (the
 * nonzeros of A ∪ A² ∪ … ∪ A^L). A pair needing zero hops (i = i) counts only if the pattern
 * has the self-loop or a cycle; use withSelfLoops(t) to model residual connections.
 *
 * Exact for n ≤ maxExact: a bitset of n bits per target, each hop ORs the bitsets of a
 * target's sources into its own — O(L · nnz · n/32) time, n²/4 bytes. Above that, BFS (≤ L
 * hops) from `samples` targets drawn without replacement; the fraction is their mean and
 * stdError its standard error (with the finite-population correction).
 */
export function reach(t: Topology, L: number, opts: ReachOptions = {}): ReachResult {
  checkSquare('reach', t);
  if (!Number.isInteger(L) || L < 1) fail('reach', `L (hops, i.e. stacked layers) must be a positive integer, got ${L}`);
  const maxExact = opts.maxExact ?? 8192;
  const samples = opts.samples ?? 256;
  if (!Number.isInteger(maxExact) || maxExact < 0) fail('reach', `maxExact must be a non-negative integer, got ${maxExact}`);
  if (!Number.isInteger(samples) || samples < 2) fail('reach', `samples must be an integer ≥ 2 (a standard error needs two), got ${samples}`);
  const n = t.rows;
  if (n === 0) return { hops: L, fraction: 0, exact: true, stdError: 0, samples: 0 };
  if (n <= maxExact || samples >= n) return { hops: L, fraction: reachExact(t, L), exact: true, stdError: 0, samples: n };
  return reachSampled(t, L, samples, opts.seed ?? 0);
}

function reachExact(t: Topology, L: number): number {
  const n = t.rows;
  const W = (n + 31) >>> 5;
  const { indptr, indices } = t;
  let cur = new Uint32Array(n * W);
  for (let i = 0; i < n; i++) for (let e = indptr[i]; e < indptr[i + 1]; e++) cur[i * W + (indices[e] >>> 5)] |= 1 << (indices[e] & 31);
  for (let hop = 2; hop <= L; hop++) {
    // B_{k+1}[i] = B_k[i] ∪ ⋃_{j ∈ row i} B_k[j]  (B_k[i] already holds row i itself).
    const next = cur.slice();
    for (let i = 0; i < n; i++) {
      const base = i * W;
      for (let e = indptr[i]; e < indptr[i + 1]; e++) {
        const j = indices[e];
        if (j === i) continue;
        const jb = j * W;
        for (let w = 0; w < W; w++) next[base + w] |= cur[jb + w];
      }
    }
    let changed = false;
    for (let k = 0; k < next.length && !changed; k++) changed = next[k] !== cur[k];
    cur = next;
    if (!changed) break; // fixpoint: more hops reach nothing new
  }
  let count = 0;
  for (let k = 0; k < cur.length; k++) if (cur[k] !== 0) count += popcount(cur[k]);
  return count / (n * n);
}

function reachSampled(t: Topology, L: number, s: number, seed: number): ReachResult {
  const n = t.rows;
  const g = new Generator(seed);
  const { indptr, indices } = t;
  const seen = new Int32Array(n).fill(-1);
  const frontier = new Int32Array(n);
  const nextFrontier = new Int32Array(n);
  // Floyd's algorithm: s distinct targets.
  const targets = new Set<number>();
  for (let j = n - s; j < n; j++) {
    const v = g.int(0, j + 1);
    targets.add(targets.has(v) ? j : v);
  }
  const f: number[] = [];
  for (const i of targets) {
    // Start from i without marking it: i counts only if a cycle returns to it.
    let fl = 1;
    frontier[0] = i;
    let reached = 0;
    for (let hop = 1; hop <= L && fl > 0 && reached < n; hop++) {
      let nl = 0;
      // Stop scanning once every node is reached (global rows reach all in one step).
      for (let q = 0; q < fl && reached + nl < n; q++) {
        const u = frontier[q];
        for (let e = indptr[u]; e < indptr[u + 1]; e++) {
          const v = indices[e];
          if (seen[v] === i) continue;
          seen[v] = i;
          nextFrontier[nl++] = v;
        }
      }
      reached += nl;
      frontier.set(nextFrontier.subarray(0, nl));
      fl = nl;
    }
    f.push(reached / n);
  }
  const mean = f.reduce((a, b) => a + b, 0) / s;
  const variance = f.reduce((a, b) => a + (b - mean) ** 2, 0) / (s - 1);
  return { hops: L, fraction: mean, exact: false, stdError: Math.sqrt((variance / s) * (1 - s / n)), samples: s };
}

// ─── diameter, components ────────────────────────────────────────────────────────────────────

/**
 * The largest shortest-path length over all ordered pairs (i, j), following edges from targets
 * to sources (directed, default) or ignoring direction ({ directed: false }); Infinity when some
 * pair is not joined, 0 for n ≤ 1. Exact: one BFS per node, O(n · (n + nnz)) — fine for
 * thousands of nodes, slow for hundreds of thousands.
 */
export function diameter(t: Topology, opts: { directed?: boolean } = {}): number {
  checkSquare('diameter', t);
  const g = (opts.directed ?? true) ? t : union(t, t.transpose());
  const n = g.rows;
  if (n <= 1) return 0;
  const dist = new Int32Array(n);
  const queue = new Int32Array(n);
  let best = 0;
  for (let s = 0; s < n; s++) {
    dist.fill(-1);
    dist[s] = 0;
    queue[0] = s;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const u = queue[head++];
      for (let e = g.indptr[u]; e < g.indptr[u + 1]; e++) {
        const v = g.indices[e];
        if (dist[v] < 0) {
          dist[v] = dist[u] + 1;
          queue[tail++] = v;
        }
      }
    }
    if (tail < n) return Infinity;
    best = Math.max(best, dist[queue[tail - 1]]);
  }
  return best;
}

export interface Components {
  count: number;
  /** Component of each node, numbered 0, 1, … in order of each component's smallest node. */
  labels: Int32Array;
  /** Nodes per component. */
  sizes: Int32Array;
}

/** Weakly connected components of a square pattern (edge direction ignored); union–find. */
export function connectedComponents(t: Topology): Components {
  checkSquare('connectedComponents', t);
  const n = t.rows;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (let i = 0; i < n; i++) {
    for (let e = t.indptr[i]; e < t.indptr[i + 1]; e++) {
      const a = find(i);
      const b = find(t.indices[e]);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const labels = new Int32Array(n);
  const labelOfRoot = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (labelOfRoot[r] < 0) {
      labelOfRoot[r] = sizes.length;
      sizes.push(0);
    }
    labels[i] = labelOfRoot[r];
    sizes[labels[i]]++;
  }
  return { count: sizes.length, labels, sizes: Int32Array.from(sizes) };
}
