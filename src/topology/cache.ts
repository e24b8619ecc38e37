/**
 * The pattern cache: identical constructor requests (same name, same canonical arguments, same
 * seed) return the same immutable `Topology`, so a model does not rebuild its attention pattern
 * per layer or per batch, and every user of the pattern shares its cached transpose and block
 * views. Least-recently-used entries are dropped once the total size passes the budget.
 *
 * Size is counted in Int32 entries held (nnz + rows + 1, i.e. indices + indptr), about 4 bytes
 * each; derived views a topology caches on itself (transpose, block views) are not counted.
 * Requests with a caller's Generator, a callback or array data (fromEdges, fromMask, nm with
 * scores) are never cached: their result cannot be named by a key.
 */
import { TopologyError } from '../errors.ts';
import type { Topology } from './topology.ts';

export interface CacheStats {
  entries: number;
  /** Int32 entries held (nnz + rows + 1 summed over entries). */
  size: number;
  budget: number;
  hits: number;
  misses: number;
}

/** Default budget: 2^26 Int32 entries (256 MiB of index arrays). */
export const DEFAULT_CACHE_BUDGET = 2 ** 26;

export class TopologyCache {
  // A Map iterates in insertion order; re-inserting on a hit makes the first key the LRU one.
  private readonly entries = new Map<string, Topology>();
  private size = 0;
  private hits = 0;
  private misses = 0;

  constructor(private budget: number = DEFAULT_CACHE_BUDGET) {
    this.setBudget(budget);
  }

  /** The cached topology for `key`, or `build()` stored under it. */
  getOrBuild(key: string, build: () => Topology): Topology {
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    this.misses++;
    const t = build();
    const w = weight(t);
    if (w <= this.budget) {
      this.entries.set(key, t);
      this.size += w;
      this.evict();
    }
    return t;
  }

  /** Whether `key` is held (does not count as a use). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Drop every entry (the topologies stay valid for whoever holds them) and reset the counters. */
  clear(): void {
    this.entries.clear();
    this.size = 0;
    this.hits = 0;
    this.misses = 0;
  }

  /** Change the budget (Int32 entries; 0 disables caching) and evict down to it. */
  setBudget(budget: number): void {
    if (!Number.isInteger(budget) || budget < 0) throw new TopologyError(`topologyCache.setBudget: budget must be a non-negative integer (Int32 entries), got ${budget}`);
    this.budget = budget;
    this.evict();
  }

  stats(): CacheStats {
    return { entries: this.entries.size, size: this.size, budget: this.budget, hits: this.hits, misses: this.misses };
  }

  private evict(): void {
    for (const [key, t] of this.entries) {
      if (this.size <= this.budget) break;
      this.entries.delete(key);
      this.size -= weight(t);
    }
  }
}

function weight(t: Topology): number {
  return t.nnz + t.rows + 1;
}

/** The cache every pattern constructor uses. */
export const topologyCache = new TopologyCache();

/** Drop every cached pattern. */
export function clearTopologyCache(): void {
  topologyCache.clear();
}
