// Static Envoy v3 bootstrap JSON for the Skiff proxy under benchmark: listeners, an inline route
// configuration and STATIC clusters, shaped and named as Istio's sidecars get them over xDS
// (outbound|80||host clusters, Istio's default retry policy, a virtual host per service with its
// short names), with a file access log and the admin server (stats) on.

const HCM_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const FILE_LOG_TYPE = 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog';

export const BENCH_NAMESPACE = 'bench';
export const UPSTREAM_HOST = `upstream.${BENCH_NAMESPACE}.svc.cluster.local`;

const socketAddress = (address, port) => ({ socket_address: { address, port_value: port } });

/** Istio's default retry policy for outbound HTTP routes. */
const ISTIO_RETRY_POLICY = {
  retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
  num_retries: 2,
  retriable_status_codes: [503],
  host_selection_retry_max_attempts: '5',
  retry_host_predicate: [{
    name: 'envoy.retry_host_predicates.previous_hosts',
    typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' },
  }],
};

/** A STATIC cluster with the given endpoints, with Istio's outbound cluster settings. */
export function staticCluster(name, endpoints) {
  return {
    name,
    type: 'STATIC',
    connect_timeout: '10s',
    lb_policy: 'LEAST_REQUEST',
    circuit_breakers: {
      thresholds: [{ max_connections: 4294967295, max_pending_requests: 4294967295, max_requests: 4294967295, max_retries: 4294967295 }],
    },
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: endpoints.map(([address, port]) => ({ endpoint: { address: socketAddress(address, port) } })) }],
    },
  };
}

/** The names a sidecar in `namespace` reaches `service` by, as Istio's virtual hosts list them. */
function serviceDomains(service, namespace, port) {
  const names = [`${service}.${namespace}.svc.cluster.local`, service, `${service}.${namespace}`, `${service}.${namespace}.svc`];
  return names.flatMap((n) => [n, `${n}:${port}`]);
}

/** A virtual host routing everything to one cluster; outbound routes carry Istio's default retries. */
export function virtualHost(name, domains, cluster, { outbound = true } = {}) {
  const route = outbound ? { cluster, timeout: '0s', retry_policy: ISTIO_RETRY_POLICY, max_stream_duration: { max_stream_duration: '0s', grpc_timeout_header_max: '0s' } } : { cluster, timeout: '0s', max_stream_duration: { max_stream_duration: '0s', grpc_timeout_header_max: '0s' } };
  return { name, domains, routes: [{ name: 'default', match: { prefix: '/' }, route }] };
}

/** An HTTP listener: HCM with an inline route configuration, the router, and a file access log. */
export function httpListener({ name, port, direction, routeConfig, accessLogPath, statPrefix }) {
  return {
    name,
    address: socketAddress('127.0.0.1', port),
    traffic_direction: direction,
    filter_chains: [{
      filters: [{
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: {
          '@type': HCM_TYPE,
          stat_prefix: statPrefix,
          codec_type: 'AUTO',
          route_config: routeConfig,
          http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER_TYPE } }],
          access_log: [{ name: 'envoy.access_loggers.file', typed_config: { '@type': FILE_LOG_TYPE, path: accessLogPath } }],
        },
      }],
    }],
  };
}

/** A whole bootstrap: node identity, admin server, and the static resources. */
export function bootstrap({ pod, adminPort, listeners, clusters }) {
  return {
    node: {
      id: `sidecar~127.0.0.1~${pod}.${BENCH_NAMESPACE}~${BENCH_NAMESPACE}.svc.cluster.local`,
      cluster: `${pod}.${BENCH_NAMESPACE}`,
      metadata: { NAMESPACE: BENCH_NAMESPACE, LABELS: { app: pod } },
    },
    admin: { address: socketAddress('127.0.0.1', adminPort) },
    static_resources: { listeners, clusters },
  };
}

/**
 * A client-side sidecar with one outbound listener on `port` whose catch-all virtual host sends
 * everything to `outbound|80||upstream…` at `target`, plus `extraServices` more services (each a
 * cluster and a virtual host), for the 1,000-services memory figure.
 */
export function outboundSidecar({ pod, port, adminPort, target, accessLogPath, extraServices = 0, extraEndpoint = target }) {
  const upstreamCluster = `outbound|80||${UPSTREAM_HOST}`;
  const clusters = [staticCluster(upstreamCluster, [target])];
  const virtualHosts = [];
  for (let i = 0; i < extraServices; i++) {
    const service = `svc-${i}`;
    const cluster = `outbound|80||${service}.${BENCH_NAMESPACE}.svc.cluster.local`;
    clusters.push(staticCluster(cluster, [extraEndpoint]));
    virtualHosts.push(virtualHost(`${service}.${BENCH_NAMESPACE}.svc.cluster.local:80`, serviceDomains(service, BENCH_NAMESPACE, 80), cluster));
  }
  // The load generators address the sidecar as 127.0.0.1:port; the catch-all host takes that.
  virtualHosts.push(virtualHost(`${UPSTREAM_HOST}:80`, [...serviceDomains('upstream', BENCH_NAMESPACE, 80), '*'], upstreamCluster));
  const listener = httpListener({
    name: `127.0.0.1_${port}`,
    port,
    direction: 'OUTBOUND',
    routeConfig: { name: '80', virtual_hosts: virtualHosts, validate_clusters: false },
    accessLogPath,
    statPrefix: `outbound_127.0.0.1_${port}`,
  });
  return bootstrap({ pod, adminPort, listeners: [listener], clusters });
}

/** A server-side sidecar: an inbound listener on `port` in front of the app at `app`. */
export function inboundSidecar({ pod, port, adminPort, app, accessLogPath }) {
  const cluster = 'inbound|80||';
  const listener = httpListener({
    name: `127.0.0.1_${port}`,
    port,
    direction: 'INBOUND',
    routeConfig: { name: 'inbound|80||', virtual_hosts: [virtualHost('inbound|http|80', ['*'], cluster, { outbound: false })], validate_clusters: false },
    accessLogPath,
    statPrefix: 'inbound_0.0.0.0_80',
  });
  return bootstrap({ pod, adminPort, listeners: [listener], clusters: [staticCluster(cluster, [app])] });
}
