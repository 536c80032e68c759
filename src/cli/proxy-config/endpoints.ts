// `proxy-config endpoint`: istioctl's endpoint table (ENDPOINT, STATUS, OUTLIER CHECK, CLUSTER),
// read from Envoy's /clusters?format=json, or built from the endpoints the control plane sent when
// the proxy admin cannot be reached. Filters: --address, --port, --cluster, --status.
import { str, type Json } from './config-dump.js';
import { tabWrite } from './tab-writer.js';

export interface EndpointFilter {
  readonly address?: string;
  readonly port?: number;
  readonly cluster?: string;
  readonly status?: string;
}

/** Envoy's /clusters?format=json shape (envoy.admin.v3.Clusters). */
export interface ClusterStatuses {
  readonly cluster_statuses?: readonly Json[];
}

interface HostView {
  readonly address: string;
  readonly port: number;
  readonly status: string;
  readonly outlierFailed: boolean;
  readonly cluster: string;
}

function hostViews(statuses: ClusterStatuses): HostView[] {
  const out: HostView[] = [];
  for (const c of statuses.cluster_statuses ?? []) {
    for (const h of (c.host_statuses as Json[] | undefined) ?? []) {
      const sa = (((h.address as Json | undefined)?.socket_address) ?? {}) as Json;
      const health = (h.health_status ?? {}) as Json;
      out.push({
        address: str(sa.address) || 'unknown',
        port: Number(sa.port_value ?? 0),
        status: str(health.eds_health_status) || 'UNKNOWN',
        outlierFailed: health.failed_outlier_check === true,
        cluster: str(c.name),
      });
    }
  }
  return out;
}

function hostMatches(f: EndpointFilter, h: HostView): boolean {
  if (f.address && h.address.toLowerCase() !== f.address.toLowerCase()) return false;
  if (f.port && h.port !== f.port) return false;
  if (f.cluster && h.cluster.toLowerCase() !== f.cluster.toLowerCase()) return false;
  if (f.status && h.status.toLowerCase() !== f.status.toLowerCase()) return false;
  return true;
}

export function endpointSummary(statuses: ClusterStatuses, filter: EndpointFilter): string {
  const hosts = hostViews(statuses).filter((h) => hostMatches(filter, h))
    .sort((a, b) => a.address.localeCompare(b.address) || a.port - b.port || a.cluster.localeCompare(b.cluster));
  const rows: string[][] = [['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER']];
  for (const h of hosts) rows.push([h.port ? `${h.address}:${h.port}` : h.address, h.status, h.outlierFailed ? 'FAILED' : 'OK', h.cluster]);
  return tabWrite(rows, 5);
}

/** The clusters with at least one endpoint passing the filter, as istioctl's -o json prints them. */
export function filterClusterStatuses(statuses: ClusterStatuses, filter: EndpointFilter): Json[] {
  return (statuses.cluster_statuses ?? []).filter((c) => hostViews({ cluster_statuses: [c] }).some((h) => hostMatches(filter, h)));
}

/** /clusters-shaped statuses from ClusterLoadAssignments (what the control plane sent). */
export function statusesFromAssignments(assignments: readonly Json[]): ClusterStatuses {
  return {
    cluster_statuses: assignments.map((cla) => ({
      name: str(cla.cluster_name),
      host_statuses: ((cla.endpoints as Json[] | undefined) ?? []).flatMap((group) => ((group.lb_endpoints as Json[] | undefined) ?? []).map((lb) => ({
        address: ((lb.endpoint as Json | undefined)?.address ?? {}) as Json,
        health_status: { eds_health_status: str(lb.health_status) || 'UNKNOWN' },
        ...(lb.load_balancing_weight !== undefined ? { weight: lb.load_balancing_weight } : {}),
        ...(group.locality ? { locality: group.locality } : {}),
      }))),
    })),
  };
}
