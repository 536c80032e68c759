// The local kubelet: runs every Pod in the store as local processes (with its sidecar when Istio's
// injection policy says so), writes pod status back (phase, Ready, container statuses, RESTARTS),
// and reports ready replicas to the service registry as workload instances.
import { join } from 'node:path';
import type { Resource } from '../config/resource.js';
import type { ConfigStore, WatchEvent } from '../control-plane/store/config-store.js';
import type { MemoryWorkloadSource } from '../control-plane/registry/workload.js';
import { shouldInject } from './injection.js';
import { PodRunner, type PodContainer, type SidecarLauncher } from './pod-runner.js';

const POD = { group: '', kind: 'Pod' };
const NAMESPACE = { group: '', kind: 'Namespace' };

/** Istio's injector records what it did in this annotation; Skiff records its decision the same way. */
export const INJECTION_STATUS = 'sidecar.istio.io/status';

export interface KubeletOptions {
  store: ConfigStore;
  workloads: MemoryWorkloadSource;
  sidecar: SidecarLauncher;
  logRoot: string;
  log?: (msg: string) => void;
}

interface PodView {
  serviceAccountName?: string;
  containers?: PodContainer[];
}

export class Kubelet {
  readonly runners = new Map<string, PodRunner>();
  private unwatch?: () => void;
  private statusWrites = new Map<string, Promise<void>>();
  private readonly log: (msg: string) => void;

  constructor(private readonly opts: KubeletOptions) {
    this.log = opts.log ?? (() => undefined);
  }

  start(): void {
    this.unwatch = this.opts.store.watch((e) => this.onEvent(e));
    for (const p of this.opts.store.list(POD)) void this.admit(p);
  }

  private onEvent(e: WatchEvent): void {
    if (e.object.kind !== 'Pod') return;
    const key = podKey(e.object);
    if (e.type === 'DELETED') void this.remove(key);
    else if (!this.runners.has(key)) void this.admit(e.object);
  }

  /** First sight of a pod: decide injection once (a running pod keeps its shape), then run it. */
  private async admit(pod: Resource): Promise<void> {
    const key = podKey(pod);
    if (this.runners.has(key)) return;
    const spec = (pod.spec ?? {}) as PodView;
    const annotations = pod.metadata.annotations ?? {};
    let injected: boolean;
    if (annotations[INJECTION_STATUS] !== undefined) {
      injected = injectedBefore(annotations[INJECTION_STATUS]);
    } else {
      const ns = this.opts.store.get(NAMESPACE, undefined, pod.metadata.namespace!);
      injected = shouldInject({ namespaceLabels: ns?.metadata.labels ?? {}, podLabels: pod.metadata.labels ?? {}, podAnnotations: annotations });
    }
    // The injected sidecar is run by the PodRunner itself; a gateway's own `istio-proxy` container is the pod's app.
    const appContainers = injected ? (spec.containers ?? []).filter((c) => c.name !== 'istio-proxy') : (spec.containers ?? []);
    const runner = new PodRunner({
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name,
      labels: pod.metadata.labels ?? {},
      serviceAccount: spec.serviceAccountName ?? 'default',
      containers: appContainers,
      injected,
      logDir: join(this.opts.logRoot, pod.metadata.namespace!, pod.metadata.name),
    }, this.opts.sidecar);
    this.runners.set(key, runner);
    runner.on('changed', () => this.publish(key));
    try {
      if (annotations[INJECTION_STATUS] === undefined) await this.recordInjection(pod, injected);
      await runner.start();
    } catch (e) {
      this.log(`pod ${key}: ${(e as Error).message}`);
      await this.writeStatus(key, { phase: 'Failed', reason: 'ContainerCannotRun', message: (e as Error).message });
      return;
    }
    this.publish(key);
  }

