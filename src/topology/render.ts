/**
 * Showing a topology: an SVG picture of its (target, source) matrix and a paragraph of text.
 */
import { TopologyError } from '../errors.ts';
import { cost, density, fanInStats, fanOutStats, isSymmetric, reach } from './analysis.ts';
import { Topology } from './topology.ts';

function fail(op: string, msg: string): never {
  throw new TopologyError(`${op}: ${msg}`);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] as string);
}

function fmtInt(v: number): string {
  return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fmtPct(f: number): string {
  if (f === 0) return '0%';
  const p = 100 * f;
  return `${p >= 10 ? p.toFixed(1) : p.toPrecision(3)}%`;
}

function fmtNum(v: number): string {
  return Number.isInteger(v) ? fmtInt(v) : v.toFixed(2);
}

export interface SVGOptions {
  /**
   * At most this many cells per side (default 512). A topology within it is drawn exactly
   * (each edge a unit square, runs of neighbouring edges merged); a larger one as a density
   * map of ≤ maxCells × maxCells cells, each grey by the fraction of its entries that are edges.
   */
  maxCells?: number;
  /** Longer side of the plot area in pixels (default 512). */
  size?: number;
  /** Title above the plot (default: origin, shape and nnz). */
  title?: string;
}

/** The pattern as an SVG document: row i (target) downwards, column j (source) rightwards. */
export function toSVG(t: Topology, opts: SVGOptions = {}): string {
  if (!(t instanceof Topology)) fail('toSVG', `expected a Topology, got ${t === null ? 'null' : typeof t}`);
  const maxCells = opts.maxCells ?? 512;
  const size = opts.size ?? 512;
  if (!Number.isInteger(maxCells) || maxCells < 1) fail('toSVG', `maxCells must be a positive integer, got ${maxCells}`);
  if (!(size > 0) || !Number.isFinite(size)) fail('toSVG', `size must be a positive number of pixels, got ${size}`);
  const { rows, cols } = t;
  const exact = rows <= maxCells && cols <= maxCells;
  const gr = Math.min(rows, maxCells);
  const gc = Math.min(cols, maxCells);
  const cell = size / Math.max(gr, gc, 1);
  const plotW = gc * cell;
  const plotH = gr * cell;
  const left = 64;
  const top = 40;
  const width = left + plotW + 24;
  const height = top + plotH + 56;
  const title = opts.title ?? `${t.origin} — ${fmtInt(rows)}×${fmtInt(cols)}, ${fmtInt(t.nnz)} edges (${fmtPct(density(t))})`;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height.toFixed(0)}" viewBox="0 0 ${width.toFixed(2)} ${height.toFixed(2)}" font-family="sans-serif" font-size="12" data-mode="${exact ? 'exact' : 'density'}" data-grid="${gr}x${gc}">`,
  );
  parts.push(`<title>${escapeXml(title)}</title>`);
  parts.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  // The visible title is cut to the picture's width (about 7.5 px a character); <title> has it all.
  const fit = Math.max(12, Math.floor((width - left) / 7.5));
  const shown = title.length > fit ? `${title.slice(0, fit - 1)}…` : title;
  parts.push(`<text x="${left}" y="20" font-size="14">${escapeXml(shown)}</text>`);
  parts.push(`<g transform="translate(${left} ${top}) scale(${cell})" shape-rendering="crispEdges">`);
  if (exact) {
    // One rect per run of consecutive columns in a row.
    for (let r = 0; r < rows; r++) {
      const e1 = t.indptr[r + 1];
      for (let e = t.indptr[r]; e < e1; ) {
        const c0 = t.indices[e];
        let len = 1;
        while (e + len < e1 && t.indices[e + len] === c0 + len) len++;
        parts.push(`<rect x="${c0}" y="${r}" width="${len}" height="1"/>`);
        e += len;
      }
    }
  } else {
    // Cell (R, C) covers rows r with ⌊r·gr/rows⌋ = R and likewise for columns.
    const rowsIn = new Float64Array(gr);
    const colsIn = new Float64Array(gc);
    for (let r = 0; r < rows; r++) rowsIn[Math.floor((r * gr) / rows)]++;
    for (let c = 0; c < cols; c++) colsIn[Math.floor((c * gc) / cols)]++;
    const colBin = new Int32Array(cols);
    for (let c = 0; c < cols; c++) colBin[c] = Math.floor((c * gc) / cols);
    const counts = new Float64Array(gr * gc);
    for (let r = 0; r < rows; r++) {
      const base = Math.floor((r * gr) / rows) * gc;
      for (let e = t.indptr[r]; e < t.indptr[r + 1]; e++) counts[base + colBin[t.indices[e]]]++;
    }
    for (let R = 0; R < gr; R++) {
      for (let C = 0; C < gc; C++) {
        const k = counts[R * gc + C];
        if (k === 0) continue;
        const fill = k / (rowsIn[R] * colsIn[C]);
        const grey = Math.round(255 * (1 - fill));
        parts.push(`<rect x="${C}" y="${R}" width="1" height="1" fill="rgb(${grey},${grey},${grey})" data-fill="${+fill.toPrecision(4)}"/>`);
      }
    }
  }
  parts.push(`</g>`);
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  // Axes: corner ticks and labels.
  const bottom = top + plotH;
  parts.push(`<text x="${left - 4}" y="${top + 10}" text-anchor="end">0</text>`);
  parts.push(`<text x="${left - 4}" y="${bottom}" text-anchor="end">${fmtInt(rows)}</text>`);
  parts.push(`<text x="${left}" y="${bottom + 14}">0</text>`);
  parts.push(`<text x="${left + plotW}" y="${bottom + 14}" text-anchor="end">${fmtInt(cols)}</text>`);
  parts.push(`<text x="${left + plotW / 2}" y="${bottom + 30}" text-anchor="middle">source j (column)</text>`);
  parts.push(`<text transform="translate(${left - 20} ${top + plotH / 2}) rotate(-90)" text-anchor="middle">target i (row)</text>`);
  const note = exact ? 'each square is one edge' : `density map: ${gr}×${gc} cells, grey = fraction of each cell that is edges`;
  parts.push(`<text x="${left}" y="${bottom + 48}" font-size="10" fill="#555">${escapeXml(note)}</text>`);
  parts.push(`</svg>`);
  return parts.join('\n');
}

