// A cluster at run time: its hosts, priority levels with their balancers, circuit breakers,
// outlier detector and stats. Balancers are rebuilt when endpoints or health change, never per
// request. Priority load follows Envoy: a level takes traffic in proportion to its health
// (healthy/total × overprovisioning factor), spilling the rest to the next level; a level whose
// healthy share is under the panic threshold balances over all its hosts.
//
// A sidecar holds a cluster for every service in the mesh and sends traffic to few of them, so
// the balancers (a Maglev table alone is 64K entries) and the circuit-breaker counters are built
// on a cluster's first request, and the balancers again on the first request after a change.

import type { UpstreamDispatcher } from './upstream-dispatcher.js';
import { transportSocketFor, type Cluster } from '../config/cluster.js';
import type { ResourceMap } from '../config/snapshot.js';
import { resolveTls } from '../tls/tls-options.js';
import type { Endpoint, LoadAssignment } from '../config/load-assignment.js';
import type { StatsStore } from '../telemetry/stats.js';
import { ClusterResources } from './circuit-breaker.js';
import { clusterStats, type ClusterStats } from './cluster-stats.js';
import { createDispatcher } from './connection-pool.js';
import { Host } from './host.js';
import { createLoadBalancer } from './lb/factory.js';
import { weightedRandom, type LoadBalancer } from './lb/load-balancer.js';
import { OutlierDetector } from './outlier-detector.js';

/** Shaped as an LbHost so a locality is chosen with the same weighted pick as a host. */
interface LocalityGroup {
  readonly key: string;
  readonly weight: number;
  readonly activeRequests: 0;
  readonly lb: LoadBalancer<Host>;
}

interface PriorityLevel {
  readonly hosts: readonly Host[];
  readonly healthy: readonly Host[];
  readonly panic: boolean;
  readonly lb: LoadBalancer<Host>;
  /** Locality-weighted balancing: pick a locality by weight, then a host within it. */
  readonly localities?: readonly LocalityGroup[];
  readonly localityTotal: number;
}

const EMPTY_LEVEL_LOADS: readonly number[] = [];
const NO_SECRETS: ResourceMap<'secret'> = new Map();

export class UpstreamCluster {
  private hostList: Host[] = [];
  private readonly byKey = new Map<string, Host>();
  /** Undefined until the next request needs them (built by buildLevels). */
  private levels: PriorityLevel[] | undefined;
  /** Cumulative per-level load out of 100. */
  private levelLoads: readonly number[] = EMPTY_LEVEL_LOADS;
  private overprovisioningFactor = 1.4;
  private dnsTimer: NodeJS.Timeout | undefined;
  private secrets: ResourceMap<'secret'> = NO_SECRETS;
  private cleanupTimer: NodeJS.Timeout | undefined;
  private clusterResources: ClusterResources | undefined;
  readonly stats: ClusterStats;
  outlier: OutlierDetector | undefined;
  /** Whether the cluster has received endpoints (EDS clusters start empty). */
  endpointsKnown: boolean;
  closed = false;

  constructor(public config: Cluster, private readonly store: StatsStore) {
    this.stats = clusterStats(store, config.statName);
    this.endpointsKnown = config.type !== 'EDS';
    this.applyOutlierConfig();
    if (config.loadAssignment) this.setLoadAssignment(config.loadAssignment);
    if (config.type === 'ORIGINAL_DST') this.startOriginalDstCleanup();
  }

  get name(): string {
    return this.config.name;
  }

  /** Circuit-breaker counters, created with the cluster's first request. */
  get resources(): ClusterResources {
    return (this.clusterResources ??= new ClusterResources(this.config.circuitBreakers));
  }

  hosts(): readonly Host[] {
    return this.hostList;
  }

