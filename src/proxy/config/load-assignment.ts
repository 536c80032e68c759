// envoy.config.endpoint.v3.ClusterLoadAssignment: endpoints grouped by locality and priority.

import { compileAddress } from './address.js';
import { sharedValue } from './intern.js';
import { ErrorSink, isObject, MessageReader } from './reader.js';

export type HealthStatus = 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'TIMEOUT' | 'DEGRADED';
const HEALTH_STATUSES: readonly HealthStatus[] = ['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED'];

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
  readonly hostname?: string;
  readonly weight: number;
  readonly health: HealthStatus;
  readonly priority: number;
  readonly locality: Locality;
  /** The locality's load_balancing_weight, when set (locality-weighted load balancing). */
  readonly localityWeight?: number;
  /** filter_metadata["istio"] and similar, kept for stats labels and config_dump. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface LoadAssignment {
  readonly clusterName: string;
  readonly endpoints: readonly Endpoint[];
  /** policy.overprovisioning_factor as a ratio (1.4 by default). */
  readonly overprovisioningFactor: number;
}

const CLA_SPEC = { fields: ['@type', 'cluster_name', 'endpoints', 'named_endpoints', 'policy'] };
const LOCALITY_LB_SPEC = {
  fields: ['locality', 'lb_endpoints', 'leds_cluster_locality_config', 'load_balancing_weight', 'priority'],
  ignored: { proximity: 'proximity only matters to the control plane', metadata: 'locality metadata is informational' },
};
const LB_ENDPOINT_SPEC = { fields: ['endpoint', 'endpoint_name', 'health_status', 'metadata', 'load_balancing_weight'] };
const ENDPOINT_SPEC = {
  fields: ['address', 'hostname', 'additional_addresses'],
  ignored: { health_check_config: 'active health checking is not configured by the control plane' },
};
const POLICY_SPEC = {
  fields: ['drop_overloads', 'overprovisioning_factor', 'weighted_priority_health'],
  ignored: { endpoint_stale_after: 'endpoints stay until the control plane replaces them' },
};

export function compileLoadAssignment(value: unknown, path: string, sink: ErrorSink): LoadAssignment | undefined {
  const r = MessageReader.of(value, path, sink, CLA_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  const clusterName = r.string('cluster_name') ?? '';
  if (r.has('named_endpoints')) r.error('named_endpoints', 'is not supported by the Skiff proxy');
  let overprovisioningFactor = 1.4;
  const policy = r.message('policy', POLICY_SPEC);
  if (policy) {
    if (policy.list('drop_overloads').length > 0) policy.error('drop_overloads', 'is not supported by the Skiff proxy');
    if (policy.bool('weighted_priority_health', false)) policy.error('weighted_priority_health', 'is not supported by the Skiff proxy');
    overprovisioningFactor = policy.int('overprovisioning_factor', 140, 1) / 100;
  }
  const endpoints: Endpoint[] = [];
  for (const l of r.list('endpoints')) {
    const lr = MessageReader.of(l.value, l.path, sink, LOCALITY_LB_SPEC);
    if (!lr) continue;
    if (lr.has('leds_cluster_locality_config')) lr.error('leds_cluster_locality_config', 'LEDS is not supported by the Skiff proxy');
    const loc = lr.message('locality', { fields: ['region', 'zone', 'sub_zone'] });
    const locality: Locality = sharedValue('locality', { region: loc?.string('region') ?? '', zone: loc?.string('zone') ?? '', subZone: loc?.string('sub_zone') ?? '' });
    const priority = lr.int('priority', 0, 0, 128);
    const localityWeight = lr.has('load_balancing_weight') ? lr.int('load_balancing_weight', 1, 1) : undefined;
    for (const e of lr.list('lb_endpoints')) {
      const er = MessageReader.of(e.value, e.path, sink, LB_ENDPOINT_SPEC);
      if (!er) continue;
      if (er.has('endpoint_name')) { er.error('endpoint_name', 'named endpoints are not supported by the Skiff proxy'); continue; }
      const ep = er.message('endpoint', ENDPOINT_SPEC);
      if (!ep) { er.error('endpoint', 'is required'); continue; }
      if (ep.list('additional_addresses').length > 0) ep.error('additional_addresses', 'is not supported by the Skiff proxy');
      const address = compileAddress(ep.raw('address'), ep.at('address'), sink);
      if (!address) continue;
      const metadata = er.raw('metadata');
      endpoints.push({
        address: address.address,
        port: address.port,
        hostname: ep.string('hostname') || undefined,
        weight: er.int('load_balancing_weight', 1, 1),
        health: er.enumValue('health_status', HEALTH_STATUSES, 'UNKNOWN'),
        priority,
        locality,
        localityWeight,
        metadata: isObject(metadata) ? metadata : undefined,
      });
    }
  }
  if (sink.count > before) return undefined;
  return { clusterName, endpoints, overprovisioningFactor };
}
