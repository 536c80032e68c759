// Rebuilds the PushContext when config or workloads change. Changes are debounced (Istio's
// PILOT_DEBOUNCE_AFTER, 100 ms of quiet, at most PILOT_DEBOUNCE_MAX after the first change) and
// merged into one push request that says whether proxies need a full push or only new endpoints.
import type { Resource } from '../../config/resource.js';
import type { ConfigStore, KindRef } from '../store/config-store.js';
import type { WorkloadEvent, WorkloadInstance, WorkloadSource } from '../registry/workload.js';
import type { MeshConfig } from './mesh-config.js';
import { PushContext } from './push-context.js';
import { serviceEntryEndpointsOnly, servicesOfWorkloads } from './push-scope.js';

export type PushReason = 'initial' | 'config' | 'endpoint' | 'mesh';

export interface PushRequest {
  /** Every generator must rerun; false means only EDS (endpoints) changed. */
  readonly full: boolean;
  readonly reasons: ReadonlySet<PushReason>;
  /** `Kind namespace/name` of config that changed. */
  readonly configsUpdated: ReadonlySet<string>;
  /** `namespace/name` of workload instances that changed. */
  readonly workloadsUpdated: ReadonlySet<string>;
  /**
   * On an endpoints-only push: the hostnames of the services whose endpoints changed, when the
   * builder knows them exactly (Istio's ConfigsUpdated of kind ServiceEntry). Then, as Istio's
   * incremental EDS does, a proxy may be sent only the ClusterLoadAssignments that changed, which
   * state-of-the-world EDS allows. Absent: any endpoints may have changed.
   */
  readonly edsServices?: ReadonlySet<string>;
}

export type PushListener = (push: PushContext, request: PushRequest) => void;

/** The kinds the push context reads. */
export const PUSH_KINDS: readonly KindRef[] = [
  { group: '', kind: 'Service' },
  { group: 'networking.istio.io', kind: 'VirtualService' },
  { group: 'networking.istio.io', kind: 'DestinationRule' },
  { group: 'networking.istio.io', kind: 'Gateway' },
  { group: 'networking.istio.io', kind: 'ServiceEntry' },
  { group: 'networking.istio.io', kind: 'WorkloadEntry' },
  { group: 'security.istio.io', kind: 'PeerAuthentication' },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy' },
  { group: 'security.istio.io', kind: 'RequestAuthentication' },
];

const PUSH_KIND_KEYS = new Set(PUSH_KINDS.map((k) => `${k.group}/${k.kind}`));

/** Whether a change to `obj` makes a push (its kind is one the push context reads). */
export function isPushKind(obj: Resource): boolean {
  const slash = obj.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
  return PUSH_KIND_KEYS.has(`${group}/${obj.kind}`);
}

export interface PushBuilderOptions {
  readonly store: Pick<ConfigStore, 'list' | 'watch'>;
  readonly workloads?: WorkloadSource;
  readonly mesh?: Partial<MeshConfig>;
  /** Quiet period before a push (Istio: 100 ms). */
  readonly debounceMs?: number;
  /** Longest a push waits while changes keep coming (Istio: 10 s). */
  readonly debounceMaxMs?: number;
  /** Told when a rebuild fails; the previous push stays current. */
  readonly onError?: (error: Error) => void;
}

interface Pending {
  full: boolean;
  reasons: Set<PushReason>;
  configs: Set<string>;
  workloads: Set<string>;
  /** Hosts of ServiceEntries whose inline endpoints alone moved. */
  edsHosts: Set<string>;
  firstAt: number;
}

function sameIdentity(a: WorkloadInstance, b: WorkloadInstance): boolean {
  const la = Object.entries(a.labels).sort().join(',');
  const lb = Object.entries(b.labels).sort().join(',');
  return la === lb && a.serviceAccount === b.serviceAccount && a.tlsMode === b.tlsMode;
}

