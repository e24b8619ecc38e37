/**
 * CSR arrays known to be valid. A Topology registers its arrays once validated, so the native
 * backend's guard can trust them in O(1); any other arrays handed to a sparse kernel are
 * scanned (O(rows + nnz)) before C sees them.
 */
export interface CSRInfo {
  readonly indptr: Int32Array;
  readonly rows: number;
  readonly cols: number;
}

const known = new WeakMap<Int32Array, CSRInfo>();
const knownPtr = new WeakMap<Int32Array, number>();

export function registerValidCSR(indptr: Int32Array, indices: Int32Array, rows: number, cols: number): void {
  known.set(indices, { indptr, rows, cols });
  knownPtr.set(indptr, rows);
}

/** Whether `indptr` is a validated row-pointer array for `rows` rows. */
export function knownIndptr(indptr: Int32Array, rows: number): boolean {
  return knownPtr.get(indptr) === rows;
}

/** The number of columns the indices are known to stay below, or null if these arrays are unknown. */
export function knownCols(indptr: Int32Array, indices: Int32Array, rows: number): number | null {
  const k = known.get(indices);
  return k && k.indptr === indptr && k.rows === rows ? k.cols : null;
}
