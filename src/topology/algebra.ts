/**
 * Topology algebra: set operations on edge sets, the boolean product (two hops), row/column
 * selection and self-loops. Every operation is linear in the edges it reads and writes; none
 * builds a dense array. Shapes that do not fit are a TopologyError naming the operation and
 * both shapes.
 */
import { TopologyError } from '../errors.ts';
import { Topology } from './topology.ts';

const MAX_NNZ = 2 ** 31 - 1;

function fail(op: string, msg: string): never {
  throw new TopologyError(`${op}: ${msg}`);
}

function checkTopology(op: string, what: string, t: unknown): asserts t is Topology {
  if (!(t instanceof Topology)) fail(op, `${what} must be a Topology, got ${t === null ? 'null' : typeof t}`);
}

function shape(t: Topology): string {
  return `${t.rows}×${t.cols}`;
}

function sameShape(op: string, a: Topology, b: Topology): void {
  checkTopology(op, 'a', a);
  checkTopology(op, 'b', b);
  if (a.rows !== b.rows || a.cols !== b.cols) fail(op, `shapes differ: a is ${shape(a)} but b is ${shape(b)}`);
}

type Keep = (inA: boolean, inB: boolean) => boolean;

/** Row-by-row merge of two sorted rows, keeping columns by `keep`. O(nnz(a) + nnz(b)). */
function merge(op: string, a: Topology, b: Topology, keep: Keep, bound: number): Topology {
  sameShape(op, a, b);
  const indptr = new Int32Array(a.rows + 1);
  const out = new Int32Array(Math.min(MAX_NNZ, bound));
  let w = 0;
  const ai = a.indices;
  const bi = b.indices;
  for (let r = 0; r < a.rows; r++) {
    let p = a.indptr[r];
    let q = b.indptr[r];
    const pe = a.indptr[r + 1];
    const qe = b.indptr[r + 1];
    while (p < pe || q < qe) {
      const x = p < pe ? ai[p] : Infinity;
      const y = q < qe ? bi[q] : Infinity;
      const c = x < y ? x : y;
      const inA = x === c;
      const inB = y === c;
      if (inA) p++;
      if (inB) q++;
      if (keep(inA, inB)) {
        if (w === out.length) fail(op, `the result has more than 2^31 − 1 edges`);
        out[w++] = c;
      }
    }
    indptr[r + 1] = w;
  }
  return new Topology(a.rows, a.cols, indptr, w === out.length ? out : out.slice(0, w), { origin: `${op}(${a.origin}, ${b.origin})`, trusted: true });
}

/** Edges in any of the topologies (all the same shape). */
export function union(a: Topology, b: Topology, ...more: Topology[]): Topology {
  let acc = merge('union', a, b, (x, y) => x || y, a?.nnz + b?.nnz);
  for (const t of more) acc = merge('union', acc, t, (x, y) => x || y, acc.nnz + t?.nnz);
  return acc;
}

/** Edges in both. */
export function intersect(a: Topology, b: Topology): Topology {
  return merge('intersect', a, b, (x, y) => x && y, Math.min(a?.nnz, b?.nnz));
}

/** Edges of a that are not in b. */
export function difference(a: Topology, b: Topology): Topology {
  return merge('difference', a, b, (x, y) => x && !y, a?.nnz);
}

/** cols × rows, edge (i, j) → (j, i); the class caches it (and the edge permutation). */
export function transpose(t: Topology): Topology {
  checkTopology('transpose', 't', t);
  return t.transpose();
}

/**
 * Boolean product a·b: (i, k) is an edge iff a has (i, j) and b has (j, k) for some j — what a
 * target reaches in two hops. Gustavson's row-by-row product with a marker array: O(work) =
 * O(Σ over edges (i, j) of a of |row j of b|), plus sorting each output row.
 */
export function compose(a: Topology, b: Topology): Topology {
  checkTopology('compose', 'a', a);
  checkTopology('compose', 'b', b);
  if (a.cols !== b.rows) fail('compose', `a is ${shape(a)} but b is ${shape(b)}; a.cols must equal b.rows`);
  const rows = a.rows;
  const cols = b.cols;
  const indptr = new Int32Array(rows + 1);
  const mark = new Int32Array(cols).fill(-1);
  // Upper bound of this row's output; grow the buffer as needed.
  let out = new Int32Array(Math.max(16, Math.min(MAX_NNZ, a.nnz + b.nnz)));
  let w = 0;
  for (let i = 0; i < rows; i++) {
    const start = w;
    for (let e = a.indptr[i]; e < a.indptr[i + 1]; e++) {
      const j = a.indices[e];
      for (let f = b.indptr[j]; f < b.indptr[j + 1]; f++) {
        const k = b.indices[f];
        if (mark[k] === i) continue;
        mark[k] = i;
        if (w === out.length) {
          if (w === MAX_NNZ) fail('compose', `the product of ${shape(a)} and ${shape(b)} has more than 2^31 − 1 edges`);
          const grown = new Int32Array(Math.min(MAX_NNZ, out.length * 2));
          grown.set(out);
          out = grown;
        }
        out[w++] = k;
      }
    }
    out.subarray(start, w).sort();
    indptr[i + 1] = w;
  }
  return new Topology(rows, cols, indptr, out.slice(0, w), { origin: `compose(${a.origin}, ${b.origin})`, trusted: true });
}

