// Security policies by workload: the effective PeerAuthentication mTLS mode for a workload port
// (Istio's authn policy resolution: workload-specific over namespace-wide over mesh-wide, UNSET
// inherits from the level above, and PERMISSIVE when nothing is set), and the
// AuthorizationPolicies and RequestAuthentications that select a workload.
import type { Resource } from '../../config/resource.js';
import type { PeerAuthenticationSpec, WorkloadSelectorSpec } from './api-types.js';
import { compareByCreation, configMeta, type ConfigMeta } from './config-meta.js';
import { labelsMatch } from '../registry/service.js';

export type MtlsMode = 'DISABLE' | 'PERMISSIVE' | 'STRICT';

export interface PolicyRef {
  readonly meta: ConfigMeta;
  readonly spec: unknown;
}

interface Policy<S> {
  readonly meta: ConfigMeta;
  readonly spec: S;
}

function policies<S>(resources: readonly Resource[]): Policy<S>[] {
  return resources.map((r) => ({ meta: configMeta(r), spec: (r.spec ?? {}) as S })).sort((a, b) => compareByCreation(a.meta, b.meta));
}

function hasSelector(spec: WorkloadSelectorSpec): boolean {
  return Object.keys(spec.selector?.matchLabels ?? {}).length > 0;
}

/** Policies applying to a workload: mesh-wide (root namespace), its namespace, and those selecting it. */
function applying<S extends WorkloadSelectorSpec>(all: readonly Policy<S>[], rootNamespace: string, namespace: string, labels: Readonly<Record<string, string>>): Policy<S>[] {
  return all.filter((p) => (p.meta.namespace === rootNamespace && !hasSelector(p.spec))
    || (p.meta.namespace === namespace && (!hasSelector(p.spec) || labelsMatch(p.spec.selector!.matchLabels, labels))));
}

export class PolicyIndex {
  private readonly peerAuthentications: Policy<PeerAuthenticationSpec>[];
  private readonly authorizationPolicies: Policy<WorkloadSelectorSpec>[];
  private readonly requestAuthentications: Policy<WorkloadSelectorSpec>[];

  constructor(input: { peerAuthentications?: readonly Resource[]; authorizationPolicies?: readonly Resource[]; requestAuthentications?: readonly Resource[] }, private readonly rootNamespace: string) {
    this.peerAuthentications = policies(input.peerAuthentications ?? []);
    this.authorizationPolicies = policies(input.authorizationPolicies ?? []);
    this.requestAuthentications = policies(input.requestAuthentications ?? []);
  }

  /** The mTLS mode the inbound side of a workload enforces on `targetPort`. */
  mtlsMode(namespace: string, labels: Readonly<Record<string, string>>, targetPort: number): MtlsMode {
    const own = (p: Policy<PeerAuthenticationSpec>) => p.meta.namespace === namespace;
    // Istio uses the oldest policy at each level when several apply.
    const mesh = this.peerAuthentications.find((p) => p.meta.namespace === this.rootNamespace && !hasSelector(p.spec));
    const ns = this.peerAuthentications.find((p) => own(p) && !hasSelector(p.spec) && p.meta.namespace !== this.rootNamespace);
    const workload = this.peerAuthentications.find((p) => own(p) && hasSelector(p.spec) && labelsMatch(p.spec.selector!.matchLabels, labels));
    let mode: MtlsMode = 'PERMISSIVE';
    for (const level of [mesh, ns, workload]) {
      const m = level?.spec.mtls?.mode;
      if (m && m !== 'UNSET') mode = m;
    }
    // Port-level settings only count on a workload-specific policy, as in Istio.
    const portMode = workload?.spec.portLevelMtls?.[String(targetPort)]?.mode;
    if (portMode && portMode !== 'UNSET') mode = portMode;
    return mode;
  }

  /** AuthorizationPolicies selecting a workload, oldest first (spec as validated by src/config). */
  authorizationPoliciesFor(namespace: string, labels: Readonly<Record<string, string>>): PolicyRef[] {
    return applying(this.authorizationPolicies, this.rootNamespace, namespace, labels);
  }

  requestAuthenticationsFor(namespace: string, labels: Readonly<Record<string, string>>): PolicyRef[] {
    return applying(this.requestAuthentications, this.rootNamespace, namespace, labels);
  }
}