  /** A new Cluster resource with the same name: thresholds and balancer change in place. */
  updateConfig(config: Cluster): void {
    const poolChanged =
      config.connectTimeoutMs !== this.config.connectTimeoutMs ||
      config.protocol.protocol !== this.config.protocol.protocol ||
      config.protocol.idleTimeoutMs !== this.config.protocol.idleTimeoutMs ||
      config.protocol.maxRequestsPerConnection !== this.config.protocol.maxRequestsPerConnection ||
      config.circuitBreakers.maxConnections !== this.config.circuitBreakers.maxConnections;
    this.config = config;
    this.clusterResources?.update(config.circuitBreakers);
    this.applyOutlierConfig();
    if (poolChanged) for (const h of this.hostList) this.retireDispatcher(h);
    // A changed transport socket (plaintext ↔ TLS, other certificates) needs new connections.
    for (const h of this.byKey.values()) {
      const socket = config.type === 'ORIGINAL_DST' ? config.transportSocket : transportSocketFor(config, h.metadata);
      if (socket !== h.transportSocket) {
        this.retireDispatcher(h);
        h.transportSocket = socket;
      }
    }
    if (config.loadAssignment) this.setLoadAssignment(config.loadAssignment);
    else this.rebuild();
  }

  private applyOutlierConfig(): void {
    const od = this.config.outlierDetection;
    if (!od) {
      if (this.outlier) {
        this.outlier.stop();
        this.outlier = undefined;
        for (const h of this.hostList) h.ejected = false;
        this.stats.outlier.ejectionsActive.value = 0;
      }
      return;
    }
    if (this.outlier) this.outlier.updateConfig(od);
    else this.outlier = new OutlierDetector(od, { hosts: () => this.hostList, onHostHealthChanged: () => this.rebuild() }, this.stats.outlier);
  }

  setLoadAssignment(la: LoadAssignment): void {
    this.overprovisioningFactor = la.overprovisioningFactor;
    this.endpointsKnown = true;
    if (this.config.type === 'STRICT_DNS') {
      void this.resolveDns(la.endpoints);
      this.scheduleDnsRefresh(la.endpoints);
      return;
    }
    this.setEndpoints(la.endpoints);
  }

  private setEndpoints(endpoints: readonly Endpoint[]): void {
    const next: Host[] = [];
    const seen = new Set<string>();
    for (const e of endpoints) {
      let h = this.byKey.get(new Host(e.address, e.port).key);
      if (h) h.update(e);
      else {
        h = new Host(e.address, e.port, e);
        this.byKey.set(h.key, h);
      }
      const socket = transportSocketFor(this.config, e.metadata);
      if (socket !== h.transportSocket) {
        // Plaintext and TLS connections to a host are not interchangeable.
        if (h.dispatcher || h.h2Dispatcher) this.retireDispatcher(h);
        h.transportSocket = socket;
      }
      if (!seen.has(h.key)) next.push(h);
      seen.add(h.key);
    }
    for (const [key, h] of this.byKey) {
      if (!seen.has(key)) {
        this.byKey.delete(key);
        if (h.ejected) this.stats.outlier.ejectionsActive.value = Math.max(0, this.stats.outlier.ejectionsActive.value - 1);
        this.retireDispatcher(h);
      }
    }
    this.hostList = next;
    this.rebuild();
  }

  /** STRICT_DNS: each name resolves to all its addresses, one host each. */
  private async resolveDns(endpoints: readonly Endpoint[]): Promise<void> {
    const { lookup } = await import('node:dns/promises');
    const resolved: Endpoint[] = [];
    for (const e of endpoints) {
      try {
        const addrs = await lookup(e.address, { all: true });
        for (const a of addrs) resolved.push({ ...e, address: a.address, hostname: e.hostname ?? e.address });
      } catch {
        // A name that does not resolve contributes no hosts until a later refresh.
      }
    }
    if (!this.closed) this.setEndpoints(resolved);
  }

