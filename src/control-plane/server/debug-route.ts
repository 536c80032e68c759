// /debug/route?from=WORKLOAD|gateway=NAME&url=URL[&method=M][&header=name:value…][&namespace=NS]:
// `skiff x route` against the running control plane. The request is simulated through the config
// the current push generates for that proxy; a connected proxy is simulated with the node
// metadata it connected with (its HTTP proxy port, a gateway's bind address and port map).
import type { Resource } from '../../config/resource.js';
import type { PushContext } from '../model/push-context.js';
import { proxyMetadata } from '../translate/xds-generator.js';
import type { ConnectedProxy } from './ads-types.js';
import { explainRoute, type RouteExplanation } from './debug-route-explain.js';
import { parseRouteRequest } from './debug-route-request.js';
import { resolveTarget, type DeploymentCandidate, type WorkloadCandidate } from './debug-route-target.js';

export type RouteAnswer = { readonly status: 200; readonly body: RouteExplanation } | { readonly status: 400 | 404 | 503; readonly body: { readonly error: string } };

export interface RouteQueryInput {
  readonly push: PushContext | undefined;
  readonly connected: readonly ConnectedProxy[];
  readonly deployments: readonly Resource[];
  readonly query: URLSearchParams;
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

/** Pods the runtime reported, and connected proxies (which win: they carry real node metadata). */
export function onlineCandidates(push: PushContext, connected: readonly ConnectedProxy[]): WorkloadCandidate[] {
  const byKey = new Map<string, WorkloadCandidate>();
  for (const w of push.registry.workloads) {
    if (w.kind !== undefined && w.kind !== 'Pod') continue;
    byKey.set(`${w.namespace}/${w.name}`, { pod: w.name, namespace: w.namespace, labels: w.labels, address: w.address });
  }
  for (const p of connected) {
    const key = `${p.parsed.namespace}/${p.parsed.podName}`;
    const known = byKey.get(key);
    byKey.set(key, {
      pod: p.parsed.podName,
      namespace: p.parsed.namespace,
      labels: stringMap(p.metadata.LABELS) ?? known?.labels ?? {},
      address: p.parsed.ip,
      nodeId: p.nodeId,
      metadata: p.metadata,
    });
  }
  return [...byKey.values()];
}

export function deploymentCandidates(deployments: readonly Resource[]): DeploymentCandidate[] {
  return deployments.map((d) => ({
    name: d.metadata.name,
    namespace: d.metadata.namespace ?? 'default',
    selector: stringMap((d.spec as { selector?: { matchLabels?: unknown } } | undefined)?.selector?.matchLabels) ?? {},
  }));
}

export function answerRouteQuery({ push, connected, deployments, query }: RouteQueryInput): RouteAnswer {
  if (!push) return { status: 503, body: { error: 'the control plane has not built its first push yet; retry in a moment' } };
  const from = query.get('from');
  const gateway = query.get('gateway');
  if ((from === null) === (gateway === null)) {
    return { status: 400, body: { error: 'give exactly one of from (a workload: Deployment or pod) or gateway (a gateway Deployment or istio label)' } };
  }
  const request = parseRouteRequest(query.get('url') ?? '', query.get('method') ?? undefined, query.getAll('header'));
  if (!request.ok) return { status: 400, body: { error: request.error } };
  const namespace = query.get('namespace');
  const target = resolveTarget(
    { role: gateway !== null ? 'router' : 'sidecar', name: (gateway ?? from)!, namespace: namespace ?? 'default', namespaceExplicit: namespace !== null },
    onlineCandidates(push, connected),
    deploymentCandidates(deployments),
  );
  if (!target.ok) return { status: 404, body: { error: target.error } };
  const { candidate, nodeId } = target.value;
  const meta = proxyMetadata(candidate.metadata ?? {});
  const proxy = push.proxyFor(nodeId, { labels: meta.labels ?? candidate.labels, metadata: meta.metadata });
  return { status: 200, body: explainRoute({ proxy, push, request: request.value }) };
}
