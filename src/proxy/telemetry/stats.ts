// Pre-resolved counters and gauges (Envoy's stats store). Config code asks for a stat once and
// keeps the object; the request path only does `counter.value++`. Names follow Envoy
// (`cluster.<name>.upstream_rq_total`), and each stat knows its Prometheus name and label so
// `/stats/prometheus` reads like Envoy's (`envoy_cluster_upstream_rq_total{envoy_cluster_name=...}`).

export type StatKind = 'counter' | 'gauge';

/** What the stats of one metric share across scopes: kind, Prometheus name, name suffix. */
interface StatDescriptor {
  readonly kind: StatKind;
  /** Prometheus metric name: `envoy_cluster_upstream_rq_total`. */
  readonly promName: string;
  readonly suffix: string;
}

/** What the stats of one scope (`cluster.<name>`) share: the scope's name and Prometheus label. */
interface StatScope {
  readonly name: string;
  /** Prometheus labels, already escaped: `envoy_cluster_name="..."`. */
  readonly promLabels: string;
  readonly stats: Stat[];
}

// A sidecar holds ~30 stats for each of thousands of clusters, so a stat is just its value and two
// references: names and labels live once per metric and once per scope, and are joined on demand.
export class Stat {
  value = 0;
  constructor(
    private readonly descriptor: StatDescriptor,
    private readonly scope: StatScope,
  ) {}

  get kind(): StatKind {
    return this.descriptor.kind;
  }

  /** The name's last part, after the scope: `upstream_rq_total`. */
  get suffix(): string {
    return this.descriptor.suffix;
  }

  get promName(): string {
    return this.descriptor.promName;
  }

  get promLabels(): string {
    return this.scope.promLabels;
  }

  /** Envoy's flat name: `cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total`. */
  get name(): string {
    return this.scope.name === '' ? this.descriptor.suffix : `${this.scope.name}.${this.descriptor.suffix}`;
  }
}

export interface Histogram {
  readonly name: string;
  readonly promName: string;
  readonly promLabels: string;
  readonly bounds: readonly number[];
  readonly buckets: Float64Array;
  count: number;
  sum: number;
}

/** Istio's request-duration buckets (milliseconds). */
export const DURATION_BUCKETS_MS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function observe(h: Histogram, value: number): void {
  h.count++;
  h.sum += value;
  const b = h.bounds;
  for (let i = 0; i < b.length; i++) {
    if (value <= b[i]!) {
      h.buckets[i]!++;
      return;
    }
  }
}

const UNSCOPED: StatScope = { name: '', promLabels: '', stats: [] };

export class StatsStore {
  /** Scoped stats by scope name (`cluster.<name>`). */
  private readonly scopes = new Map<string, StatScope>();
  /** Untagged and explicitly labelled stats by their full name. */
  private readonly flat = new Map<string, Stat>();
  private readonly descriptors = new Map<string, StatDescriptor>();
  private readonly histograms = new Map<string, Histogram>();

  /**
   * A stat scoped by one tag, e.g. scoped('cluster', 'cluster_name', name, 'upstream_rq_total') →
   * `cluster.<name>.upstream_rq_total`. Asking twice returns the same object, so counters survive
   * config updates.
   */
  scoped(kind: StatKind, prefix: string, tagName: string, tagValue: string, suffix: string): Stat {
    const scopeName = `${prefix}.${tagValue}`;
    let scope = this.scopes.get(scopeName);
    if (!scope) {
      scope = { name: scopeName, promLabels: `envoy_${tagName}="${escapeLabelValue(tagValue)}"`, stats: [] };
      this.scopes.set(scopeName, scope);
    }
    // A scope has a few dozen stats, asked for when config is applied: a scan beats a map per scope.
    const stats = scope.stats;
    for (let i = 0; i < stats.length; i++) {
      if (stats[i]!.suffix === suffix) return stats[i]!;
    }
    const s = new Stat(this.descriptor(kind, `${prefix}_${suffix}`, suffix), scope);
    stats.push(s);
    return s;
  }