/** A user's list of row or column numbers as an Int32Array, each checked to be in [0, bound). */
export function indexList(op: string, what: string, list: ArrayLike<number>, bound: number): Int32Array {
  if (list === null || typeof list !== 'object' || typeof list.length !== 'number') fail(op, `${what} must be an array of integers, got ${String(list)}`);
  const out = new Int32Array(list.length);
  for (let k = 0; k < list.length; k++) {
    const v = list[k];
    if (!Number.isInteger(v) || v < 0 || v >= bound) fail(op, `${what}[${k}] = ${v} is not an integer in [0, ${bound})`);
    out[k] = v;
  }
  return out;
}

/**
 * The rows listed, in that order: new row k is old row rows[k] (a row may be listed twice).
 * Columns are unchanged.
 */
export function selectRows(t: Topology, rows: ArrayLike<number>): Topology {
  checkTopology('selectRows', 't', t);
  const pick = indexList('selectRows', 'rows', rows, t.rows);
  const indptr = new Int32Array(pick.length + 1);
  for (let k = 0; k < pick.length; k++) indptr[k + 1] = indptr[k] + (t.indptr[pick[k] + 1] - t.indptr[pick[k]]);
  if (indptr[pick.length] > MAX_NNZ) fail('selectRows', `the selection has more than 2^31 − 1 edges`);
  const indices = new Int32Array(indptr[pick.length]);
  for (let k = 0; k < pick.length; k++) indices.set(t.indices.subarray(t.indptr[pick[k]], t.indptr[pick[k] + 1]), indptr[k]);
  return new Topology(pick.length, t.cols, indptr, indices, { origin: `selectRows(${t.origin}, ${pick.length} rows)`, trusted: true });
}

/**
 * The columns listed, renumbered: new column k is old column cols[k]; edges to unlisted
 * columns are dropped. A column may be listed only once. Rows are unchanged.
 */
export function selectCols(t: Topology, cols: ArrayLike<number>): Topology {
  checkTopology('selectCols', 't', t);
  const pick = indexList('selectCols', 'cols', cols, t.cols);
  const map = new Int32Array(t.cols).fill(-1);
  for (let k = 0; k < pick.length; k++) {
    if (map[pick[k]] !== -1) fail('selectCols', `column ${pick[k]} is listed twice (cols[${map[pick[k]]}] and cols[${k}]); each may be kept once`);
    map[pick[k]] = k;
  }
  const indptr = new Int32Array(t.rows + 1);
  const out = new Int32Array(t.nnz);
  let w = 0;
  for (let r = 0; r < t.rows; r++) {
    const start = w;
    for (let e = t.indptr[r]; e < t.indptr[r + 1]; e++) {
      const c = map[t.indices[e]];
      if (c >= 0) out[w++] = c;
    }
    out.subarray(start, w).sort(); // renumbering may reorder
    indptr[r + 1] = w;
  }
  return new Topology(t.rows, pick.length, indptr, out.slice(0, w), { origin: `selectCols(${t.origin}, ${pick.length} cols)`, trusted: true });
}

/** Adds every (i, i) edge (square topologies only): a residual / "also read yourself" path. */
export function withSelfLoops(t: Topology): Topology {
  checkTopology('withSelfLoops', 't', t);
  if (t.rows !== t.cols) fail('withSelfLoops', `needs a square topology, got ${shape(t)}`);
  const n = t.rows;
  const indptr = new Int32Array(n + 1);
  const out = new Int32Array(Math.min(MAX_NNZ, t.nnz + n));
  let w = 0;
  for (let r = 0; r < n; r++) {
    let placed = false;
    for (let e = t.indptr[r]; e < t.indptr[r + 1]; e++) {
      const c = t.indices[e];
      if (!placed && c >= r) {
        if (c !== r) out[w++] = r;
        placed = true;
      }
      out[w++] = c;
    }
    if (!placed) out[w++] = r;
    indptr[r + 1] = w;
  }
  return new Topology(n, n, indptr, w === out.length ? out : out.slice(0, w), { origin: `withSelfLoops(${t.origin})`, trusted: true });
}
