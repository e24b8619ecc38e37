/**
 * `Topology`: an immutable sparse bipartite pattern of `rows` targets × `cols` sources, stored
 * as CSR — `indptr` (rows + 1 offsets) and `indices` (the source of each edge, sorted and unique
 * within each row). Edge e of row r is `indices[e]` for indptr[r] ≤ e < indptr[r+1]; values
 * carried on edges (weights, attention scores) are arrays in this edge order.
 *
 * Derived views are built lazily and cached: the transpose (with the permutation that carries
 * edge values across), the row of each edge, and block views for the tiled kernels.
 * Never write into `indptr` or `indices`: topologies are shared through caches.
 */
import { TopologyError } from '../errors.ts';

export interface BlockView {
  /** Tile size b: tiles are b × b (edge tiles at the borders may be smaller). */
  readonly block: number;
  readonly rowBlocks: number;
  readonly colBlocks: number;
  /** Block-CSR: tiles of row-block R are tileCols[tilePtr[R] … tilePtr[R+1]). */
  readonly tilePtr: Int32Array;
  readonly tileCols: Int32Array;
  /** 1 where every (row, col) of the tile is an edge, 0 for a partial tile. */
  readonly full: Uint8Array;
  /**
   * For partial tile t, its mask is masks[maskOffset[t] … + b·b) row-major (1 = edge);
   * -1 for full tiles.
   */
  readonly maskOffset: Int32Array;
  readonly masks: Uint8Array;
  /** Edges covered / (tiles · b²): how much of the tiled work is real. */
  readonly fill: number;
}

function fail(op: string, msg: string): never {
  throw new TopologyError(`${op}: ${msg}`);
}

function checkSize(v: number, op: string, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) fail(op, `${what} must be an integer in [0, 2^31), got ${v}`);
}

export class Topology {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  /** How the pattern was made (e.g. "slidingWindow(n=4096, w=256)"), for describe(). */
  readonly origin: string;

  private cachedTranspose: { top: Topology; perm: Int32Array } | null = null;
  private cachedEdgeRows: Int32Array | null = null;
  private readonly cachedBlocks = new Map<number, BlockView>();

  /**
   * Wrap CSR arrays. They are copied and validated (sorted, unique, in range) unless `trusted`
   * is set by a constructor of this library that builds them correct by construction.
   */
  constructor(rows: number, cols: number, indptr: Int32Array, indices: Int32Array, options: { origin?: string; trusted?: boolean } = {}) {
    const op = options.origin ?? 'Topology';
    checkSize(rows, op, 'rows');
    checkSize(cols, op, 'cols');
    if (!(indptr instanceof Int32Array)) fail(op, `indptr must be an Int32Array, got ${(indptr as object)?.constructor?.name ?? typeof indptr}`);
    if (!(indices instanceof Int32Array)) fail(op, `indices must be an Int32Array, got ${(indices as object)?.constructor?.name ?? typeof indices}`);
    this.rows = rows;
    this.cols = cols;
    // A user's arrays are copied (validation is O(nnz) anyway), so writing to them later cannot
    // change this immutable value; the library's own constructors hand over fresh arrays.
    this.indptr = options.trusted ? indptr : indptr.slice();
    this.indices = options.trusted ? indices : indices.slice();
    this.origin = options.origin ?? 'fromCSR';
    if (!options.trusted) this.validate(op);
  }

  private validate(op: string): void {
    const { rows, cols, indptr, indices } = this;
    if (indptr.length !== rows + 1) fail(op, `indptr has ${indptr.length} entries, expected rows + 1 = ${rows + 1}`);
    if (indptr[0] !== 0) fail(op, `indptr[0] must be 0, got ${indptr[0]}`);
    if (indptr[rows] !== indices.length) fail(op, `indptr[${rows}] = ${indptr[rows]} but there are ${indices.length} indices`);
    for (let r = 0; r < rows; r++) {
      const s = indptr[r];
      const e = indptr[r + 1];
      if (e < s) fail(op, `indptr decreases at row ${r} (${s} → ${e})`);
      let prev = -1;
      for (let k = s; k < e; k++) {
        const c = indices[k];
        if (c < 0 || c >= cols) fail(op, `row ${r} has column ${c}, outside [0, ${cols})`);
        if (c <= prev) fail(op, c === prev ? `row ${r} has column ${c} twice (duplicates are not allowed)` : `row ${r} is not sorted (column ${c} after ${prev})`);
        prev = c;
      }
    }
  }

  get nnz(): number {
    return this.indices.length;
  }

  /** Edges of row r: indices.subarray(indptr[r], indptr[r+1]). */
  row(r: number): Int32Array {
    if (!Number.isInteger(r) || r < 0 || r >= this.rows) throw new TopologyError(`row: ${r} is outside [0, ${this.rows})`);
    return this.indices.subarray(this.indptr[r], this.indptr[r + 1]);
  }

  /** The target row of each edge (COO row indices), cached. */
  edgeRows(): Int32Array {
    if (!this.cachedEdgeRows) {
      const out = new Int32Array(this.nnz);
      for (let r = 0; r < this.rows; r++) out.fill(r, this.indptr[r], this.indptr[r + 1]);
      this.cachedEdgeRows = out;
    }
    return this.cachedEdgeRows;
  }

  /** cols × rows: edge (r, c) becomes (c, r). Cached; transpose().transpose() is this. */
  transpose(): Topology {
    return this.transposed().top;
  }

