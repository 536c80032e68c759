// Every resource kind Skiff reads: its API group, versions, plural and short names, scope, and the
// schema of its body. The names follow the real CRDs and `kubectl api-resources`.
import type { ZodType } from 'zod';
import { bodySchemas } from './schemas/index.js';

export interface KindInfo {
  group: string;
  /** Served versions; the first is the preferred (storage) version. */
  versions: string[];
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  /**
   * Whether Skiff acts on this kind today. Stored-but-not-enforced kinds are accepted and the
   * analyzer says they have no effect.
   */
  enforced: boolean;
}

const ISTIO_NET = ['v1', 'v1beta1', 'v1alpha3'];
const ISTIO_SEC = ['v1', 'v1beta1'];

function kind(group: string, versions: string[], kind: string, plural: string, shortNames: string[], opts: { namespaced?: boolean; enforced?: boolean } = {}): KindInfo {
  return {
    group, versions, kind, plural, singular: kind.toLowerCase(), shortNames,
    namespaced: opts.namespaced ?? true, enforced: opts.enforced ?? true,
  };
}

export const KINDS: readonly KindInfo[] = [
  kind('networking.istio.io', ISTIO_NET, 'VirtualService', 'virtualservices', ['vs']),
  kind('networking.istio.io', ISTIO_NET, 'DestinationRule', 'destinationrules', ['dr']),
  kind('networking.istio.io', ISTIO_NET, 'Gateway', 'gateways', ['gw']),
  kind('networking.istio.io', ISTIO_NET, 'ServiceEntry', 'serviceentries', ['se']),
  kind('networking.istio.io', ISTIO_NET, 'Sidecar', 'sidecars', [], { enforced: false }),
  kind('networking.istio.io', ISTIO_NET, 'WorkloadEntry', 'workloadentries', ['we']),
  kind('networking.istio.io', ISTIO_NET, 'WorkloadGroup', 'workloadgroups', ['wg'], { enforced: false }),
  kind('networking.istio.io', ['v1alpha3'], 'EnvoyFilter', 'envoyfilters', [], { enforced: false }),
  kind('security.istio.io', ISTIO_SEC, 'PeerAuthentication', 'peerauthentications', ['pa']),
  kind('security.istio.io', ISTIO_SEC, 'AuthorizationPolicy', 'authorizationpolicies', ['ap']),
  kind('security.istio.io', ISTIO_SEC, 'RequestAuthentication', 'requestauthentications', ['ra']),
  kind('telemetry.istio.io', ['v1', 'v1alpha1'], 'Telemetry', 'telemetries', ['telemetry'], { enforced: false }),
  kind('gateway.networking.k8s.io', ['v1'], 'Gateway', 'gateways', ['gtw'], { enforced: false }),
  kind('gateway.networking.k8s.io', ['v1'], 'HTTPRoute', 'httproutes', [], { enforced: false }),
  kind('gateway.networking.k8s.io', ['v1'], 'GRPCRoute', 'grpcroutes', [], { enforced: false }),
  kind('install.istio.io', ['v1alpha1'], 'IstioOperator', 'istiooperators', ['iop', 'io']),
  kind('', ['v1'], 'Namespace', 'namespaces', ['ns'], { namespaced: false }),
  kind('', ['v1'], 'Service', 'services', ['svc']),
  kind('', ['v1'], 'ServiceAccount', 'serviceaccounts', ['sa']),
  kind('', ['v1'], 'Pod', 'pods', ['po']),
  kind('', ['v1'], 'Secret', 'secrets', []),
  kind('', ['v1'], 'ConfigMap', 'configmaps', ['cm']),
  kind('apps', ['v1'], 'Deployment', 'deployments', ['deploy']),
];

/** `networking.istio.io/VirtualService` style key; the core group keeps its bare kind. */
export function groupKind(group: string, kind: string): string {
  return group ? `${group}/${kind}` : kind;
}

const byGroupKind = new Map(KINDS.map((k) => [groupKind(k.group, k.kind), k]));
const byGroupPlural = new Map(KINDS.map((k) => [`${k.group}/${k.plural}`, k]));

export function kindInfo(group: string, kind: string): KindInfo | undefined {
  return byGroupKind.get(groupKind(group, kind));
}

export function kindByPlural(group: string, plural: string): KindInfo | undefined {
  return byGroupPlural.get(`${group}/${plural}`);
}

/**
 * Resolves what a user types after `get`/`delete`: a plural, singular, short name or Kind, optionally
 * qualified by group (`gateways.networking.istio.io`, `gateway.gateway.networking.k8s.io`). An
 * unqualified name shared by two groups (Gateway) resolves to Istio's, as istioctl users expect.
 */
export function resolveKindName(name: string): KindInfo | undefined {
  const lower = name.toLowerCase();
  const dot = lower.indexOf('.');
  const head = dot < 0 ? lower : lower.slice(0, dot);
  const group = dot < 0 ? undefined : lower.slice(dot + 1);
  const candidates = KINDS.filter((k) =>
    (group === undefined || k.group === group) &&
    (k.plural === head || k.singular === head || k.shortNames.includes(head)));
  return candidates[0];
}

/** The zod schema for a kind's body (everything but apiVersion, kind and metadata). */
export function bodySchema(info: KindInfo): ZodType | undefined {
  return bodySchemas[groupKind(info.group, info.kind)];
}

export function apiVersionOf(info: KindInfo, version = info.versions[0]): string {
  return info.group ? `${info.group}/${version}` : version;
}