  private scheduleDnsRefresh(endpoints: readonly Endpoint[]): void {
    if (this.dnsTimer) clearInterval(this.dnsTimer);
    this.dnsTimer = setInterval(() => void this.resolveDns(endpoints), Math.max(1000, this.config.dnsRefreshRateMs));
    this.dnsTimer.unref();
  }

  /** ORIGINAL_DST: the host for a destination, created on first use. */
  originalDstHost(address: string, port: number): Host {
    const probe = new Host(address, port);
    let h = this.byKey.get(probe.key);
    if (!h) {
      h = probe;
      h.transportSocket = this.config.transportSocket;
      this.byKey.set(h.key, h);
      this.hostList = [...this.hostList, h];
      this.stats.membershipTotal.value = this.hostList.length;
      this.stats.membershipHealthy.value = this.hostList.length;
    }
    return h;
  }

  private startOriginalDstCleanup(): void {
    // Idle original-destination hosts are dropped every cleanup_interval, as Envoy does.
    this.cleanupTimer = setInterval(() => {
      const keep = this.hostList.filter((h) => h.activeRequests > 0 || h.activeConnections > 0);
      if (keep.length === this.hostList.length) return;
      for (const h of this.hostList) {
        if (!keep.includes(h)) {
          this.byKey.delete(h.key);
          this.retireDispatcher(h);
        }
      }
      this.hostList = keep;
    }, Math.max(1000, this.config.cleanupIntervalMs));
    this.cleanupTimer.unref();
  }

  /** An endpoint or health change: membership now, priority levels and balancers on next use. */
  rebuild(): void {
    let healthy = 0;
    for (const h of this.hostList) if (h.healthy) healthy++;
    this.levels = undefined;
    this.stats.membershipTotal.value = this.hostList.length;
    this.stats.membershipHealthy.value = healthy;
  }

  /** Priority levels, their balancers and loads, from the hosts as they are now. */
  private buildLevels(): PriorityLevel[] {
    const byPriority = new Map<number, Host[]>();
    for (const h of this.hostList) {
      const list = byPriority.get(h.priority);
      if (list) list.push(h);
      else byPriority.set(h.priority, [h]);
    }
    const priorities = [...byPriority.keys()].sort((a, b) => a - b);
    const lbOptions = this.config.lb;
    const levels: PriorityLevel[] = [];
    const health: number[] = [];
    for (const p of priorities) {
      const hosts = byPriority.get(p)!;
      const healthy = hosts.filter((h) => h.healthy);
      const healthyShare = healthy.length / hosts.length;
      const panic = lbOptions.healthyPanicThreshold > 0 && healthyShare < lbOptions.healthyPanicThreshold;
      const active = panic ? hosts : healthy;
      const localities = lbOptions.localityWeighted ? this.buildLocalities(active, hosts) : undefined;
      levels.push({
        hosts,
        healthy,
        panic,
        lb: createLoadBalancer(lbOptions.policy, active, lbOptions),
        localities,
        localityTotal: localities?.reduce((s, l) => s + l.weight, 0) ?? 0,
      });
      health.push(Math.min(100, Math.floor(healthyShare * this.overprovisioningFactor * 100)));
    }
    // Spill load from unhealthy levels to the next ones; normalise when total health < 100.
    const totalHealth = health.reduce((s, h) => s + h, 0);
    const loads: number[] = [];
    let cumulative = 0;
    if (totalHealth === 0) {
      // Nothing healthy anywhere: the first level takes everything (in panic, or answers UH).
      for (let i = 0; i < levels.length; i++) loads.push(100);
    } else {
      let remaining = 100;
      for (const h of health) {
        const share = totalHealth >= 100 ? Math.min(remaining, h) : (h * 100) / totalHealth;
        remaining -= share;
        cumulative += share;
        loads.push(cumulative);
      }
    }
    this.levels = levels;
    this.levelLoads = loads;
    return levels;
  }

