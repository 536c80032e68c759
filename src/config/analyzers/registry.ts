// The services and workloads the analyzed configuration describes: Kubernetes Services and
// ServiceEntry hosts (Istio's analyzers fold both into one host map), and the pods behind them
// from Pods, Deployment templates and WorkloadEntries.
import { APPS, CORE, NETWORKING, type AnalysisContext, type Entry } from './context.js';
import { at, labelsMatch, list, num, record, str, stringMap, strings } from './fields.js';
import { exportToAnnotation, hostCovers, hostsMatch, toFqdn, visibleFrom } from './hosts.js';

export interface ServicePort {
  number: number;
  name?: string;
  protocol?: string;
  appProtocol?: string;
  targetPort?: number | string;
  /** Index in the resource's `ports` list, to point messages at it. */
  index: number;
}

export interface MeshService {
  host: string;
  namespace: string;
  entry: Entry;
  kind: 'Service' | 'ServiceEntry';
  ports: ServicePort[];
  exportTo: string[];
  /** A Kubernetes Service's pod selector; undefined when it has none (endpoints managed by hand). */
  selector?: Record<string, string>;
  /** A ServiceEntry's workloadSelector labels. */
  workloadSelector?: Record<string, string>;
  /** A ServiceEntry's inline endpoints, by their labels. */
  endpointLabels: Record<string, string>[];
}

export interface Workload {
  entry: Entry;
  namespace: string;
  labels: Record<string, string>;
  /** Container ports, for resolving a named targetPort. */
  containerPorts: { name?: string; port: number }[];
}

function ports(v: unknown, numberField: 'port' | 'number'): ServicePort[] {
  const out: ServicePort[] = [];
  list(v).forEach((p, index) => {
    const r = record(p);
    const number = num(r?.[numberField]);
    if (!r || number === undefined) return;
    const target = r.targetPort;
    out.push({
      number,
      index,
      name: str(r.name),
      protocol: str(r.protocol),
      appProtocol: str(r.appProtocol),
      targetPort: typeof target === 'number' || typeof target === 'string' ? target : undefined,
    });
  });
  return out;
}

export function meshServices(ctx: AnalysisContext): MeshService[] {
  return ctx.cached('meshServices', () => {
    const out: MeshService[] = [];
    for (const e of ctx.of(CORE, 'Service')) {
      const selector = record(e.spec.selector) ? stringMap(e.spec.selector) : undefined;
      out.push({
        host: toFqdn(e.name, e.namespace),
        namespace: e.namespace,
        entry: e,
        kind: 'Service',
        ports: ports(e.spec.ports, 'port'),
        exportTo: exportToAnnotation(e.annotations['networking.istio.io/exportTo']),
        selector: selector && Object.keys(selector).length > 0 ? selector : undefined,
        endpointLabels: [],
      });
    }
    for (const e of ctx.of(NETWORKING, 'ServiceEntry')) {
      const ws = record(e.spec.workloadSelector) ? stringMap(at(e.spec, 'workloadSelector', 'labels')) : undefined;
      const endpointLabels = list(e.spec.endpoints).map((ep) => stringMap(record(ep)?.labels));
      for (const h of strings(e.spec.hosts)) {
        out.push({
          host: toFqdn(h, e.namespace),
          namespace: e.namespace,
          entry: e,
          kind: 'ServiceEntry',
          ports: ports(e.spec.ports, 'number'),
          exportTo: strings(e.spec.exportTo),
          workloadSelector: ws,
          endpointLabels,
        });
      }
    }
    return out;
  });
}

/**
 * The service a destination host (already a full name) reaches from `fromNamespace`: an exact host
 * first, then a wildcard ServiceEntry host covering it.
 */
export function findService(ctx: AnalysisContext, host: string, fromNamespace: string): MeshService | undefined {
  const visible = meshServices(ctx).filter((s) => visibleFrom(s.exportTo, s.namespace, fromNamespace));
  return visible.find((s) => s.host === host)
    ?? visible.find((s) => s.host.startsWith('*') && hostCovers(s.host, host))
    ?? (host.startsWith('*') ? visible.find((s) => hostsMatch(s.host, host)) : undefined);
}

function containerPorts(podSpec: unknown): { name?: string; port: number }[] {
  const out: { name?: string; port: number }[] = [];
  for (const c of list(at(podSpec, 'containers'))) {
    for (const p of list(record(c)?.ports)) {
      const port = num(record(p)?.containerPort);
      if (port !== undefined) out.push({ name: str(record(p)?.name), port });
    }
  }
  return out;
}

/**
 * Workloads that run: Pods, Deployments with at least one replica (by their pod template), and
 * WorkloadEntries.
 */
export function workloads(ctx: AnalysisContext): Workload[] {
  return ctx.cached('workloads', () => {
    const out: Workload[] = [];
    for (const e of ctx.of(CORE, 'Pod')) {
      out.push({ entry: e, namespace: e.namespace, labels: e.labels, containerPorts: containerPorts(e.spec) });
    }
    for (const e of ctx.of(APPS, 'Deployment')) {
      // Kubernetes defaults replicas to 1; a Deployment scaled to 0 has no pods to select.
      const replicas = num(e.spec.replicas) ?? 1;
      if (replicas <= 0) continue;
      out.push({
        entry: e,
        namespace: e.namespace,
        labels: stringMap(at(e.spec, 'template', 'metadata', 'labels')),
        containerPorts: containerPorts(at(e.spec, 'template', 'spec')),
      });
    }
    for (const e of ctx.of(NETWORKING, 'WorkloadEntry')) {
      out.push({ entry: e, namespace: e.namespace, labels: stringMap(e.spec.labels), containerPorts: [] });
    }
    return out;
  });
}

/**
 * The label sets of the endpoints behind a service, or undefined when the configuration does not
 * say (a Service without selector, a DNS ServiceEntry without endpoints or workloadSelector).
 */
export function endpointsOf(ctx: AnalysisContext, svc: MeshService): Record<string, string>[] | undefined {
  if (svc.kind === 'Service') {
    if (!svc.selector) return undefined;
    const selector = svc.selector;
    return workloads(ctx)
      .filter((w) => w.namespace === svc.namespace && labelsMatch(selector, w.labels))
      .map((w) => w.labels);
  }
  if (!svc.workloadSelector && svc.endpointLabels.length === 0) return undefined;
  const out = [...svc.endpointLabels];
  if (svc.workloadSelector) {
    const selector = svc.workloadSelector;
    for (const w of workloads(ctx)) if (w.namespace === svc.namespace && labelsMatch(selector, w.labels)) out.push(w.labels);
  }
  return out;
}

/** Workloads a Kubernetes Service selects in its namespace (Istio selects WorkloadEntries too). */
export function workloadsOf(ctx: AnalysisContext, svc: MeshService): Workload[] {
  if (svc.kind !== 'Service' || !svc.selector) return [];
  const selector = svc.selector;
  return workloads(ctx).filter((w) => w.namespace === svc.namespace && labelsMatch(selector, w.labels));
}
