// `skiff x route -f DIR`: a mesh built from manifests alone, with nothing running. The files are
// read and validated as `skiff apply` reads them; Deployments and Pods become workload instances
// (a Deployment's replicas carry its pod template's labels and container ports), the gateways
// `skiff up` installs are added unless the files declare them, and a push context is built from
// the lot, as the control plane would build it.
import { kindInfo } from '../../config/kinds.js';
import { splitApiVersion, type Resource } from '../../config/resource.js';
import { PushContext } from '../../control-plane/model/push-context.js';
import type { WorkloadInstance, WorkloadPort } from '../../control-plane/registry/workload.js';
import type { ConfigSourceLookup } from '../../control-plane/server/debug-route-explain.js';
import type { DeploymentCandidate, WorkloadCandidate } from '../../control-plane/server/debug-route-target.js';
import { gatewayResources, profileComponents } from '../../runtime/profiles.js';
import { podTemplateHash } from '../../runtime/template-hash.js';
import { cliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { readManifests } from '../manifests.js';

/** Offline pods have no runtime to give them addresses: they are all on loopback, as on the local runtime. */
const OFFLINE_ADDRESS = '127.0.0.1';
const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

export interface OfflineMesh {
  readonly push: PushContext;
  readonly pods: WorkloadCandidate[];
  readonly deployments: DeploymentCandidate[];
  readonly sources: ConfigSourceLookup;
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec?: { serviceAccountName?: string; containers?: { ports?: { name?: string; containerPort?: number }[] }[] };
}

function key(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function workload(name: string, namespace: string, template: PodTemplate): WorkloadInstance {
  const labels = template.metadata?.labels ?? {};
  const ports: WorkloadPort[] = (template.spec?.containers ?? []).flatMap((c) => c.ports ?? [])
    .filter((p) => typeof p.containerPort === 'number')
    .map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.containerPort! }));
  return {
    name,
    namespace,
    address: OFFLINE_ADDRESS,
    ports,
    labels,
    serviceAccount: template.spec?.serviceAccountName ?? 'default',
    healthy: true,
    ...(labels[TLS_MODE_LABEL] === 'istio' ? { tlsMode: 'istio' as const } : {}),
    kind: 'Pod',
  };
}

/** A Deployment's replicas, named as its pods would be (`NAME-TEMPLATEHASH-N`). */
function replicas(d: Resource): WorkloadInstance[] {
  const spec = (d.spec ?? {}) as { replicas?: number; template?: PodTemplate };
  const count = typeof spec.replicas === 'number' ? Math.max(0, spec.replicas) : 1;
  const template = spec.template ?? {};
  const hash = podTemplateHash(template);
  return Array.from({ length: count }, (_, i) => workload(`${d.metadata.name}-${hash}-${i}`, d.metadata.namespace ?? 'default', template));
}

export async function loadOfflineMesh(ctx: CommandContext, files: readonly string[]): Promise<OfflineMesh> {
  const { manifests, failed } = await readManifests(ctx, files, { recursive: true, verb: 'route' });
  if (failed) throw cliError('the files above have errors; fix them so the simulation sees the config Istio would accept');
  const resources = manifests.map((m) => m.resource);
  const sourceFiles = new Map(manifests.filter((m) => m.file).map((m) => [key(m.resource.kind, m.namespace ?? '', m.resource.metadata.name), m.file!]));
  // The gateways `skiff up` installs with the default profile, unless the files bring their own.
  const declared = new Set(resources.map((r) => key(r.kind, r.metadata.namespace ?? '', r.metadata.name)));
  for (const r of profileComponents('default').flatMap(gatewayResources)) {
    if (!declared.has(key(r.kind, r.metadata.namespace ?? '', r.metadata.name))) resources.push(r);
  }
  const workloads: WorkloadInstance[] = [];
  const deployments: DeploymentCandidate[] = [];
  for (const r of resources) {
    const { group } = splitApiVersion(r.apiVersion);
    const info = kindInfo(group, r.kind);
    if (info?.kind === 'Deployment' && info.group === 'apps') {
      workloads.push(...replicas(r));
      const selector = ((r.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels) ?? {};
      deployments.push({ name: r.metadata.name, namespace: r.metadata.namespace ?? 'default', selector });
    } else if (info?.kind === 'Pod' && info.group === '') {
      workloads.push(workload(r.metadata.name, r.metadata.namespace ?? 'default', { metadata: r.metadata, spec: r.spec as PodTemplate['spec'] }));
    }
  }
  const push = PushContext.build({ configs: resources, workloads, version: 'offline' });
  return {
    push,
    pods: workloads.map((w) => ({ pod: w.name, namespace: w.namespace, labels: w.labels, address: w.address })),
    deployments,
    sources: (kind, namespace, name) => sourceFiles.get(key(kind, namespace, name)),
  };
}