export class PushContextBuilder {
  private push: PushContext | undefined;
  private counter = 0;
  private readonly listeners = new Set<PushListener>();
  private readonly known = new Map<string, WorkloadInstance>();
  private pending: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void)[] = [];
  private mesh: Partial<MeshConfig>;
  private readonly debounceMs: number;
  private readonly debounceMaxMs: number;

  constructor(private readonly options: PushBuilderOptions) {
    this.mesh = options.mesh ?? {};
    this.debounceMs = options.debounceMs ?? 100;
    this.debounceMaxMs = options.debounceMaxMs ?? 10_000;
  }

  /** Builds the first push and starts watching; returns that push. */
  start(): PushContext {
    if (this.push) return this.push;
    // Only kinds the push reads trigger one: the runtime's Pod and Deployment status writes must not.
    this.unwatch.push(this.options.store.watch((e) => {
      if (!isPushKind(e.object)) return;
      const key = `${e.object.kind} ${e.object.metadata.namespace ?? ''}/${e.object.metadata.name}`;
      // Moving a ServiceEntry's endpoints changes only endpoints: an EDS push, as Istio does it.
      const hosts = e.type === 'MODIFIED' && e.previous ? serviceEntryEndpointsOnly(e.previous, e.object) : undefined;
      if (hosts) this.enqueue(false, 'endpoint', key, undefined, hosts);
      else this.enqueue(true, 'config', key);
    }));
    if (this.options.workloads) {
      for (const w of this.options.workloads.list()) this.known.set(`${w.namespace}/${w.name}`, w);
      this.unwatch.push(this.options.workloads.watch((e) => this.onWorkload(e)));
    }
    this.push = this.build();
    return this.push;
  }

  current(): PushContext {
    if (!this.push) throw new Error('PushContextBuilder.current() called before start()');
    return this.push;
  }

  subscribe(listener: PushListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the mesh config; always a full push. */
  setMesh(mesh: Partial<MeshConfig>): void {
    this.mesh = mesh;
    this.enqueue(true, 'mesh');
  }

  /** Runs a pending push now instead of waiting for the debounce. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.fire();
  }

  stop(): void {
    for (const u of this.unwatch) u();
    this.unwatch = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private onWorkload(e: WorkloadEvent): void {
    const key = `${e.workload.namespace}/${e.workload.name}`;
    const previous = this.known.get(key);
    if (e.type === 'delete') {
      this.known.delete(key);
      this.enqueue(false, 'endpoint', undefined, key);
      return;
    }
    this.known.set(key, e.workload);
    // A new workload, or new labels, can change its own proxy's listeners and which routes
    // (sourceLabels) apply to it; health, address and port changes only move endpoints.
    const full = !previous || !sameIdentity(previous, e.workload);
    this.enqueue(full, 'endpoint', undefined, key);
  }

  private enqueue(full: boolean, reason: PushReason, config?: string, workload?: string, edsHosts?: readonly string[]): void {
    if (!this.push) return;
    const now = Date.now();
    const p = this.pending ?? (this.pending = { full: false, reasons: new Set(), configs: new Set(), workloads: new Set(), edsHosts: new Set(), firstAt: now });
    p.full ||= full;
    p.reasons.add(reason);
    if (config) p.configs.add(config);
    if (workload) p.workloads.add(workload);
    for (const h of edsHosts ?? []) p.edsHosts.add(h);
    if (this.timer) clearTimeout(this.timer);
    const waited = now - p.firstAt;
    const delay = waited >= this.debounceMaxMs ? 0 : Math.min(this.debounceMs, this.debounceMaxMs - waited);
    this.timer = setTimeout(() => { this.timer = undefined; this.fire(); }, delay);
  }

  private fire(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    let push: PushContext;
    try {
      push = this.build();
    } catch (e) {
      this.options.onError?.(e as Error);
      return;
    }
    const previous = this.push;
    this.push = push;
    let request: PushRequest = { full: p.full, reasons: p.reasons, configsUpdated: p.configs, workloadsUpdated: p.workloads };
    if (!p.full) {
      // The services the moved workloads left, and those they joined.
      const edsServices = new Set([...p.edsHosts, ...(previous ? servicesOfWorkloads(previous, p.workloads) : []), ...servicesOfWorkloads(push, p.workloads)]);
      request = { ...request, edsServices };
    }
    for (const l of [...this.listeners]) l(push, request);
  }

  private build(): PushContext {
    const configs: Resource[] = PUSH_KINDS.flatMap((k) => this.options.store.list(k));
    this.counter += 1;
    return PushContext.build({
      configs,
      workloads: this.options.workloads?.list() ?? [],
      mesh: this.mesh,
      version: `${new Date().toISOString()}/${this.counter}`,
    });
  }
}
