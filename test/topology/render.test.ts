/** toSVG (exact cells and density map) and describe. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopologyError } from '../../src/errors.ts';
import { Generator } from '../../src/tensor/random.ts';
import * as T from '../../src/topology/index.ts';

/** The cells covered by the plot's rects (inside the scaled group). */
function cellsOf(svg: string): Set<string> {
  const group = svg.slice(svg.indexOf('shape-rendering'), svg.indexOf('</g>'));
  const cells = new Set<string>();
  for (const m of group.matchAll(/<rect x="(\d+)" y="(\d+)" width="(\d+)" height="1"/g)) {
    for (let k = 0; k < Number(m[3]); k++) cells.add(`${m[2]},${Number(m[1]) + k}`);
  }
  return cells;
}

describe('toSVG', () => {
  it('draws each edge exactly for small patterns (runs merged)', () => {
    const g = new Generator(1);
    for (let trial = 0; trial < 20; trial++) {
      const rows = g.int(0, 30);
      const cols = g.int(0, 30);
      const t = T.erdosRenyi(rows, cols, g.uniform(), { seed: trial });
      const svg = T.toSVG(t);
      assert.match(svg, /^<svg [^>]*data-mode="exact"/);
      const want = new Set<string>();
      for (let i = 0; i < rows; i++) for (const j of t.row(i)) want.add(`${i},${j}`);
      assert.deepEqual(cellsOf(svg), want, `trial ${trial}`);
    }
    const band = T.toSVG(T.slidingWindow(10, 3));
    assert.equal((band.match(/<rect x="\d+" y="\d+" width="\d+" height="1"\/>/g) ?? []).length, 10, 'one run per row');
    assert.match(band, /target i \(row\)/);
    assert.match(band, /source j \(column\)/);
    assert.match(band, /<title>slidingWindow\(n=10, window=3\)/);
  });

  it('draws a density map of at most maxCells² cells for large patterns', () => {
    const t = T.slidingWindow(5000, 101);
    const svg = T.toSVG(t, { maxCells: 100 });
    assert.match(svg, /data-mode="density" data-grid="100x100"/);
    const fills = [...svg.matchAll(/data-fill="([\d.e-]+)"/g)].map((m) => Number(m[1]));
    assert.ok(fills.length > 0 && fills.length <= 100 * 100);
    for (const f of fills) assert.ok(f > 0 && f <= 1);
    // Each 50×50 cell on the diagonal of a width-101 band is fully inside the band.
    assert.ok(fills.filter((f) => f === 1).length >= 98);
    // The fills account for every edge: Σ fill · cell area = nnz.
    assert.ok(Math.abs(fills.reduce((a, b) => a + b, 0) * 2500 - t.nnz) < 1e-3 * t.nnz);
    assert.match(T.toSVG(T.dense(600, 10)), /data-mode="density" data-grid="512x10"/);
  });

  it('escapes titles and refuses bad options', () => {
    assert.match(T.toSVG(T.dense(2, 2), { title: 'a < b & "c"' }), /a &lt; b &amp; &quot;c&quot;/);
    assert.throws(() => T.toSVG(T.dense(2, 2), { maxCells: 0 }), (e: Error) => e instanceof TopologyError && /toSVG: maxCells must be a positive integer, got 0/.test(e.message));
  });
});

describe('describe', () => {
  it('says shape, nnz, density, fan-in, symmetry, cost and reach in one paragraph', () => {
    const text = T.describe(T.slidingWindow(1024, 65));
    assert.doesNotMatch(text, /\n/);
    assert.match(text, /^slidingWindow\(n=1024, window=65\): 1,024 targets × 1,024 sources, 65,504 edges \(density 6\.25%\)\./);
    assert.match(text, /Fan-in per target: min 33, mean 63\.97, max 65/);
    assert.match(text, /Symmetric\./);
    assert.match(text, /parameters vs 1,049,600 dense/);
    assert.match(text, /As attention it does 6\.25% of the dense multiply-adds/);
    assert.match(text, /Reach \(target–source pairs joined\): 6\.25% after 1 layer, [\d.]+% after 2 layers, [\d.]+% after 4 layers/);
    assert.match(T.describe(T.causal(10)), /Not symmetric\./);
    assert.doesNotMatch(T.describe(T.dense(3, 5)), /ymmetric|Reach/);
    assert.match(T.describe(T.slidingWindow(20000, 9)), /Reach not computed here/);
  });
});
