/**
 * Benchmark harness: warm-up, then the median of timed runs, printed as one JSON object per
 * line and measurement: {"bench", "impl", "threads", "median_ms", "runs", ...figures}.
 */
export interface Measurement {
  bench: string;
  impl: string;
  threads: number;
  median_ms: number;
  runs: number;
  [figure: string]: string | number | boolean | null;
}

export interface TimeOptions {
  /** Untimed runs first (default 2). */
  warmup?: number;
  /** Timed runs (default 7, never fewer than 5). */
  runs?: number;
  /** Stop adding runs past this many milliseconds of timed work (default 4000), once 5 are done. */
  budgetMs?: number;
}

/** Median wall-clock milliseconds of fn (awaited if it returns a promise). */
export async function timeIt(fn: () => unknown, options: TimeOptions = {}): Promise<{ median_ms: number; runs: number; min_ms: number }> {
  const warmup = options.warmup ?? 2;
  const want = Math.max(5, options.runs ?? 7);
  const budget = options.budgetMs ?? 4000;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  let spent = 0;
  while (times.length < want && (times.length < 5 || spent < budget)) {
    const t0 = process.hrtime.bigint();
    await fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    times.push(ms);
    spent += ms;
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { median_ms: median, runs: times.length, min_ms: times[0] };
}

export function emit(m: Measurement): void {
  const rounded: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) rounded[k] = typeof v === 'number' && !Number.isInteger(v) ? +v.toPrecision(4) : v;
  console.log(JSON.stringify(rounded));
}

/** A note (peer skipped, setting used) as a JSON line too, so output stays machine-readable. */
export function note(bench: string, text: string): void {
  console.log(JSON.stringify({ bench, note: text }));
}

/** The value after `--name` in a benchmark's arguments, if given. */
export function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