  private descriptor(kind: StatKind, name: string, suffix: string): StatDescriptor {
    const key = `${kind}|${name}|${suffix}`;
    let d = this.descriptors.get(key);
    if (d === undefined) {
      d = { kind, promName: `envoy_${name}`.replace(/[^a-zA-Z0-9_]/g, '_'), suffix };
      this.descriptors.set(key, d);
    }
    return d;
  }

  /** An untagged stat such as `server.live`. */
  plain(kind: StatKind, name: string): Stat {
    let s = this.flat.get(name);
    if (!s) {
      s = new Stat(this.descriptor(kind, name, name), UNSCOPED);
      this.flat.set(name, s);
    }
    return s;
  }

  /** A stat with explicit Prometheus labels (Istio's standard metrics); `key` identifies it. */
  labelled(kind: StatKind, promName: string, labels: string): Stat {
    const key = `${promName}{${labels}}`;
    let s = this.flat.get(key);
    if (!s) {
      s = new Stat({ kind, promName, suffix: key }, { name: '', promLabels: labels, stats: [] });
      this.flat.set(key, s);
    }
    return s;
  }

  histogram(promName: string, labels: string, bounds: readonly number[] = DURATION_BUCKETS_MS): Histogram {
    const key = `${promName}{${labels}}`;
    let h = this.histograms.get(key);
    if (!h) {
      h = { name: key, promName, promLabels: labels, bounds, buckets: new Float64Array(bounds.length), count: 0, sum: 0 };
      this.histograms.set(key, h);
    }
    return h;
  }

  all(): Stat[] {
    const out: Stat[] = [];
    for (const scope of this.scopes.values()) for (const s of scope.stats) out.push(s);
    for (const s of this.flat.values()) out.push(s);
    return out;
  }

  allHistograms(): Histogram[] {
    return [...this.histograms.values()];
  }

  /** Envoy's /stats text format: `name: value`, sorted by name. */
  formatText(filter?: RegExp): string {
    const lines: string[] = [];
    const named = this.all().map((s) => [s.name, s.value] as const);
    for (const [name, value] of named.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      if (filter && !filter.test(name)) continue;
      lines.push(`${name}: ${value}`);
    }
    return lines.join('\n') + (lines.length ? '\n' : '');
  }

  /** Prometheus text exposition (0.0.4), grouped by metric name with one TYPE line each. */
  formatPrometheus(): string {
    const groups = new Map<string, Stat[]>();
    for (const s of this.all()) {
      const g = groups.get(s.promName);
      if (g) g.push(s);
      else groups.set(s.promName, [s]);
    }
    let out = '';
    for (const [name, stats] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      out += `# TYPE ${name} ${stats[0]!.kind}\n`;
      for (const s of stats) out += `${name}${s.promLabels ? `{${s.promLabels}}` : ''} ${s.value}\n`;
    }
    const hgroups = new Map<string, Histogram[]>();
    for (const h of this.histograms.values()) {
      const g = hgroups.get(h.promName);
      if (g) g.push(h);
      else hgroups.set(h.promName, [h]);
    }
    for (const [name, hs] of [...hgroups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      out += `# TYPE ${name} histogram\n`;
      for (const h of hs) {
        const sep = h.promLabels ? ',' : '';
        let cumulative = 0;
        for (let i = 0; i < h.bounds.length; i++) {
          cumulative += h.buckets[i]!;
          out += `${name}_bucket{${h.promLabels}${sep}le="${h.bounds[i]}"} ${cumulative}\n`;
        }
        out += `${name}_bucket{${h.promLabels}${sep}le="+Inf"} ${h.count}\n`;
        out += `${name}_sum${h.promLabels ? `{${h.promLabels}}` : ''} ${h.sum}\n`;
        out += `${name}_count${h.promLabels ? `{${h.promLabels}}` : ''} ${h.count}\n`;
      }
    }
    return out;
  }
}