/**
 * One paragraph: shape, nnz and density, fan-in and fan-out, symmetry, cost against dense (as a
 * sparse linear layer, and as attention for square patterns), and reach after 2 and 4 stacked
 * layers when the exact count is cheap (about 10^8 word operations at most).
 */
export function describe(t: Topology): string {
  if (!(t instanceof Topology)) fail('describe', `expected a Topology, got ${t === null ? 'null' : typeof t}`);
  const { rows, cols } = t;
  const fi = fanInStats(t);
  const fo = fanOutStats(t);
  const s: string[] = [];
  s.push(`${t.origin}: ${fmtInt(rows)} targets × ${fmtInt(cols)} sources, ${fmtInt(t.nnz)} edges (density ${fmtPct(density(t))}).`);
  s.push(`Fan-in per target: min ${fmtNum(fi.min)}, mean ${fmtNum(fi.mean)}, max ${fmtNum(fi.max)}; fan-out per source: min ${fmtNum(fo.min)}, mean ${fmtNum(fo.mean)}, max ${fmtNum(fo.max)}.`);
  const square = rows === cols;
  if (square) s.push(isSymmetric(t) ? 'Symmetric.' : 'Not symmetric.');
  const lin = cost(t);
  s.push(`As a sparse linear layer (with bias) it has ${fmtInt(lin.sparse.params)} parameters vs ${fmtInt(lin.dense.params)} dense (${fmtPct(lin.ratio.params)}), and ${fmtInt(lin.sparse.bytes)} bytes with indices vs ${fmtInt(lin.dense.bytes)} (${fmtPct(lin.ratio.bytes)}).`);
  if (square) {
    const att = cost(t, { use: 'attention' });
    s.push(`As attention it does ${fmtPct(att.ratio.macs)} of the dense multiply-adds.`);
    const W = Math.ceil(rows / 32);
    const work = (L: number): number => (L - 1) * t.nnz * W + rows * W;
    const reached: string[] = [];
    for (const L of [2, 4]) {
      if (rows > 0 && rows <= 8192 && work(L) <= 1e8) reached.push(`${fmtPct(reach(t, L).fraction)} after ${L} layers`);
    }
    if (reached.length > 0) s.push(`Reach (target–source pairs joined): ${fmtPct(reach(t, 1).fraction)} after 1 layer, ${reached.join(', ')}.`);
    else if (rows > 0) s.push(`Reach not computed here (n = ${fmtInt(rows)} is too large for a quick exact count; call reach(t, L)).`);
  }
  return s.join(' ');
}
