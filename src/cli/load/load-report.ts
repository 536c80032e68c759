// fortio's summary, line for line where tutorials quote it: the aggregated time histogram with its
// `# target` percentiles, `Sockets used`, `Code 200 : 17 (85.0 %)`, sizes, and `All done`.
import type { LoadOptions } from './load-options.js';
import type { LoadResult } from './load-runner.js';

interface Stats {
  count: number;
  avg: number;
  stddev: number;
  min: number;
  max: number;
  sum: number;
}

function stats(values: readonly number[]): Stats {
  const count = values.length;
  if (count === 0) return { count, avg: 0, stddev: 0, min: 0, max: 0, sum: 0 };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const avg = sum / count;
  let sq = 0;
  for (const v of values) sq += (v - avg) ** 2;
  return { count, avg, stddev: Math.sqrt(sq / count), min, max, sum };
}

const fmt = (n: number) => Number(n.toPrecision(6)).toString();

function statsLine(label: string, s: Stats): string {
  return `${label} : count ${s.count} avg ${fmt(s.avg)} +/- ${fmt(s.stddev)} min ${fmt(s.min)} max ${fmt(s.max)} sum ${fmt(s.sum)}`;
}

/** The value below which `pct` percent of the sorted samples fall (linear interpolation, as fortio). */
export function percentile(sorted: readonly number[], pct: number): number {
  if (sorted.length === 0) return 0;
  const rank = (pct / 100) * sorted.length;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(rank) - 1));
  return sorted[i]!;
}

// fortio's default histogram bucket edges, in seconds.
const EDGES = [0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008, 0.009, 0.01, 0.011, 0.012, 0.014, 0.016, 0.018, 0.02, 0.025, 0.03, 0.035, 0.04, 0.045, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100];

export function formatLoadReport(opts: LoadOptions, r: LoadResult, version: string): string {
  const lines: string[] = [];
  const calls = r.durations.length;
  const qpsText = opts.qps === 0 ? 'max' : String(opts.qps);
  lines.push(`Fortio-compatible skiff load ${version} running at ${opts.qps} queries per second, for ${opts.calls !== undefined ? `${opts.calls} calls` : `${opts.durationMs / 1000}s`}: ${opts.url}`);
  lines.push(`Starting at ${qpsText} qps with ${opts.connections} thread(s) ${opts.calls !== undefined ? `for exactly ${opts.calls} calls (${Math.floor(opts.calls / opts.connections)} per thread + ${opts.calls % opts.connections})` : `for ${opts.durationMs / 1000}s`}`);
  const qps = calls / (r.elapsedMs / 1000 || 1);
  lines.push(`Ended after ${fmt(r.elapsedMs)}ms : ${calls} calls. qps=${fmt(qps)}`);
  const s = stats(r.durations);
  lines.push(statsLine('Aggregated Function Time', s));
  lines.push('# range, mid point, percentile, count');
  const sorted = [...r.durations].sort((a, b) => a - b);
  let lo = sorted[0] ?? 0;
  let seen = 0;
  for (const edge of [...EDGES, Infinity]) {
    let count = 0;
    while (seen + count < sorted.length && sorted[seen + count]! <= edge) count++;
    if (count === 0) continue;
    seen += count;
    const hi = edge === Infinity ? s.max : Math.min(edge, s.max);
    lines.push(`${lo === sorted[0] ? '>=' : '>'} ${fmt(lo)} <= ${fmt(hi)} , ${fmt((lo + hi) / 2)} , ${((seen / sorted.length) * 100).toFixed(2)}, ${count}`);
    lo = hi;
  }
  for (const p of [50, 75, 90, 99, 99.9]) lines.push(`# target ${p}% ${fmt(percentile(sorted, p))}`);
  lines.push(`Sockets used: ${r.socketsUsed} (for perfect keepalive, would be ${opts.connections})`);
  for (const [code, count] of [...r.codes.entries()].sort(([a], [b]) => a - b)) {
    lines.push(`Code ${code} : ${count} (${((count / calls) * 100).toFixed(1)} %)`);
  }
  lines.push(statsLine('Response Header Sizes', stats(r.headerSizes)));
  lines.push(statsLine('Response Body/Total Sizes', stats(r.totalSizes)));
  lines.push(`All done ${calls} calls (plus 0 warmup) ${fmt(s.avg * 1000)} ms avg, ${fmt(qps)} qps`);
  return `${lines.join('\n')}\n`;
}