  private buildLocalities(active: readonly Host[], all: readonly Host[]): LocalityGroup[] | undefined {
    const groups = new Map<string, Host[]>();
    for (const h of active) {
      const key = `${h.locality.region}/${h.locality.zone}/${h.locality.subZone}`;
      const g = groups.get(key);
      if (g) g.push(h);
      else groups.set(key, [h]);
    }
    if (groups.size < 2) return undefined;
    const out: LocalityGroup[] = [];
    for (const [key, hosts] of groups) {
      const weight = hosts[0]!.localityWeight;
      if (weight === undefined) return undefined;
      const total = all.filter((h) => `${h.locality.region}/${h.locality.zone}/${h.locality.subZone}` === key).length;
      // Envoy scales a locality's weight by its availability (healthy share × overprovisioning).
      const availability = Math.min(1, (hosts.length / total) * this.overprovisioningFactor);
      out.push({ key, weight: weight * availability, activeRequests: 0, lb: createLoadBalancer(this.config.lb.policy, hosts, this.config.lb) });
    }
    return out;
  }

  /** The host for a request, or undefined when no host can take it (answered 503 UH). */
  chooseHost(hash: number | undefined, attempt: number): Host | undefined {
    const levels = this.levels ?? this.buildLevels();
    if (levels.length === 0) return undefined;
    let level = levels[0]!;
    if (levels.length > 1) {
      const r = Math.random() * 100;
      for (let i = 0; i < levels.length; i++) {
        if (r < this.levelLoads[i]!) {
          level = levels[i]!;
          break;
        }
      }
    }
    if (level.panic) this.stats.lbHealthyPanic.value++;
    if (level.localities) {
      const locality = weightedRandom(level.localities, level.localityTotal, Math.random());
      return locality.lb.pick(hash, attempt);
    }
    return level.lb.pick(hash, attempt);
  }

  /** The pool for a host; `downstreamHttp2` matters for use_downstream_protocol_config clusters. */
  dispatcherFor(host: Host, downstreamHttp2 = false): UpstreamDispatcher {
    const p = this.config.protocol.protocol;
    const http2 = p === 'http2' || (p === 'downstream' && downstreamHttp2);
    const ts = host.transportSocket;
    const tls = ts.kind === 'tls' ? resolveTls(ts.tls, this.secrets) : undefined;
    if (http2) return (host.h2Dispatcher ??= createDispatcher(host, this.config, this.stats, this.resources, true, tls));
    return (host.dispatcher ??= createDispatcher(host, this.config, this.stats, this.resources, false, tls));
  }

  /** SDS secrets changed: TLS pools are rebuilt with the new certificates on next use. */
  setSecrets(secrets: ResourceMap<'secret'>): void {
    if (secrets === this.secrets) return;
    this.secrets = secrets;
    for (const h of this.byKey.values()) if (h.transportSocket.kind === 'tls') this.retireDispatcher(h);
  }

  /** Lets in-flight requests finish on the old pool, then closes it. */
  private retireDispatcher(h: Host): void {
    for (const d of [h.dispatcher, h.h2Dispatcher]) if (d) d.close().catch(() => undefined);
    h.dispatcher = undefined;
    h.h2Dispatcher = undefined;
  }

  close(): void {
    this.closed = true;
    this.outlier?.stop();
    if (this.dnsTimer) clearInterval(this.dnsTimer);
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    for (const h of this.hostList) this.retireDispatcher(h);
    for (const h of this.byKey.values()) this.retireDispatcher(h);
  }

  /** Forcefully closes every connection (proxy shutdown). */
  async destroy(): Promise<void> {
    this.closed = true;
    this.outlier?.stop();
    if (this.dnsTimer) clearInterval(this.dnsTimer);
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    const all = new Set([...this.hostList, ...this.byKey.values()]);
    await Promise.all([...all].flatMap((h) => [h.dispatcher, h.h2Dispatcher]).map((d) => d?.destroy().catch(() => undefined)));
    for (const h of all) {
      h.dispatcher = undefined;
      h.h2Dispatcher = undefined;
    }
  }
}
