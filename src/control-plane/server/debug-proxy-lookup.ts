// Finds a connected proxy the way istioctl names one: its full node id, `pod.namespace`, or a bare
// pod name (unique across namespaces). A proxy that reconnected has several connections over
// time; the newest open one answers.
import type { ConnectedProxy } from './ads-types.js';

export type ProxyLookup =
  | { readonly ok: true; readonly proxy: ConnectedProxy }
  | { readonly ok: false; readonly status: 400 | 404; readonly error: string };

function newest(list: readonly ConnectedProxy[]): ConnectedProxy {
  return [...list].sort((a, b) => b.connectedAt.getTime() - a.connectedAt.getTime() || b.connectionId.localeCompare(a.connectionId))[0]!;
}

export function findConnectedProxy(connected: readonly ConnectedProxy[], proxyId: string | null): ProxyLookup {
  if (proxyId === null || proxyId.trim() === '') {
    return { ok: false, status: 400, error: 'the proxyID query parameter is required: a node id (sidecar~IP~POD.NS~NS.svc.cluster.local), POD.NAMESPACE or POD' };
  }
  const id = proxyId.trim();
  const byId = connected.filter((p) => p.nodeId === id);
  if (byId.length > 0) return { ok: true, proxy: newest(byId) };
  const byPodNs = connected.filter((p) => `${p.parsed.podName}.${p.parsed.namespace}` === id);
  if (byPodNs.length > 0) return { ok: true, proxy: newest(byPodNs) };
  const byPod = connected.filter((p) => p.parsed.podName === id);
  const namespaces = [...new Set(byPod.map((p) => p.parsed.namespace))];
  if (namespaces.length === 1) return { ok: true, proxy: newest(byPod) };
  if (namespaces.length > 1) {
    return { ok: false, status: 400, error: `proxy "${id}" is ambiguous: pods of that name are connected in namespaces ${namespaces.sort().join(', ')}; name it as ${id}.NAMESPACE` };
  }
  return { ok: false, status: 404, error: `no proxy "${id}" is connected to this control plane (${connected.length} connected)` };
}
