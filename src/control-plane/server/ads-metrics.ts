// The ADS server's metrics under istiod's names, kept as plain numbers and formatted in the
// Prometheus text format when scraped (the HTTP server mounts formatPrometheus()).

/** pilot_proxy_convergence_time buckets, in seconds, as istiod declares them. */
export const CONVERGENCE_BUCKETS: readonly number[] = [0.1, 0.5, 1, 3, 5, 10, 20, 30];

export interface HistogramSnapshot {
  /** Upper bounds (le), without +Inf. */
  readonly buckets: readonly number[];
  /** Cumulative counts per bound, then the +Inf count last. */
  readonly counts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

export interface AdsMetricsSnapshot {
  /** pilot_xds_pushes by type label (cds, eds, lds, rds, sds, …). */
  readonly pushes: Readonly<Record<string, number>>;
  /** pilot_total_xds_rejects by type label. */
  readonly rejects: Readonly<Record<string, number>>;
  /** pilot_xds: proxies connected now. */
  readonly connected: number;
  /** pilot_proxy_convergence_time, seconds from push start until the proxy ACKed the push. */
  readonly convergence: HistogramSnapshot;
}

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private total = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  observe(value: number): void {
    this.sum += value;
    this.total += 1;
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]! += 1;
  }

  snapshot(): HistogramSnapshot {
    return { buckets: [...this.bounds], counts: [...this.counts, this.total], sum: this.sum, count: this.total };
  }
}

export class AdsMetrics {
  private readonly pushes = new Map<string, number>();
  private readonly rejects = new Map<string, number>();
  private readonly convergence = new Histogram(CONVERGENCE_BUCKETS);
  connected = 0;

  countPush(type: string): void {
    this.pushes.set(type, (this.pushes.get(type) ?? 0) + 1);
  }

  countReject(type: string): void {
    this.rejects.set(type, (this.rejects.get(type) ?? 0) + 1);
  }

  observeConvergence(seconds: number): void {
    this.convergence.observe(seconds);
  }

  snapshot(): AdsMetricsSnapshot {
    return {
      pushes: Object.fromEntries(this.pushes),
      rejects: Object.fromEntries(this.rejects),
      connected: this.connected,
      convergence: this.convergence.snapshot(),
    };
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

function labelled(name: string, help: string, type: string, values: Readonly<Record<string, number>>): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const key of Object.keys(values).sort()) lines.push(`${name}{type="${escapeLabel(key)}"} ${formatNumber(values[key]!)}`);
  return lines;
}

/** The snapshot in the Prometheus text exposition format (version 0.0.4). */
export function formatPrometheus(s: AdsMetricsSnapshot): string {
  const lines: string[] = [
    ...labelled('pilot_xds_pushes', 'Pilot build and send errors for lds, rds, cds and eds.', 'counter', s.pushes),
    ...labelled('pilot_total_xds_rejects', 'Total number of XDS responses from pilot rejected by proxy.', 'counter', s.rejects),
    '# HELP pilot_xds Number of endpoints connected to this pilot using XDS.',
    '# TYPE pilot_xds gauge',
    `pilot_xds ${s.connected}`,
    '# HELP pilot_proxy_convergence_time Delay in seconds between config change and a proxy receiving all required configuration.',
    '# TYPE pilot_proxy_convergence_time histogram',
  ];
  const h = s.convergence;
  h.buckets.forEach((le, i) => lines.push(`pilot_proxy_convergence_time_bucket{le="${formatNumber(le)}"} ${h.counts[i]}`));
  lines.push(`pilot_proxy_convergence_time_bucket{le="+Inf"} ${h.count}`);
  lines.push(`pilot_proxy_convergence_time_sum ${formatNumber(h.sum)}`);
  lines.push(`pilot_proxy_convergence_time_count ${h.count}`);
  return `${lines.join('\n')}\n`;
}