  /** Adds the istio-proxy container and Istio's labels to the stored pod, as the injection webhook would. */
  private async recordInjection(pod: Resource, injected: boolean): Promise<void> {
    const spec = (pod.spec ?? {}) as PodView & Record<string, unknown>;
    const containers = [...(spec.containers ?? [])];
    const labels = { ...(pod.metadata.labels ?? {}) };
    const annotationsExtra: Record<string, string> = {};
    if (injected) {
      containers.push({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2', args: ['proxy', 'sidecar'] });
      labels['security.istio.io/tlsMode'] = 'istio';
      // As Istio's injector does, so `logs` and `exec` pick the app container, not the sidecar.
      annotationsExtra['kubectl.kubernetes.io/default-container'] = spec.containers?.[0]?.name ?? '';
      labels['service.istio.io/canonical-name'] ??= labels['app.kubernetes.io/name'] ?? labels.app ?? pod.metadata.name;
      labels['service.istio.io/canonical-revision'] ??= labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
    }
    const status = JSON.stringify(injected ? { containers: ['istio-proxy'], revision: 'default' } : { injected: false });
    await this.opts.store.update({
      ...pod,
      metadata: { ...pod.metadata, labels, annotations: { ...(pod.metadata.annotations ?? {}), ...annotationsExtra, [INJECTION_STATUS]: status }, resourceVersion: undefined },
      spec: { ...spec, containers },
    });
  }

  /** Writes the pod's status and tells the registry whether it is a ready endpoint. */
  private publish(key: string): void {
    const runner = this.runners.get(key);
    if (!runner) return;
    const { plan } = runner;
    const ready = runner.ready;
    this.opts.workloads.upsert({
      name: plan.name,
      namespace: plan.namespace,
      address: '127.0.0.1',
      ports: runner.ports.map((p) => ({ name: p.name, port: p.containerPort, endpointPort: p.endpointPort, appPort: p.appPort })),
      labels: plan.labels,
      serviceAccount: plan.serviceAccount,
      healthy: ready,
      // 'istio' turns on auto mTLS towards this pod; the proxy has no TLS yet, so every pod is plain text for now.
      tlsMode: 'disabled',
      kind: 'Pod',
    });
    const statuses = runner.statuses();
    void this.writeStatus(key, {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }, { type: 'ContainersReady', status: ready ? 'True' : 'False' }],
      podIP: '127.0.0.1',
      hostIP: '127.0.0.1',
      containerStatuses: statuses.map((s) => ({
        name: s.name, ready: s.ready, restartCount: s.restartCount,
        state: containerState(s.state),
        ...(s.lastExit ? { lastState: { terminated: { exitCode: s.lastExit.code ?? 137, ...(s.lastExit.signal ? { signal: s.lastExit.signal } : {}), finishedAt: s.lastExit.at.toISOString().replace(/\.\d+Z$/, 'Z') } } } : {}),
      })),
      // Where the runtime placed this pod on loopback; `skiff exec` and `proxy-status` read it.
      skiff: { ports: runner.ports, sidecar: runner.sidecarPorts, pids: Object.fromEntries([...runner.containers].map(([n, c]) => [n, c.pid])) },
    });
  }

  /** Status writes for one pod are serialised so they land in order. */
  private writeStatus(key: string, status: Record<string, unknown>): Promise<void> {
    const prev = this.statusWrites.get(key) ?? Promise.resolve();
    const next = prev.then(async () => {
      const [ns, name] = key.split('/') as [string, string];
      const latest = this.opts.store.get(POD, ns, name);
      if (!latest) return;
      if (JSON.stringify((latest as { status?: unknown }).status) === JSON.stringify(status)) return;
      await this.opts.store.update({ ...latest, metadata: { ...latest.metadata, resourceVersion: undefined }, status });
    }).catch((e: Error) => this.log(`pod ${key}: status update failed: ${e.message}`));
    this.statusWrites.set(key, next);
    return next;
  }

  private async remove(key: string): Promise<void> {
    const runner = this.runners.get(key);
    if (!runner) return;
    this.runners.delete(key);
    this.opts.workloads.remove(runner.plan.namespace, runner.plan.name);
    await runner.stop();
  }

  async stop(): Promise<void> {
    this.unwatch?.();
    await Promise.all([...this.runners.keys()].map((k) => this.remove(k)));
    await Promise.all(this.statusWrites.values());
  }
}

/** What the injection decided when the pod was first seen, from the status annotation it left. */
function injectedBefore(status: string): boolean {
  try {
    const parsed = JSON.parse(status) as { containers?: string[] };
    return Array.isArray(parsed.containers) && parsed.containers.includes('istio-proxy');
  } catch {
    return false;
  }
}

function containerState(state: string): Record<string, unknown> {
  switch (state) {
    case 'Running': return { running: {} };
    case 'CrashLoopBackOff': return { waiting: { reason: 'CrashLoopBackOff' } };
    case 'Waiting': return { waiting: { reason: 'ContainerCreating' } };
    default: return { terminated: { reason: 'Completed' } };
  }
}

function podKey(pod: Resource): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}
