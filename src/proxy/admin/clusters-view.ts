// /clusters in Envoy's text form (`name::host::stat::value`) and its JSON form.

import type { ProxyServer } from '../proxy.js';

export function clustersText(server: ProxyServer): string {
  const lines: string[] = [];
  for (const c of server.clusters.all()) {
    const n = c.name;
    const cb = c.config.circuitBreakers;
    lines.push(`${n}::observability_name::${c.config.statName}`);
    lines.push(`${n}::default_priority::max_connections::${cb.maxConnections}`);
    lines.push(`${n}::default_priority::max_pending_requests::${cb.maxPendingRequests}`);
    lines.push(`${n}::default_priority::max_requests::${cb.maxRequests}`);
    lines.push(`${n}::default_priority::max_retries::${cb.maxRetries}`);
    lines.push(`${n}::added_via_api::true`);
    for (const h of c.hosts()) {
      const p = `${n}::${h.key}`;
      lines.push(`${p}::cx_active::${h.activeConnections}`);
      lines.push(`${p}::rq_active::${h.activeRequests}`);
      lines.push(`${p}::rq_error::${h.requestsError}`);
      lines.push(`${p}::rq_total::${h.requestsTotal}`);
      lines.push(`${p}::hostname::${h.hostname ?? ''}`);
      lines.push(`${p}::health_flags::${h.healthFlags}`);
      lines.push(`${p}::weight::${h.weight}`);
      lines.push(`${p}::region::${h.locality.region}`);
      lines.push(`${p}::zone::${h.locality.zone}`);
      lines.push(`${p}::sub_zone::${h.locality.subZone}`);
      lines.push(`${p}::priority::${h.priority}`);
    }
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

export function clustersJson(server: ProxyServer): unknown {
  return {
    cluster_statuses: server.clusters.all().map((c) => ({
      name: c.name,
      observability_name: c.config.statName,
      added_via_api: true,
      circuit_breakers: {
        thresholds: [
          {
            priority: 'DEFAULT',
            max_connections: c.config.circuitBreakers.maxConnections,
            max_pending_requests: c.config.circuitBreakers.maxPendingRequests,
            max_requests: c.config.circuitBreakers.maxRequests,
            max_retries: c.config.circuitBreakers.maxRetries,
          },
        ],
      },
      host_statuses: c.hosts().map((h) => ({
        address: { socket_address: { address: h.address, port_value: h.port } },
        stats: [
          { name: 'cx_active', type: 'GAUGE', value: String(h.activeConnections) },
          { name: 'rq_active', type: 'GAUGE', value: String(h.activeRequests) },
          { name: 'rq_error', value: String(h.requestsError) },
          { name: 'rq_total', value: String(h.requestsTotal) },
        ],
        health_status: {
          eds_health_status: h.health,
          ...(h.ejected ? { failed_outlier_check: true } : {}),
        },
        weight: h.weight,
        hostname: h.hostname ?? '',
        locality: { region: h.locality.region, zone: h.locality.zone, sub_zone: h.locality.subZone },
        priority: h.priority,
      })),
    })),
  };
}
