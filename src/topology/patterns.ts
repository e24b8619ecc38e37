/**
 * Pattern constructors. Each builds its CSR directly in O(rows + nnz) time and memory — never an
 * n × n array — except `fromMask`, which asks its callback about every cell. Rows are targets
 * (queries, output units), columns are sources (keys, input units): edge (i, j) means "i reads j".
 *
 * Identical requests are served from `topologyCache` (see cache.ts): the key is the constructor
 * name and its canonical arguments, including the seed for random patterns. Passing a
 * `generator` (or no seed at all, which draws from the library's default generator) bypasses
 * the cache, since the result then depends on the generator's state.
 *
 * Exact definitions (0-based; a row only ever holds columns in [0, cols)):
 *   dense(r, c)                    every (i, j)
 *   causal(n)                      j ≤ i
 *   slidingWindow(n, w)            |i − j| ≤ ⌊w/2⌋            (w odd: w keys; w even: w + 1 keys, w/2 per side)
 *   slidingWindow(n, w, causal)    i − w < j ≤ i               (w keys including itself)
 *   dilated(n, w, d)               j = i + k·d, |k| ≤ ⌊w/2⌋
 *   dilated(n, w, d, causal)       j = i − k·d, 0 ≤ k < w
 *   global(n, G)                   i ∈ G or j ∈ G
 *   strided(n, l)  (Child et al.)  j ≤ i and (i − j < l or (i − j) mod l = 0)
 *   fixed(n, l, c) (Child et al.)  j ≤ i and (⌊j/l⌋ = ⌊i/l⌋ or j mod l ≥ l − c)
 *   local2d(H, W, r)               pixel p = y·W + x reads (y', x') with max(|dy|, |dx|) ≤ r
 *                                  ('square'), |dy| + |dx| ≤ r ('diamond'), or dy = 0 or dx = 0
 *                                  with the other ≤ r ('cross')
 *   bigBird, blockSparse, random, erdosRenyi, nm: see their own comments.
 */
import { TopologyError } from '../errors.ts';
import { Generator, defaultGenerator } from '../tensor/random.ts';
import { indexList } from './algebra.ts';
import { topologyCache } from './cache.ts';
import { Topology } from './topology.ts';

const MAX_NNZ = 2 ** 31 - 1;

function fail(op: string, msg: string): never {
  throw new TopologyError(`${op}: ${msg}`);
}

/** A size or count: an integer ≥ min (and < 2^31). */
function checkInt(op: string, what: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 2 ** 31 - 1) {
    const expect = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
    fail(op, `${what} must be ${expect}, got ${String(v)}`);
  }
  return v;
}

function checkNnz(op: string, nnz: number, shape: string): void {
  if (nnz > MAX_NNZ) fail(op, `${shape} would have ${nnz} edges, more than the 2^31 − 1 an Int32 CSR can index`);
}

/** The cache key of a request: name and canonical arguments. */
function key(name: string, args: Record<string, unknown>): string {
  return `${name}${JSON.stringify(args)}`;
}

function cached(k: string | null, build: () => Topology): Topology {
  return k === null ? build() : topologyCache.getOrBuild(k, build);
}

/**
 * Build a CSR from a row-length function and a row filler that writes that many sorted, unique
 * columns at `at`. Two passes, no intermediate arrays.
 */
