// Workload instances: one running replica (a pod, a local process, a WorkloadEntry) that can be an
// endpoint of the services whose selectors match its labels. The local runtime reports its
// replicas through a WorkloadSource; tests feed a MemoryWorkloadSource directly.

export interface WorkloadPort {
  /** Container port name, for Services whose `targetPort` names a port. */
  readonly name?: string;
  /** The container port, as written in the manifest (what a Service's `targetPort` refers to). */
  readonly port: number;
  /**
   * Where mesh traffic for this port reaches the workload: the sidecar's inbound socket when it
   * has one. Defaults to `port`. The local runtime gives each replica its own loopback ports.
   */
  readonly endpointPort?: number;
  /** Where the application itself listens, for the sidecar's inbound cluster. Defaults to `port`. */
  readonly appPort?: number;
}

export interface WorkloadInstance {
  /** Pod (or replica) name; unique within its namespace. */
  readonly name: string;
  readonly namespace: string;
  /** The IP the workload is reached at. */
  readonly address: string;
  readonly ports: readonly WorkloadPort[];
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount?: string;
  /** `region/zone/subzone`, any part may be empty. */
  readonly locality?: string;
  /** Ready to take traffic; unready endpoints are left out of EDS (Istio's default). */
  readonly healthy: boolean;
  /**
   * `istio` when the workload has a sidecar that accepts Istio mTLS (the `security.istio.io/tlsMode`
   * label Istio's injector adds); callers then use auto mTLS towards it.
   */
  readonly tlsMode?: 'istio' | 'disabled';
  /** Load balancing weight (WorkloadEntry `weight`); 1 when unset. */
  readonly weight?: number;
  /** Where the instance came from, for `istio` endpoint metadata. */
  readonly kind?: 'Pod' | 'WorkloadEntry' | 'ServiceEntry';
}

export type WorkloadEvent =
  | { readonly type: 'upsert'; readonly workload: WorkloadInstance }
  | { readonly type: 'delete'; readonly workload: WorkloadInstance };

/** What the local runtime (or Kubernetes) implements to tell the registry about workloads. */
export interface WorkloadSource {
  list(): WorkloadInstance[];
  /** Calls `listener` for each change from now on; returns the unsubscribe function. */
  watch(listener: (event: WorkloadEvent) => void): () => void;
}

export function workloadKey(w: Pick<WorkloadInstance, 'namespace' | 'name'>): string {
  return `${w.namespace}/${w.name}`;
}

/** An in-memory WorkloadSource: the runtime calls `upsert` and `remove` as replicas come and go. */
export class MemoryWorkloadSource implements WorkloadSource {
  private readonly workloads = new Map<string, WorkloadInstance>();
  private readonly listeners = new Set<(event: WorkloadEvent) => void>();

  list(): WorkloadInstance[] {
    return [...this.workloads.values()].sort((a, b) => workloadKey(a).localeCompare(workloadKey(b)));
  }

  get(namespace: string, name: string): WorkloadInstance | undefined {
    return this.workloads.get(`${namespace}/${name}`);
  }

  upsert(workload: WorkloadInstance): void {
    const frozen = Object.freeze({ ...workload });
    this.workloads.set(workloadKey(workload), frozen);
    this.emit({ type: 'upsert', workload: frozen });
  }

  /** Removes a workload; returns false when there was none by that name. */
  remove(namespace: string, name: string): boolean {
    const existing = this.workloads.get(`${namespace}/${name}`);
    if (!existing) return false;
    this.workloads.delete(`${namespace}/${name}`);
    this.emit({ type: 'delete', workload: existing });
    return true;
  }

  watch(listener: (event: WorkloadEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: WorkloadEvent): void {
    for (const l of [...this.listeners]) l(event);
  }
}