  /**
   * perm[e'] = e: edge e' of the transpose is edge e of this topology, so edge values move
   * across as `valuesT[e'] = values[perm[e']]`.
   */
  transposePermutation(): Int32Array {
    return this.transposed().perm;
  }

  private transposed(): { top: Topology; perm: Int32Array } {
    if (this.cachedTranspose) return this.cachedTranspose;
    // Counting sort by column: stable, so each transposed row stays sorted by original row.
    const { rows, cols, indptr, indices } = this;
    const tptr = new Int32Array(cols + 1);
    for (let e = 0; e < indices.length; e++) tptr[indices[e] + 1]++;
    for (let c = 0; c < cols; c++) tptr[c + 1] += tptr[c];
    const next = tptr.slice(0, cols);
    const tind = new Int32Array(indices.length);
    const perm = new Int32Array(indices.length);
    for (let r = 0; r < rows; r++) {
      for (let e = indptr[r]; e < indptr[r + 1]; e++) {
        const at = next[indices[e]]++;
        tind[at] = r;
        perm[at] = e;
      }
    }
    const top = new Topology(cols, rows, tptr, tind, { origin: `transpose(${this.origin})`, trusted: true });
    const inverse = new Int32Array(perm.length);
    for (let k = 0; k < perm.length; k++) inverse[perm[k]] = k;
    top.cachedTranspose = { top: this, perm: inverse };
    this.cachedTranspose = { top, perm };
    return this.cachedTranspose;
  }

  /** Same sizes and the same edges. */
  equals(other: Topology): boolean {
    if (this === other) return true;
    if (this.rows !== other.rows || this.cols !== other.cols || this.nnz !== other.nnz) return false;
    for (let i = 0; i <= this.rows; i++) if (this.indptr[i] !== other.indptr[i]) return false;
    for (let i = 0; i < this.nnz; i++) if (this.indices[i] !== other.indices[i]) return false;
    return true;
  }

  /** Whether (r, c) is an edge (binary search in row r). */
  has(r: number, c: number): boolean {
    if (r < 0 || r >= this.rows || c < 0 || c >= this.cols) return false;
    let lo = this.indptr[r];
    let hi = this.indptr[r + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.indices[mid];
      if (v === c) return true;
      if (v < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** The b × b tiled view (cached per b) that block kernels use. */
  blockView(block: number): BlockView {
    if (!Number.isInteger(block) || block < 1) throw new TopologyError(`blockView: block size must be a positive integer, got ${block}`);
    let v = this.cachedBlocks.get(block);
    if (!v) {
      v = buildBlockView(this, block);
      this.cachedBlocks.set(block, v);
    }
    return v;
  }

  toString(): string {
    return `Topology(${this.rows}×${this.cols}, nnz=${this.nnz}, ${this.origin})`;
  }
}

function buildBlockView(t: Topology, b: number): BlockView {
  const rowBlocks = Math.ceil(t.rows / b);
  const colBlocks = Math.ceil(t.cols / b);
  const tilePtr = new Int32Array(rowBlocks + 1);
  const tileColsList: number[] = [];
  const counts: number[] = [];
  const marks = new Int32Array(colBlocks).fill(-1);
  const countOf = new Int32Array(colBlocks);
  for (let R = 0; R < rowBlocks; R++) {
    const touched: number[] = [];
    for (let r = R * b; r < Math.min(t.rows, (R + 1) * b); r++) {
      for (let e = t.indptr[r]; e < t.indptr[r + 1]; e++) {
        const C = (t.indices[e] / b) | 0;
        if (marks[C] !== R) {
          marks[C] = R;
          countOf[C] = 0;
          touched.push(C);
        }
        countOf[C]++;
      }
    }
    touched.sort((x, y) => x - y);
    for (const C of touched) {
      tileColsList.push(C);
      counts.push(countOf[C]);
    }
    tilePtr[R + 1] = tileColsList.length;
  }
  const tiles = tileColsList.length;
  const tileCols = Int32Array.from(tileColsList);
  const full = new Uint8Array(tiles);
  const maskOffset = new Int32Array(tiles).fill(-1);
  let partial = 0;
  for (let R = 0; R < rowBlocks; R++) {
    const h = Math.min(b, t.rows - R * b);
    for (let k = tilePtr[R]; k < tilePtr[R + 1]; k++) {
      const w = Math.min(b, t.cols - tileCols[k] * b);
      if (counts[k] === h * w) full[k] = 1;
      else maskOffset[k] = b * b * partial++;
    }
  }
  const masks = new Uint8Array(partial * b * b);
  // Fill partial masks: walk each row's edges with a cursor over that row-block's tiles.
  for (let R = 0; R < rowBlocks; R++) {
    for (let r = R * b; r < Math.min(t.rows, (R + 1) * b); r++) {
      let k = tilePtr[R];
      for (let e = t.indptr[r]; e < t.indptr[r + 1]; e++) {
        const c = t.indices[e];
        const C = (c / b) | 0;
        while (tileCols[k] < C) k++;
        if (maskOffset[k] >= 0) masks[maskOffset[k] + (r - R * b) * b + (c - C * b)] = 1;
      }
    }
  }
  return { block: b, rowBlocks, colBlocks, tilePtr, tileCols, full, maskOffset, masks, fill: tiles === 0 ? 1 : t.nnz / (tiles * b * b) };
}