function build(rows: number, cols: number, origin: string, rowLength: (i: number) => number, fillRow: (i: number, out: Int32Array, at: number) => void): Topology {
  const indptr = new Int32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    nnz += rowLength(i);
    if (nnz > MAX_NNZ) checkNnz(origin, nnz, `${rows}×${cols}`);
    indptr[i + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  for (let i = 0; i < rows; i++) fillRow(i, indices, indptr[i]);
  return new Topology(rows, cols, indptr, indices, { origin, trusted: true });
}

/** Rows of contiguous columns [lo(i), hi(i)] (empty when hi < lo). */
function band(rows: number, cols: number, origin: string, lo: (i: number) => number, hi: (i: number) => number): Topology {
  return build(
    rows,
    cols,
    origin,
    (i) => Math.max(0, Math.min(cols - 1, hi(i)) - Math.max(0, lo(i)) + 1),
    (i, out, at) => {
      const end = Math.min(cols - 1, hi(i));
      for (let j = Math.max(0, lo(i)); j <= end; j++) out[at++] = j;
    },
  );
}

/** A growable Int32 buffer, for constructors whose nnz is only known at the end. */
class Edges {
  data: Int32Array;
  length = 0;
  constructor(
    private readonly op: string,
    capacity: number,
  ) {
    this.data = new Int32Array(Math.max(16, Math.min(MAX_NNZ, Math.ceil(capacity))));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      if (this.length === MAX_NNZ) fail(this.op, `more than 2^31 − 1 edges, which an Int32 CSR cannot index`);
      const next = new Int32Array(Math.min(MAX_NNZ, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** The filled part (copied only if the buffer is oversized by more than 1/8). */
  take(): Int32Array {
    return this.length * 8 >= this.data.length * 7 ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
}

// ─── randomness ──────────────────────────────────────────────────────────────────────────────

export interface SeedOptions {
  /** Seed a fresh generator: the result is reproducible and cached. */
  seed?: number;
  /** Draw from this generator (advancing it); the result is not cached. */
  generator?: Generator;
}

/** The generator to use and the seed part of the cache key (null: not cacheable). */
function randomness(op: string, opts: SeedOptions): { g: Generator; seedKey: number | null } {
  if (opts.generator !== undefined) {
    if (!(opts.generator instanceof Generator)) fail(op, `generator must be a Generator, got ${typeof opts.generator}`);
    if (opts.seed !== undefined) fail(op, `pass either seed or generator, not both`);
    return { g: opts.generator, seedKey: null };
  }
  if (opts.seed !== undefined) {
    if (!Number.isSafeInteger(opts.seed)) fail(op, `seed must be an integer, got ${String(opts.seed)}`);
    return { g: new Generator(opts.seed), seedKey: opts.seed };
  }
  return { g: defaultGenerator, seedKey: null };
}

/** Uniform in (0, 1] with 53 random bits (the geometric skip needs the far tail). */
function uniformOpen(g: Generator): number {
  const hi = g.nextUint32() >>> 5;
  const lo = g.nextUint32() >>> 6;
  return 1 - (hi * 67108864 + lo) / 9007199254740992;
}

/**
 * Write k distinct values drawn uniformly from [0, m) into out[at … at+k), unsorted (Floyd's
 * algorithm: O(k) draws). `mark` has ≥ m entries; mark[v] === stamp means "taken".
 */
function floyd(g: Generator, m: number, k: number, out: Int32Array, at: number, mark: Int32Array, stamp: number): void {
  for (let j = m - k; j < m; j++) {
    const t = g.int(0, j + 1);
    const v = mark[t] === stamp ? j : t;
    mark[v] = stamp;
    out[at++] = v;
  }
}

// ─── deterministic patterns ──────────────────────────────────────────────────────────────────

/** Every target reads every source: rows·cols edges. */
export function dense(rows: number, cols: number): Topology {
  checkInt('dense', 'rows', rows);
  checkInt('dense', 'cols', cols);
  checkNnz('dense', rows * cols, `${rows}×${cols}`);
  return cached(key('dense', { rows, cols }), () => {
    const indptr = new Int32Array(rows + 1);
    for (let i = 0; i <= rows; i++) indptr[i] = i * cols;
    const indices = new Int32Array(rows * cols);
    for (let j = 0; j < cols; j++) indices[j] = j;
    // Doubling copies of the first row.
    for (let filled = cols; filled < indices.length; filled *= 2) indices.copyWithin(filled, 0, Math.min(filled, indices.length - filled));
    return new Topology(rows, cols, indptr, indices, { origin: `dense(${rows}×${cols})`, trusted: true });
  });
}

/** Autoregressive mask: row i reads j ≤ i (n(n+1)/2 edges). */
export function causal(n: number): Topology {
  checkInt('causal', 'n', n);
  checkNnz('causal', (n * (n + 1)) / 2, `${n}×${n}`);
  return cached(key('causal', { n }), () => band(n, n, `causal(n=${n})`, () => 0, (i) => i));
}

export interface WindowOptions {
  /** Read only the current and earlier positions (default false). */
  causal?: boolean;
}

function checkCausal(op: string, opts: WindowOptions): boolean {
  if (opts.causal !== undefined && typeof opts.causal !== 'boolean') fail(op, `causal must be true or false, got ${String(opts.causal)}`);
  return opts.causal ?? false;
}

/**
 * Local attention band. Symmetric (default): row i reads j with |i − j| ≤ ⌊window/2⌋, so an odd
 * window gives exactly `window` keys per interior row and an even one window/2 on each side
 * plus itself (the Longformer convention). Causal: i − window < j ≤ i, exactly `window` keys
 * including itself. Rows near the ends are cut, not wrapped.
 */
export function slidingWindow(n: number, window: number, opts: WindowOptions = {}): Topology {
  checkInt('slidingWindow', 'n', n);
  checkInt('slidingWindow', 'window', window, 1);
  const isCausal = checkCausal('slidingWindow', opts);
  return cached(key('slidingWindow', { n, window, causal: isCausal }), () => {
    const origin = `slidingWindow(n=${n}, window=${window}${isCausal ? ', causal' : ''})`;
    if (isCausal) return band(n, n, origin, (i) => i - window + 1, (i) => i);
    const h = Math.floor(window / 2);
    return band(n, n, origin, (i) => i - h, (i) => i + h);
  });
}

/**
 * A sliding window with gaps: row i reads j = i + k·dilation for |k| ≤ ⌊window/2⌋ (symmetric)
 * or j = i − k·dilation for 0 ≤ k < window (causal). `window` counts keys, as in slidingWindow,
 * and dilation 1 is exactly slidingWindow.
 */
export function dilated(n: number, window: number, dilation: number, opts: WindowOptions = {}): Topology {
  checkInt('dilated', 'n', n);
  checkInt('dilated', 'window', window, 1);
  checkInt('dilated', 'dilation', dilation, 1);
  const isCausal = checkCausal('dilated', opts);
  return cached(key('dilated', { n, window, dilation, causal: isCausal }), () => {
    const origin = `dilated(n=${n}, window=${window}, dilation=${dilation}${isCausal ? ', causal' : ''})`;
    const d = dilation;
    const h = Math.floor(window / 2);
    // Smallest and largest k with j inside [0, n).
    const kLo = isCausal ? (i: number) => -Math.min(window - 1, Math.floor(i / d)) : (i: number) => -Math.min(h, Math.floor(i / d));
    const kHi = isCausal ? () => 0 : (i: number) => Math.min(h, Math.floor((n - 1 - i) / d));
    return build(
      n,
      n,
      origin,
      (i) => kHi(i) - kLo(i) + 1,
      (i, out, at) => {
        const hi = kHi(i);
        for (let k = kLo(i); k <= hi; k++) out[at++] = i + k * d;
      },
    );
  });
}

/** Sorted unique positions, each an integer in [0, n). */
function positions(op: string, what: string, idx: ArrayLike<number>, n: number): Int32Array {
  const out = indexList(op, what, idx, n);
  out.sort();
  let u = 0;
  for (let k = 0; k < out.length; k++) if (k === 0 || out[k] !== out[k - 1]) out[u++] = out[k];
  return out.slice(0, u);
}

/**
 * Global tokens: each position in `indices` reads every position and is read by every
 * position; no other edges (union it with a local pattern). Repeated indices count once.
 */
export function global(n: number, indices: ArrayLike<number>): Topology {
  checkInt('global', 'n', n);
  const G = positions('global', 'indices', indices, n);
  checkNnz('global', G.length * n + (n - G.length) * G.length, `${n}×${n}`);
  return cached(key('global', { n, indices: Array.from(G) }), () => {
    const isGlobal = new Uint8Array(n);
    for (const v of G) isGlobal[v] = 1;
    return build(
      n,
      n,
      `global(n=${n}, ${G.length} global${G.length <= 8 ? ` [${G.join(', ')}]` : ''})`,
      (i) => (isGlobal[i] ? n : G.length),
      (i, out, at) => {
        if (isGlobal[i]) for (let j = 0; j < n; j++) out[at++] = j;
        else out.set(G, at);
      },
    );
  });
}

/**
 * Sparse Transformer "strided" pattern (Child et al. 2019), both heads unioned, causal:
 * row i reads the previous `stride` positions including itself (i − stride < j ≤ i) and every
 * stride-th position before that ((i − j) mod stride = 0). The paper's first head,
 * {max(0, i − l) … i}, adds only j = i − l, which the second head already has.
 */
export function strided(n: number, stride: number): Topology {
  checkInt('strided', 'n', n);
  checkInt('strided', 'stride', stride, 1);
  return cached(key('strided', { n, stride }), () => {
    const l = stride;
    return build(
      n,
      n,
      `strided(n=${n}, stride=${l})`,
      (i) => Math.min(i + 1, l) + Math.floor(i / l),
      (i, out, at) => {
        // Strided columns below the local run (ascending), then the run itself.
        const first = Math.max(0, i - l + 1);
        for (let j = i % l; j < first; j += l) out[at++] = j;
        for (let j = first; j <= i; j++) out[at++] = j;
      },
    );
  });
}

/**
 * Sparse Transformer "fixed" pattern (Child et al. 2019), both heads unioned, causal: row i
 * reads its own block of length `stride` up to itself (⌊j/l⌋ = ⌊i/l⌋, j ≤ i) plus the last `c`
 * positions of every earlier block (j mod l ≥ l − c), the "summary" cells. 0 ≤ c ≤ stride.
 */
export function fixed(n: number, stride: number, c: number): Topology {
  checkInt('fixed', 'n', n);
  checkInt('fixed', 'stride', stride, 1);
  checkInt('fixed', 'c', c);
  if (c > stride) fail('fixed', `c must be at most stride (${stride}), got ${c}`);
  return cached(key('fixed', { n, stride, c }), () => {
    const l = stride;
    return build(
      n,
      n,
      `fixed(n=${n}, stride=${l}, c=${c})`,
      (i) => Math.floor(i / l) * c + (i % l) + 1,
      (i, out, at) => {
        const B = Math.floor(i / l);
        for (let b = 0; b < B; b++) for (let j = b * l + l - c; j < (b + 1) * l; j++) out[at++] = j;
        for (let j = B * l; j <= i; j++) out[at++] = j;
      },
    );
  });
}

export type Neighbourhood = 'square' | 'cross' | 'diamond';

/**
 * Image neighbourhoods on a height × width grid, pixels numbered row-major (p = y·width + x),
 * so the topology is (H·W) × (H·W). Pixel (y, x) reads (y + dy, x + dx) inside the image with
 * max(|dy|, |dx|) ≤ radius ('square', default: a (2r+1)² patch), |dy| + |dx| ≤ radius
 * ('diamond'), or one of dy, dx zero and the other ≤ radius ('cross': a plus sign).
 */
export function local2d(height: number, width: number, radius: number, opts: { shape?: Neighbourhood } = {}): Topology {
  checkInt('local2d', 'height', height);
  checkInt('local2d', 'width', width);
  checkInt('local2d', 'radius', radius);
  const shape = opts.shape ?? 'square';
  if (shape !== 'square' && shape !== 'cross' && shape !== 'diamond') fail('local2d', `shape must be 'square', 'cross' or 'diamond', got ${String(shape)}`);
  if (height * width > MAX_NNZ) fail('local2d', `${height}×${width} = ${height * width} pixels is more than an Int32 index can number`);
  return cached(key('local2d', { height, width, radius, shape }), () => {
    const r = radius;
    // Half-width of the x-range read in row y + dy.
    const span = (dy: number): number => (shape === 'square' ? r : shape === 'diamond' ? r - Math.abs(dy) : dy === 0 ? r : 0);
    const visit = (p: number, emit: (q: number) => void): void => {
      const y = Math.floor(p / width);
      const x = p - y * width;
      for (let yy = Math.max(0, y - r); yy <= Math.min(height - 1, y + r); yy++) {
        const s = span(yy - y);
        const x1 = Math.min(width - 1, x + s);
        for (let xx = Math.max(0, x - s); xx <= x1; xx++) emit(yy * width + xx);
      }
    };
    const n = height * width;
    return build(
      n,
      n,
      `local2d(${height}×${width}, radius=${r}, ${shape})`,
      (p) => {
        let c = 0;
        visit(p, () => c++);
        return c;
      },
      (p, out, at) => visit(p, (q) => (out[at++] = q)),
    );
  });
}

// ─── block patterns ──────────────────────────────────────────────────────────────────────────

/** A block mask: which block-row R reads which block-column C. */
export type BlockMask =
  | { rowBlocks: number; colBlocks: number; has(R: number, C: number): boolean }
  | { rowBlocks: number; colBlocks: number; data: Uint8Array | ArrayLike<number | boolean> }
  | ReadonlyArray<ReadonlyArray<boolean | number>>;

/**
 * Expand per-block-row sorted block-column lists to token rows: row i of block-row R reads
 * every column of every listed block. Rows of one block-row are identical, so the first is
 * copied.
 */
function expandBlocks(rows: number, cols: number, block: number, blockCols: Int32Array[], fullRows: ((R: number) => boolean) | null, origin: string): Topology {
  const width = (C: number): number => Math.min(cols, (C + 1) * block) - C * block;
  const rowLen = (R: number): number => {
    if (fullRows && fullRows(R)) return cols;
    let w = 0;
    for (const C of blockCols[R]) w += width(C);
    return w;
  };
  const lens = blockCols.map((_, R) => rowLen(R));
  return build(
    rows,
    cols,
    origin,
    (i) => lens[Math.floor(i / block)],
    (i, out, at) => {
      const R = Math.floor(i / block);
      const len = lens[R];
      if (i % block !== 0) {
        out.copyWithin(at, at - len, at); // same as the row above
        return;
      }
      if (fullRows && fullRows(R)) {
        for (let j = 0; j < cols; j++) out[at++] = j;
        return;
      }
      for (const C of blockCols[R]) for (let j = C * block, e = C * block + width(C); j < e; j++) out[at++] = j;
    },
  );
}

/**
 * Block-sparse pattern: tile (R, C) of size block × block is all edges if the mask has it,
 * none otherwise. Size rowBlocks·block × colBlocks·block, unless `rows`/`cols` trim the last
 * block-row/column (they must fall inside it). The mask is asked about every tile, so this
 * costs O(rowBlocks·colBlocks + nnz). Array masks are cached; a `has` callback is not.
 */
export function blockSparse(mask: BlockMask, block: number, opts: { rows?: number; cols?: number } = {}): Topology {
  checkInt('blockSparse', 'block', block, 1);
  let RB: number;
  let CB: number;
  let has: (R: number, C: number) => boolean;
  let bits: string | null = null;
  if (Array.isArray(mask)) {
    RB = mask.length;
    CB = RB === 0 ? 0 : (mask[0] as ArrayLike<unknown>).length;
    mask.forEach((row: ArrayLike<unknown>, R: number) => {
      if (!row || row.length !== CB) fail('blockSparse', `mask must be rectangular: row 0 has ${CB} blocks but row ${R} has ${row?.length}`);
    });
    const rowsOf = mask as ReadonlyArray<ReadonlyArray<boolean | number>>;
    has = (R, C) => Boolean(rowsOf[R][C]);
  } else if (mask && typeof mask === 'object' && 'rowBlocks' in mask) {
    RB = checkInt('blockSparse', 'mask.rowBlocks', mask.rowBlocks);
    CB = checkInt('blockSparse', 'mask.colBlocks', mask.colBlocks);
    if ('data' in mask) {
      const data = mask.data;
      if (!data || data.length !== RB * CB) fail('blockSparse', `mask.data must have rowBlocks·colBlocks = ${RB * CB} entries, got ${data?.length}`);
      has = (R, C) => Boolean(data[R * CB + C]);
    } else if (typeof mask.has === 'function') {
      has = (R, C) => Boolean(mask.has(R, C));
    } else fail('blockSparse', `mask needs a has(R, C) function or a data array`);
  } else fail('blockSparse', `mask must be a boolean[][] or {rowBlocks, colBlocks, has | data}, got ${String(mask)}`);
  const rows = opts.rows ?? RB * block;
  const cols = opts.cols ?? CB * block;
  checkInt('blockSparse', 'rows', rows);
  checkInt('blockSparse', 'cols', cols);
  if (Math.ceil(rows / block) !== RB) fail('blockSparse', `rows = ${rows} does not fit ${RB} block-rows of ${block} (expected ${(RB - 1) * block + 1}…${RB * block})`);
  if (Math.ceil(cols / block) !== CB) fail('blockSparse', `cols = ${cols} does not fit ${CB} block-columns of ${block} (expected ${(CB - 1) * block + 1}…${CB * block})`);
  const blockCols: Int32Array[] = [];
  const bitChars: string[] = [];
  for (let R = 0; R < RB; R++) {
    const list: number[] = [];
    for (let C = 0; C < CB; C++) if (has(R, C)) list.push(C);
    blockCols.push(Int32Array.from(list));
    bitChars.push(list.join('.'));
  }
  // Data masks are named by their bits; a callback is not cached (it could change).
  if (Array.isArray(mask) || 'data' in (mask as object)) bits = bitChars.join('/');
  const nnzTiles = blockCols.reduce((s, l) => s + l.length, 0);
  checkNnz('blockSparse', nnzTiles * block * block, `${rows}×${cols}`);
  return cached(bits === null ? null : key('blockSparse', { rows, cols, block, bits }), () =>
    expandBlocks(rows, cols, block, blockCols, null, `blockSparse(${rows}×${cols}, block=${block}, ${nnzTiles}/${RB * CB} tiles)`),
  );
}

export interface BigBirdOptions extends SeedOptions {
  /** Tile size in tokens (default 64). */
  block?: number;
  /** Odd number of key blocks around each query block, itself in the middle (default 3). */
  windowBlocks?: number;
  /**
   * Global blocks: a count g takes the first ⌈g/2⌉ and last ⌊g/2⌋ blocks (BigBird-ITC's layout,
   * default 2: first and last), or give the block indices.
   */
  globalBlocks?: number | ArrayLike<number>;
  /** Random key blocks per non-global query block (default 3). */
  randomBlocks?: number;
}

/**
 * BigBird (Zaheer et al. 2020) block-sparse attention on n tokens in blocks of `block` (the
 * last block may be shorter). Query block I reads key blocks J with |I − J| ≤ (windowBlocks−1)/2,
 * every global block, and `randomBlocks` further blocks drawn uniformly (seeded) from those not
 * already in its window or global (fewer if not enough remain). Global blocks read every token.
 * Edges are whole tiles: a token reads every token of each key block of its query block.
 */
export function bigBird(n: number, opts: BigBirdOptions = {}): Topology {
  checkInt('bigBird', 'n', n);
  const block = checkInt('bigBird', 'block', opts.block ?? 64, 1);
  const wb = checkInt('bigBird', 'windowBlocks', opts.windowBlocks ?? 3, 1);
  if (wb % 2 === 0) fail('bigBird', `windowBlocks must be an odd positive integer (the query block plus the same number on each side), got ${wb}`);
  const rb = checkInt('bigBird', 'randomBlocks', opts.randomBlocks ?? 3);
  const nb = Math.ceil(n / block);
  let G: Int32Array;
  const gOpt = opts.globalBlocks ?? 2;
  if (typeof gOpt === 'number') {
    checkInt('bigBird', 'globalBlocks', gOpt);
    if (gOpt > nb) fail('bigBird', `globalBlocks = ${gOpt} is more than the ${nb} blocks of n = ${n} in blocks of ${block}`);
    const first = Math.ceil(gOpt / 2);
    const list: number[] = [];
    for (let b = 0; b < first; b++) list.push(b);
    for (let b = nb - (gOpt - first); b < nb; b++) list.push(b);
    G = positions('bigBird', 'globalBlocks', list, nb);
  } else G = positions('bigBird', 'globalBlocks', gOpt, nb);
  const { g, seedKey } = rb > 0 ? randomness('bigBird', opts) : { g: defaultGenerator, seedKey: 0 };
  const k = seedKey === null ? null : key('bigBird', { n, block, windowBlocks: wb, globalBlocks: Array.from(G), randomBlocks: rb, seed: rb > 0 ? seedKey : null });
  return cached(k, () => {
    const isGlobal = new Uint8Array(nb);
    for (const b of G) isGlobal[b] = 1;
    const hw = (wb - 1) / 2;
    const blockCols: Int32Array[] = [];
    const mark = new Int32Array(nb).fill(-1);
    const picks = new Int32Array(rb);
    for (let I = 0; I < nb; I++) {
      if (isGlobal[I]) {
        blockCols.push(new Int32Array(0));
        continue;
      }
      // Excluded blocks (window ∪ global), sorted: random picks are the non-excluded ones.
      const lo = Math.max(0, I - hw);
      const hi = Math.min(nb - 1, I + hw);
      const excluded: number[] = [];
      for (const b of G) if (b < lo) excluded.push(b);
      for (let b = lo; b <= hi; b++) excluded.push(b);
      for (const b of G) if (b > hi) excluded.push(b);
      const avail = nb - excluded.length;
      const r = Math.min(rb, avail);
      // Floyd over candidate ranks, then rank → block by stepping over the excluded ones.
      floyd(g, avail, r, picks, 0, mark, I);
      const chosen = new Set<number>(excluded);
      for (let t = 0; t < r; t++) {
        let b = picks[t];
        for (const e of excluded) if (e <= b) b++;
        chosen.add(b);
      }
      blockCols.push(Int32Array.from(chosen).sort());
    }
    const gText = G.length <= 4 ? `[${G.join(', ')}]` : `${G.length}`;
    const origin = `bigBird(n=${n}, block=${block}, window=${wb}, global=${gText}, random=${rb}${rb > 0 ? (seedKey === null ? ', generator' : `, seed=${seedKey}`) : ''})`;
    return expandBlocks(n, n, block, blockCols, (R) => isGlobal[R] === 1, origin);
  });
}

// ─── random patterns ─────────────────────────────────────────────────────────────────────────

export interface RandomOptions extends SeedOptions {
  /** Never pick column i for row i (needs cols ≥ k + 1). Default false. */
  excludeSelf?: boolean;
}

/** Exactly k distinct sources per row, uniformly at random (seeded). */
export function random(rows: number, cols: number, k: number, opts: RandomOptions = {}): Topology {
  checkInt('random', 'rows', rows);
  checkInt('random', 'cols', cols);
  checkInt('random', 'k', k);
  const excludeSelf = opts.excludeSelf ?? false;
  if (typeof excludeSelf !== 'boolean') fail('random', `excludeSelf must be true or false, got ${String(excludeSelf)}`);
  const avail = excludeSelf && rows > 0 ? cols - 1 : cols;
  if (k > 0 && k > avail && rows > 0) fail('random', `k = ${k} is more than the ${Math.max(0, avail)} columns available per row (cols = ${cols}${excludeSelf ? ', excludeSelf' : ''})`);
  checkNnz('random', rows * k, `${rows}×${cols}`);
  const { g, seedKey } = randomness('random', opts);
  return cached(seedKey === null ? null : key('random', { rows, cols, k, excludeSelf, seed: seedKey }), () => {
    const indptr = new Int32Array(rows + 1);
    for (let i = 0; i <= rows; i++) indptr[i] = i * k;
    const indices = new Int32Array(rows * k);
    const mark = new Int32Array(cols).fill(-1);
    for (let i = 0; i < rows; i++) {
      const at = i * k;
      const self = excludeSelf && i < cols;
      floyd(g, self ? cols - 1 : cols, k, indices, at, mark, i);
      const row = indices.subarray(at, at + k);
      // Skip over the diagonal: draws v ≥ i stand for column v + 1.
      if (self) for (let t = 0; t < k; t++) if (row[t] >= i) row[t]++;
      row.sort();
    }
    const origin = `random(${rows}×${cols}, k=${k}${excludeSelf ? ', excludeSelf' : ''}, ${seedKey === null ? 'generator' : `seed=${seedKey}`})`;
    return new Topology(rows, cols, indptr, indices, { origin, trusted: true });
  });
}

function checkDensity(op: string, density: number): void {
  if (typeof density !== 'number' || !(density >= 0 && density <= 1)) fail(op, `density must be a number in [0, 1], got ${String(density)}`);
}

/**
 * Each of the rows·cols edges present independently with probability `density` (seeded).
 * Geometric skipping jumps from one edge to the next, so the cost is O(rows + nnz).
 */
export function erdosRenyi(rows: number, cols: number, density: number, opts: SeedOptions = {}): Topology {
  checkInt('erdosRenyi', 'rows', rows);
  checkInt('erdosRenyi', 'cols', cols);
  checkDensity('erdosRenyi', density);
  checkNnz('erdosRenyi', Math.floor(rows * cols * density), `${rows}×${cols}`);
  const { g, seedKey } = randomness('erdosRenyi', opts);
  return cached(seedKey === null ? null : key('erdosRenyi', { rows, cols, density, seed: seedKey }), () => {
    const origin = `erdosRenyi(${rows}×${cols}, density=${density}, ${seedKey === null ? 'generator' : `seed=${seedKey}`})`;
    const indptr = new Int32Array(rows + 1);
    if (density === 1 || rows === 0 || cols === 0 || density === 0) {
      const full = density === 1 ? cols : 0;
      for (let i = 0; i <= rows; i++) indptr[i] = i * full;
      const indices = new Int32Array(rows * full);
      for (let e = 0; e < indices.length; e++) indices[e] = e % full;
      return new Topology(rows, cols, indptr, indices, { origin, trusted: true });
    }
    const edges = new Edges('erdosRenyi', rows * cols * density * 1.05 + 64);
    const logq = Math.log1p(-density);
    let r = 0;
    let c = -1;
    for (;;) {
      // Cells skipped before the next edge ~ Geometric(density).
      const next = c + Math.floor(Math.log(uniformOpen(g)) / logq) + 1;
      if (next < cols) c = next;
      else {
        // Into a later row. `over % cols` stays an exact integer in [0, cols) even when the
        // skip is too large for float64 to count cells exactly (then r passes rows anyway).
        const over = next - cols;
        const advance = Math.floor(over / cols) + 1;
        const stop = Math.min(rows, r + advance);
        for (let rr = r + 1; rr <= stop; rr++) indptr[rr] = edges.length;
        r += advance;
        if (r >= rows) break;
        c = over % cols;
      }
      edges.push(c);
    }
    return new Topology(rows, cols, indptr, edges.take(), { origin, trusted: true });
  });
}

export interface NMOptions extends SeedOptions {
  /** rows·cols scores, row-major: keep the n largest of each group (ties: lower column). */
  scores?: ArrayLike<number>;
}

/**
 * N:M structured sparsity: in each row, every group of m consecutive columns (cols must be a
 * multiple of m) holds exactly n edges — chosen uniformly at random (seeded), or the n with
 * the largest `scores` (NaN counts as −∞).
 */
export function nm(rows: number, cols: number, n: number, m: number, opts: NMOptions = {}): Topology {
  checkInt('nm', 'rows', rows);
  checkInt('nm', 'cols', cols);
  checkInt('nm', 'n', n);
  checkInt('nm', 'm', m, 1);
  if (n > m) fail('nm', `n must be at most m (n = ${n} edges in each group of m = ${m} columns)`);
  if (cols % m !== 0) fail('nm', `cols = ${cols} must be a multiple of m = ${m}`);
  const groups = cols / m;
  checkNnz('nm', rows * groups * n, `${rows}×${cols}`);
  const scores = opts.scores;
  if (scores !== undefined && (scores === null || typeof scores.length !== 'number' || scores.length !== rows * cols)) fail('nm', `scores must have rows·cols = ${rows * cols} entries, got ${(scores as ArrayLike<number> | null)?.length}`);
  const { g, seedKey } = scores === undefined ? randomness('nm', opts) : { g: defaultGenerator, seedKey: null };
  return cached(seedKey === null ? null : key('nm', { rows, cols, n, m, seed: seedKey }), () => {
    const perRow = groups * n;
    const indptr = new Int32Array(rows + 1);
    for (let i = 0; i <= rows; i++) indptr[i] = i * perRow;
    const indices = new Int32Array(rows * perRow);
    const mark = new Int32Array(m).fill(-1);
    const order = Array.from({ length: m }, (_, t) => t);
    let stamp = 0;
    let at = 0;
    for (let i = 0; i < rows; i++) {
      for (let G = 0; G < groups; G++) {
        const base = G * m;
        if (scores) {
          const s = (t: number): number => {
            const v = scores[i * cols + base + t];
            return Number.isNaN(v) ? -Infinity : v;
          };
          order.sort((a, b) => s(b) - s(a) || a - b);
          for (let t = 0; t < n; t++) indices[at + t] = base + order[t];
          for (let t = 0; t < m; t++) order[t] = t;
        } else {
          floyd(g, m, n, indices, at, mark, stamp++);
          for (let t = 0; t < n; t++) indices[at + t] += base;
        }
        indices.subarray(at, at + n).sort();
        at += n;
      }
    }
    const how = scores ? 'scores' : seedKey === null ? 'generator' : `seed=${seedKey}`;
    return new Topology(rows, cols, indptr, indices, { origin: `nm(${rows}×${cols}, ${n}:${m}, ${how})`, trusted: true });
  });
}

export interface ERKOptions {
  /** Exponent on the raw ERK score (RigL's erk_power_scale; default 1, 0 gives uniform). */
  power?: number;
  /** Per layer: true keeps it dense and gives the rest the remaining budget. */
  dense?: ArrayLike<boolean>;
}

/**
 * Per-layer densities by Erdős–Rényi–Kernel (RigL, Evci et al. 2020, sparse_utils): layer l with
 * shape [out, in, …kernel] gets density ε·(Σ dims / Π dims)^power — (in + out)/(in·out) for a
 * linear layer, (in + out + kh + kw)/(in·out·kh·kw) for a convolution — with ε chosen so the
 * total number of kept weights is targetDensity · Σ Π dims. A layer whose density would exceed
 * 1 is made dense and ε is recomputed for the rest, repeating (the largest-score layers first)
 * until every density is ≤ 1. Returns one density per layer.
 */
export function erk(layerShapes: ReadonlyArray<ReadonlyArray<number>>, targetDensity: number, opts: ERKOptions = {}): number[] {
  if (!Array.isArray(layerShapes)) fail('erk', `layerShapes must be an array of shapes like [out, in], got ${String(layerShapes)}`);
  checkDensity('erk', targetDensity);
  const power = opts.power ?? 1;
  if (typeof power !== 'number' || !Number.isFinite(power) || power < 0) fail('erk', `power must be a finite number ≥ 0, got ${String(power)}`);
  const L = layerShapes.length;
  const size: number[] = [];
  const raw: number[] = [];
  layerShapes.forEach((shape, l) => {
    if (!Array.isArray(shape) || shape.length < 2) fail('erk', `layerShapes[${l}] must be [out, in] or [out, in, ...kernel], got ${JSON.stringify(shape)}`);
    for (const d of shape) if (!Number.isInteger(d) || d < 1) fail('erk', `layerShapes[${l}] must hold positive integers, got ${JSON.stringify(shape)}`);
    const prod = shape.reduce((a, b) => a * b, 1);
    size.push(prod);
    raw.push((shape.reduce((a, b) => a + b, 0) / prod) ** power);
  });
  const isDense = new Array<boolean>(L).fill(false);
  if (opts.dense !== undefined) {
    if (opts.dense.length !== L) fail('erk', `dense must have one flag per layer (${L}), got ${opts.dense.length}`);
    for (let l = 0; l < L; l++) isDense[l] = Boolean(opts.dense[l]);
  }
  const total = size.reduce((a, b) => a + b, 0);
  const densities = new Array<number>(L).fill(1);
  // RigL's loop: ε = (budget left for sparse layers) / Σ raw·size over sparse layers.
  for (;;) {
    let budget = targetDensity * total;
    let divisor = 0;
    for (let l = 0; l < L; l++) {
      if (isDense[l]) budget -= size[l];
      else divisor += raw[l] * size[l];
    }
    if (divisor === 0) break; // all dense
    const eps = budget / divisor;
    if (eps < 0) fail('erk', `targetDensity ${targetDensity} is below what the layers required to be dense already keep`);
    let maxRaw = -1;
    for (let l = 0; l < L; l++) if (!isDense[l]) maxRaw = Math.max(maxRaw, raw[l]);
    if (maxRaw * eps > 1) {
      for (let l = 0; l < L; l++) if (!isDense[l] && raw[l] === maxRaw) isDense[l] = true;
      continue;
    }
    for (let l = 0; l < L; l++) densities[l] = isDense[l] ? 1 : eps * raw[l];
    return densities;
  }
  return densities;
}

// ─── from data ───────────────────────────────────────────────────────────────────────────────

export interface FromEdgesOptions {
  /** 'merge' (default) keeps one copy of a repeated edge; 'error' refuses it. */
  duplicates?: 'merge' | 'error';
  origin?: string;
}

/**
 * From COO edge lists: edge e is (rowIndex[e], colIndex[e]). Any order; indices must be integers
 * in range. O(nnz + rows) plus a sort within each row. Not cached.
 */
export function fromEdges(rows: number, cols: number, rowIndex: ArrayLike<number>, colIndex: ArrayLike<number>, opts: FromEdgesOptions = {}): Topology {
  const op = 'fromEdges';
  checkInt(op, 'rows', rows);
  checkInt(op, 'cols', cols);
  const dup = opts.duplicates ?? 'merge';
  if (dup !== 'merge' && dup !== 'error') fail(op, `duplicates must be 'merge' or 'error', got ${String(dup)}`);
  const isList = (a: unknown): a is ArrayLike<number> => a !== null && typeof a === 'object' && typeof (a as ArrayLike<number>).length === 'number';
  if (!isList(rowIndex)) fail(op, `rowIndex must be an array of integers, got ${String(rowIndex)}`);
  if (!isList(colIndex)) fail(op, `colIndex must be an array of integers, got ${String(colIndex)}`);
  const E = rowIndex.length;
  if (colIndex.length !== E) fail(op, `rowIndex has ${E} entries but colIndex has ${colIndex.length}; expected one column per row index`);
  checkNnz(op, E, `${rows}×${cols}`);
  // Counting sort by row.
  const indptr = new Int32Array(rows + 1);
  for (let e = 0; e < E; e++) {
    const r = rowIndex[e];
    const c = colIndex[e];
    if (!Number.isInteger(r) || r < 0 || r >= rows) fail(op, `edge ${e} has row ${r}, expected an integer in [0, ${rows})`);
    if (!Number.isInteger(c) || c < 0 || c >= cols) fail(op, `edge ${e} has column ${c}, expected an integer in [0, ${cols})`);
    indptr[r + 1]++;
  }
  for (let r = 0; r < rows; r++) indptr[r + 1] += indptr[r];
  const next = indptr.slice(0, rows);
  const sorted = new Int32Array(E);
  for (let e = 0; e < E; e++) sorted[next[rowIndex[e]]++] = colIndex[e];
  // Sort each row, then squeeze out repeats.
  let w = 0;
  let start = 0;
  for (let r = 0; r < rows; r++) {
    const end = indptr[r + 1];
    const seg = sorted.subarray(start, end).sort();
    for (let k = 0; k < seg.length; k++) {
      if (k > 0 && seg[k] === seg[k - 1]) {
        if (dup === 'error') fail(op, `edge (${r}, ${seg[k]}) appears more than once; pass duplicates: 'merge' to keep one copy`);
        continue;
      }
      sorted[w++] = seg[k];
    }
    start = end;
    indptr[r + 1] = w;
  }
  const indices = w === E ? sorted : sorted.slice(0, w);
  return new Topology(rows, cols, indptr, indices, { origin: opts.origin ?? `fromEdges(${rows}×${cols}, ${w} edges)`, trusted: true });
}

/**
 * From a predicate: (i, j) is an edge when mask(i, j) is truthy. Calls mask rows·cols times, so
 * it is for design-time sizes and for checking the other constructors. Not cached.
 */
export function fromMask(rows: number, cols: number, mask: (row: number, col: number) => unknown, opts: { origin?: string } = {}): Topology {
  checkInt('fromMask', 'rows', rows);
  checkInt('fromMask', 'cols', cols);
  if (typeof mask !== 'function') fail('fromMask', `mask must be a function (row, col) => boolean, got ${typeof mask}`);
  const indptr = new Int32Array(rows + 1);
  const edges = new Edges('fromMask', 1024);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) if (mask(i, j)) edges.push(j);
    indptr[i + 1] = edges.length;
  }
  return new Topology(rows, cols, indptr, edges.take(), { origin: opts.origin ?? `fromMask(${rows}×${cols})`, trusted: true });
}
