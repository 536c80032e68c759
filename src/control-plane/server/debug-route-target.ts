// Which proxy `skiff x route` sends the request from: `--from` names a workload (its sidecar),
// `--gateway` a gateway (its router). Names are read as kubectl reads them — `deploy/NAME`,
// `pod/NAME`, or a bare pod or Deployment name — and a gateway may also be named by its `istio`
// label (`ingressgateway`) or a `key=value` label. The running control plane and the offline mode
// feed the same candidates: pods (connected proxies or registry workloads) and Deployments.
import { nodeId as makeNodeId, type ProxyType } from '../model/proxy.js';
import type { Parsed } from './debug-route-request.js';

export interface WorkloadCandidate {
  readonly pod: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Where the pod is reached (the node id's IP part). */
  readonly address: string;
  /** The node id of the pod's connected proxy, when one is connected. */
  readonly nodeId?: string;
  /** The connected proxy's node metadata (HTTP_PROXY_PORT, SKIFF_BIND_ADDRESS, …). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface DeploymentCandidate {
  readonly name: string;
  readonly namespace: string;
  /** `spec.selector.matchLabels`. */
  readonly selector: Readonly<Record<string, string>>;
}

export interface TargetSpec {
  readonly role: ProxyType;
  /** What the user wrote after --from / --gateway. */
  readonly name: string;
  readonly namespace: string;
  /** Whether the namespace was chosen by the user (-n); otherwise a unique match elsewhere is taken. */
  readonly namespaceExplicit: boolean;
}

export interface ResolvedTarget {
  readonly candidate: WorkloadCandidate;
  /** The node id to simulate: the connected proxy's, or one built as the runtime would. */
  readonly nodeId: string;
  /** `deploy/NAME`, `pod/NAME`, or `label k=v`: how the name was understood. */
  readonly matchedAs: string;
}

function matches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** Connected proxies first, then by name, so the choice is stable. */
function pick(list: readonly WorkloadCandidate[]): WorkloadCandidate {
  return [...list].sort((a, b) => Number(b.nodeId !== undefined) - Number(a.nodeId !== undefined) || a.pod.localeCompare(b.pod))[0]!;
}

function resolved(c: WorkloadCandidate, role: ProxyType, matchedAs: string): Parsed<ResolvedTarget> {
  return { ok: true, value: { candidate: c, nodeId: c.nodeId ?? makeNodeId(role, c.address, c.pod, c.namespace), matchedAs } };
}

export function resolveTarget(spec: TargetSpec, pods: readonly WorkloadCandidate[], deployments: readonly DeploymentCandidate[]): Parsed<ResolvedTarget> {
  const flag = spec.role === 'router' ? '--gateway' : '--from';
  const raw = spec.name.trim();
  if (raw === '') return { ok: false, error: `${flag} needs a workload name (a Deployment or pod, e.g. ${spec.role === 'router' ? 'istio-ingressgateway' : 'productpage-v1'})` };
  const slash = raw.indexOf('/');
  const kind = slash < 0 ? '' : raw.slice(0, slash).toLowerCase();
  const name = slash < 0 ? raw : raw.slice(slash + 1);
  if (kind !== '' && !['deploy', 'deployment', 'deployments', 'pod', 'pods', 'po'].includes(kind)) {
    return { ok: false, error: `${flag} "${raw}": "${kind}" is not a workload kind; use deploy/NAME or pod/NAME` };
  }
  // With -n the namespace is fixed; without it, the default namespace first, then a unique match anywhere
  // (gateways live in istio-system).
  const scopes: ((ns: string) => boolean)[] = spec.namespaceExplicit ? [(ns) => ns === spec.namespace] : [(ns) => ns === spec.namespace, () => true];

  for (const inScope of scopes) {
    if (kind === '' || kind.startsWith('po')) {
      const byPod = pods.filter((p) => p.pod === name && inScope(p.namespace));
      if (byPod.length > 0) return resolved(pick(byPod), spec.role, `pod/${name}`);
    }
    if (kind === '' || kind.startsWith('deploy')) {
      const deps = deployments.filter((d) => d.name === name && inScope(d.namespace));
      const namespaces = [...new Set(deps.map((d) => d.namespace))];
      if (namespaces.length > 1) return { ok: false, error: `${flag} "${raw}": Deployments of that name exist in namespaces ${namespaces.sort().join(', ')}; choose one with -n` };
      if (deps.length > 0) {
        const d = deps[0]!;
        const replicas = pods.filter((p) => p.namespace === d.namespace && matches(d.selector, p.labels));
        if (replicas.length === 0) return { ok: false, error: `${flag} "${raw}": Deployment ${d.namespace}/${d.name} has no pods yet` };
        return resolved(pick(replicas), spec.role, `deploy/${d.name}`);
      }
    }
    if (kind === '' && spec.role === 'router') {
      // A gateway by label: `istio=ingressgateway`, or the value of its `istio` label.
      const eq = name.indexOf('=');
      const selector = eq > 0 ? { [name.slice(0, eq)]: name.slice(eq + 1) } : { istio: name };
      const labelled = pods.filter((p) => inScope(p.namespace) && matches(selector, p.labels));
      if (labelled.length > 0) return resolved(pick(labelled), spec.role, `label ${Object.entries(selector)[0]!.join('=')}`);
    }
  }
  const where = spec.namespaceExplicit ? `in namespace ${spec.namespace}` : 'in any namespace';
  const known = [...new Set(deployments.filter((d) => !spec.namespaceExplicit || d.namespace === spec.namespace).map((d) => `${d.name}.${d.namespace}`))].sort();
  const hint = known.length > 0 ? `; Deployments: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}` : '';
  return { ok: false, error: `unknown workload "${raw}" for ${flag}: no pod or Deployment of that name ${where}${spec.role === 'router' ? ', and no pod with that istio label' : ''}${hint}` };
}
