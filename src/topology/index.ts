/**
 * The topology API in one module, meant to be imported as a namespace:
 *   import { topology } from 'sparse-coupling';   // export * as topology from './topology/index.ts'
 *   const t = topology.union(topology.slidingWindow(4096, 256), topology.global(4096, [0]));
 * Several names (transpose, global, random, dense) would clash if flattened into the top level.
 */
export { Topology } from './topology.ts';
export type { BlockView } from './topology.ts';
export { TopologyError } from '../errors.ts';

export {
  dense, causal, slidingWindow, dilated, global, strided, fixed, local2d, blockSparse, bigBird,
  random, erdosRenyi, nm, erk, fromEdges, fromMask,
} from './patterns.ts';
export type {
  SeedOptions, WindowOptions, Neighbourhood, BlockMask, BigBirdOptions, RandomOptions, NMOptions, ERKOptions, FromEdgesOptions,
} from './patterns.ts';

export { union, intersect, difference, transpose, compose, selectRows, selectCols, withSelfLoops } from './algebra.ts';

export {
  nnz, density, fanIn, fanOut, degrees, degreeStats, fanInStats, fanOutStats, isSymmetric, cost, reach, diameter, connectedComponents,
} from './analysis.ts';
export type { Histogram, DegreeStats, CostOptions, CostFigures, Cost, ReachOptions, ReachResult, Components } from './analysis.ts';

export { toSVG, describe } from './render.ts';
export type { SVGOptions } from './render.ts';

export { TopologyCache, topologyCache, clearTopologyCache, DEFAULT_CACHE_BUDGET } from './cache.ts';
export type { CacheStats } from './cache.ts';
