// What `skiff demo` sets up, as Istio's getting-started does by hand: label the default namespace
// for injection, deploy Bookinfo from its manifest, expose it through the Bookinfo gateway, and
// wait until every pod is ready and every proxy has acknowledged its config.
import { join } from 'node:path';
import type { Resource } from '../config/resource.js';
import { loadPaths } from '../config/load-files.js';
import { validateLoaded } from '../config/validate.js';
import { formatConfigError } from '../config/errors.js';
import { splitApiVersion } from '../config/resource.js';
import type { ConfigStore } from '../control-plane/store/config-store.js';
import type { Mesh } from './mesh.js';
import { isPodReady } from './deployment-controller.js';
import { packageRoot } from './proxy-launch.js';

export const BOOKINFO_MANIFESTS = ['samples/bookinfo/platform/kube/bookinfo.yaml', 'samples/bookinfo/networking/bookinfo-gateway.yaml'];

/** Creates or replaces each resource of `files` (paths relative to the package) in `namespace`. */
export async function applyFiles(store: ConfigStore, files: readonly string[], namespace = 'default'): Promise<Resource[]> {
  const { resources, errors } = await loadPaths(files.map((f) => join(packageRoot(), f)));
  const problems = [...errors, ...resources.flatMap((r) => { const v = validateLoaded(r); return v.ok ? [] : v.errors; })];
  if (problems.length > 0) throw new Error(`the sample manifests do not validate:\n${problems.map(formatConfigError).join('\n')}`);
  const applied: Resource[] = [];
  for (const { resource } of resources) {
    const obj = { ...resource, metadata: { ...resource.metadata, namespace: resource.metadata.namespace ?? namespace } };
    const { group } = splitApiVersion(obj.apiVersion);
    const existing = store.get({ group, kind: obj.kind }, obj.metadata.namespace, obj.metadata.name);
    applied.push(existing ? await store.update({ ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } }) : await store.create(obj));
  }
  return applied;
}

export async function enableInjection(store: ConfigStore, namespace: string): Promise<void> {
  await store.patch({ group: '', kind: 'Namespace' }, undefined, namespace, { metadata: { labels: { 'istio-injection': 'enabled' } } });
}

export interface Readiness {
  pods: { name: string; ready: boolean }[];
  /** Proxies connected and SYNCED on every type they were sent. */
  syncedProxies: number;
  expectedProxies: number;
}

/** Pods of `namespaces` and whether each is ready; proxies (sidecars and gateways) synced. */
export function readiness(mesh: Mesh, namespaces: readonly string[]): Readiness {
  const store = mesh.controlPlane.store;
  const pods = namespaces.flatMap((ns) => store.list({ group: '', kind: 'Pod' }, ns));
  const withProxy = pods.filter((p) => ((p.spec as { containers?: { name: string }[] }).containers ?? []).some((c) => c.name === 'istio-proxy'));
  const status = mesh.controlPlane.ads?.syncStatus() ?? [];
  const synced = new Set(status.filter((s) => s.xds.every((t) => t.state === 'SYNCED' || t.state === 'NOT SENT') && s.xds.some((t) => t.state === 'SYNCED')).map((s) => `${s.namespace}/${s.podName}`));
  return {
    pods: pods.map((p) => ({ name: `${p.metadata.namespace}/${p.metadata.name}`, ready: isPodReady(p) })),
    syncedProxies: withProxy.filter((p) => synced.has(`${p.metadata.namespace}/${p.metadata.name}`)).length,
    expectedProxies: withProxy.length,
  };
}

/** Resolves when every pod is ready and every proxy synced; rejects after `timeoutMs` naming what is not. */
export async function waitReady(mesh: Mesh, namespaces: readonly string[], minPods: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = readiness(mesh, namespaces);
    const notReady = r.pods.filter((p) => !p.ready).map((p) => p.name);
    if (r.pods.length >= minPods && notReady.length === 0 && r.syncedProxies === r.expectedProxies) return;
    if (Date.now() > deadline) {
      throw new Error(`not ready after ${Math.round(timeoutMs / 1000)} s: ${notReady.length > 0 ? `pods not ready: ${notReady.join(', ')}` : ''}${r.syncedProxies < r.expectedProxies ? ` proxies synced: ${r.syncedProxies}/${r.expectedProxies}` : ''}${r.pods.length < minPods ? ` only ${r.pods.length} of ${minPods} pods exist` : ''}`);
    }
    await new Promise((res) => setTimeout(res, 200));
  }
}
