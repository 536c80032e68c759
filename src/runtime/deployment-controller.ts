// The Deployment controller of the local runtime: keeps `replicas` pods of the current template for
// each Deployment, replaces pods of an old template one by one once their successors are ready
// (a rolling update with maxSurge 1, maxUnavailable 0), recreates deleted pods, and writes the
// Deployment's status (READY, UP-TO-DATE, AVAILABLE).
import type { Resource } from '../config/resource.js';
import type { ConfigStore, WatchEvent } from '../control-plane/store/config-store.js';
import { podTemplateHash, randomSuffix } from './template-hash.js';

const DEPLOYMENT = { group: 'apps', kind: 'Deployment' };
const POD = { group: '', kind: 'Pod' };

interface DeploymentSpecView {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string> };
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
}

export class DeploymentController {
  private unwatch?: () => void;
  private queue = new Set<string>();
  private running = false;
  private closed = false;

  constructor(private readonly store: ConfigStore, private readonly log: (msg: string) => void = () => undefined) {}

  start(): void {
    this.unwatch = this.store.watch((e) => this.onEvent(e));
    for (const d of this.store.list(DEPLOYMENT)) this.enqueue(d.metadata.namespace!, d.metadata.name);
  }

  stop(): void {
    this.closed = true;
    this.unwatch?.();
  }

  private onEvent(e: WatchEvent): void {
    const o = e.object;
    if (o.kind === 'Deployment') this.enqueue(o.metadata.namespace!, o.metadata.name);
    else if (o.kind === 'Pod') {
      const owner = o.metadata.labels?.['skiff.io/deployment'];
      if (owner) this.enqueue(o.metadata.namespace!, owner);
    }
  }

  private enqueue(namespace: string, name: string): void {
    this.queue.add(`${namespace}/${name}`);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.size > 0 && !this.closed) {
        const key = this.queue.values().next().value as string;
        this.queue.delete(key);
        const [ns, name] = key.split('/') as [string, string];
        try {
          await this.reconcile(ns, name);
        } catch (e) {
          this.log(`deployment ${key}: ${(e as Error).message}`);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Pods this controller made for a deployment. */
  private podsOf(namespace: string, name: string): Resource[] {
    return this.store.list(POD, namespace).filter((p) => p.metadata.labels?.['skiff.io/deployment'] === name);
  }

  private async reconcile(namespace: string, name: string): Promise<void> {
    const deployment = this.store.get(DEPLOYMENT, namespace, name);
    const pods = this.podsOf(namespace, name);
    if (!deployment) {
      for (const p of pods) await this.deletePod(p);
      return;
    }
    const spec = (deployment.spec ?? {}) as DeploymentSpecView;
    const replicas = spec.replicas ?? 1;
    const hash = podTemplateHash(spec.template ?? {});
    const current = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    const old = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] !== hash);
    const ready = (p: Resource) => isPodReady(p);

    if (old.length === 0) {
      for (let i = current.length; i < replicas; i++) await this.createPod(deployment, spec, hash);
    } else if (current.length < replicas && current.every(ready)) {
      // Rolling update, one surge pod at a time: the next new pod only once the previous is ready.
      await this.createPod(deployment, spec, hash);
    }
    if (current.length > replicas) {
      // Scale down: unready pods go first, then the newest.
      const victims = [...current].sort((a, b) => Number(ready(a)) - Number(ready(b)) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
      for (const p of victims.slice(0, current.length - replicas)) await this.deletePod(p);
    }
    // Old pods leave while the ready pods that remain still cover `replicas` (maxUnavailable 0);
    // unready old pods serve nobody and leave at once.
    let readyTotal = current.filter(ready).length + old.filter(ready).length;
    for (const p of [...old].sort((a, b) => Number(ready(a)) - Number(ready(b)))) {
      if (ready(p)) {
        if (readyTotal - 1 < Math.min(replicas, readyTotal)) break;
        readyTotal--;
      }
      await this.deletePod(p);
    }
    await this.writeStatus(deployment, this.podsOf(namespace, name), hash);
  }

  private async createPod(deployment: Resource, spec: DeploymentSpecView, hash: string): Promise<void> {
    const name = `${deployment.metadata.name}-${hash}-${randomSuffix()}`;
    const template = spec.template ?? {};
    const pod: Resource = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: deployment.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash, 'skiff.io/deployment': deployment.metadata.name },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name, uid: deployment.metadata.uid, controller: true }],
      },
      spec: structuredClone(template.spec ?? {}),
    };
    await this.store.create(pod);
  }

  private async deletePod(pod: Resource): Promise<void> {
    try {
      await this.store.delete(POD, pod.metadata.namespace, pod.metadata.name);
    } catch (e) {
      if ((e as { reason?: string }).reason !== 'NotFound') throw e;
    }
  }

  private async writeStatus(deployment: Resource, pods: Resource[], hash: string): Promise<void> {
    const updated = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    const status = {
      observedGeneration: deployment.metadata.generation,
      replicas: pods.length,
      updatedReplicas: updated.length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: pods.filter(isPodReady).length,
    };
    const before = (deployment as { status?: unknown }).status;
    if (JSON.stringify(before) === JSON.stringify(status)) return;
    const latest = this.store.get(DEPLOYMENT, deployment.metadata.namespace, deployment.metadata.name);
    if (!latest) return;
    await this.store.update({ ...latest, status });
  }
}

export function isPodReady(pod: Resource): boolean {
  const conditions = (pod as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}
