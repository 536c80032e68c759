// Pre-resolved counters and gauges (Envoy's stats store). Config code asks for a stat once and
// keeps the object; the request path only does `counter.value++`. Names follow Envoy
// (`cluster.<name>.upstream_rq_total`), and each stat knows its Prometheus name and label so
// `/stats/prometheus` reads like Envoy's (`envoy_cluster_upstream_rq_total{envoy_cluster_name=...}`).

export type StatKind = 'counter' | 'gauge';

export class Stat {
  value = 0;
  constructor(
    readonly kind: StatKind,
    /** Prometheus metric name: `envoy_cluster_upstream_rq_total` (one shared string per metric). */
    readonly promName: string,
    /** Prometheus labels, already escaped: `envoy_cluster_name="..."` (one shared string per scope). */
    readonly promLabels: string,
    /** Envoy's flat name is `${scope}.${suffix}` (just `suffix` when scope is ''), joined on demand. */
    private readonly scope: string,
    private readonly suffix: string,
  ) {}

  /** Envoy's flat name: `cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total`. */
  get name(): string {
    return this.scope === '' ? this.suffix : `${this.scope}.${this.suffix}`;
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

/** The stats of one scope (`cluster.<name>`): they share the scope's name and label strings. */
interface Scope {
  readonly name: string;
  readonly promLabels: string;
  readonly stats: Map<string, Stat>;
}

// A sidecar holds ~30 stats for each of thousands of clusters, so names are not stored per stat:
// a stat keeps references to its scope's strings and Prometheus names are shared across scopes.
export class StatsStore {
  /** Scoped stats by scope name (`cluster.<name>`), then by suffix. */
  private readonly scopes = new Map<string, Scope>();
  /** Untagged and explicitly labelled stats by their full name. */
  private readonly flat = new Map<string, Stat>();
  /** `envoy_<prefix>_<suffix>` names, one string each however many scopes use them. */
  private readonly promNames = new Map<string, string>();
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
      scope = { name: scopeName, promLabels: `envoy_${tagName}="${escapeLabelValue(tagValue)}"`, stats: new Map() };
      this.scopes.set(scopeName, scope);
    }
    let s = scope.stats.get(suffix);
    if (!s) {
      s = new Stat(kind, this.promName(`${prefix}_${suffix}`), scope.promLabels, scope.name, suffix);
      scope.stats.set(suffix, s);
    }
    return s;
  }

  private promName(name: string): string {
    let p = this.promNames.get(name);
    if (p === undefined) {
      p = `envoy_${name}`.replace(/[^a-zA-Z0-9_]/g, '_');
      this.promNames.set(name, p);
    }
    return p;
  }

  /** An untagged stat such as `server.live`. */
  plain(kind: StatKind, name: string): Stat {
    let s = this.flat.get(name);
    if (!s) {
      s = new Stat(kind, this.promName(name), '', '', name);
      this.flat.set(name, s);
    }
    return s;
  }

  /** A stat with explicit Prometheus labels (Istio's standard metrics); `key` identifies it. */
  labelled(kind: StatKind, promName: string, labels: string): Stat {
    const key = `${promName}{${labels}}`;
    let s = this.flat.get(key);
    if (!s) {
      s = new Stat(kind, promName, labels, '', key);
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
    for (const scope of this.scopes.values()) for (const s of scope.stats.values()) out.push(s);
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
