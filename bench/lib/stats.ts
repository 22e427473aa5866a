// Latency summaries and number formatting.

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Share (0..1) of samples over 1000 ms. */
  over1s: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    count: n,
    mean: n ? sorted.reduce((s, x) => s + x, 0) / n : NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: n ? sorted[n - 1]! : NaN,
    over1s: n ? sorted.filter((x) => x > 1000).length / n : NaN,
  };
}

export function round(x: number, digits = 1): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Milliseconds for a table cell: 1 decimal under 100, whole above. */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return '-';
  return x < 100 ? x.toFixed(1) : Math.round(x).toString();
}

export function pct(share: number, digits = 2): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(digits)}%` : '-';
}

export function rate(x: number): string {
  return Number.isFinite(x) ? (x < 100 ? x.toFixed(1) : Math.round(x).toString()) : '-';
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Summary rounded for JSON. */
export function roundSummary(s: LatencySummary) {
  return {
    count: s.count,
    mean_ms: round(s.mean),
    p50_ms: round(s.p50),
    p90_ms: round(s.p90),
    p99_ms: round(s.p99),
    max_ms: round(s.max),
    over_1s_share: round(s.over1s, 4),
  };
}
