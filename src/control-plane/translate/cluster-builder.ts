// CDS: the clusters a proxy needs (Istio's cluster.go / cluster_builder.go). Sidecars get one
// outbound cluster per visible service port plus one per DestinationRule subset, the inbound
// clusters of their own workload, and BlackHole/Passthrough clusters; gateways get the outbound
// clusters and BlackHoleCluster.
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../model/proxy.js';
import { configPath } from '../model/config-meta.js';
import type { ConsolidatedDestRule } from '../model/destination-rules.js';
import { isHttp2Protocol } from '../registry/protocol.js';
import type { Service, ServicePort } from '../registry/service.js';
import { adsConfigSource, protoDuration, socketAddress, type Json } from './envoy-common.js';
import { applyConnectionPool, applyHttpProtocolOptions, applyLoadBalancer, applyOutlierDetection, type HttpProtocolOptions } from './cluster-traffic-policy.js';
import { applyUpstreamTls } from './cluster-tls.js';
import { localityLbEndpoints } from './endpoint-builder.js';
import { inboundPorts } from './inbound-ports.js';
import { BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, PASSTHROUGH_CLUSTER, clusterName, inboundClusterName, mtlsSni } from './names.js';
import { effectiveTrafficPolicy, portTrafficPolicy } from './traffic-policy.js';

function discoveryType(service: Service): string {
  switch (service.resolution) {
    case 'DNSLB': return 'STRICT_DNS';
    case 'DNSRoundRobinLB': return 'LOGICAL_DNS';
    case 'Passthrough': return 'ORIGINAL_DST';
    default: return 'EDS';
  }
}

function serviceAccounts(push: PushContext, service: Service, port: number): string[] {
  const out = new Set<string>(service.subjectAltNames);
  for (const ep of push.registry.endpoints(service, port)) {
    if (ep.workload.kind === 'ServiceEntry') continue;
    out.add(`spiffe://${push.mesh.trustDomain}/ns/${ep.workload.namespace}/sa/${ep.workload.serviceAccount ?? 'default'}`);
  }
  return [...out].sort();
}

interface OutboundClusterInput {
  readonly proxy: Proxy;
  readonly push: PushContext;
  readonly service: Service;
  readonly port: ServicePort;
  readonly dr: ConsolidatedDestRule | undefined;
  readonly subset?: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
}

function buildOutboundCluster(input: OutboundClusterInput): Json | undefined {
  const { proxy, push, service, port, dr, subset } = input;
  const name = clusterName('outbound', subset?.name, service.hostname, port.port);
  const type = discoveryType(service);
  const policy = effectiveTrafficPolicy(dr?.spec, subset?.name, port.port);
  const cluster: Json = { name, type };
  if (type === 'EDS') cluster.eds_cluster_config = { eds_config: adsConfigSource(), service_name: name };
  cluster.common_lb_config = {};
  let localityWeighted = false;
  if (type === 'STRICT_DNS' || type === 'LOGICAL_DNS') {
    const { endpoints, localityWeighted: weighted } = localityLbEndpoints(push, proxy, service, port.port, subset?.labels, policy);
    // Istio drops a DNS cluster that has nothing to resolve.
    if (endpoints.length === 0) return undefined;
    localityWeighted = weighted;
    cluster.dns_lookup_family = 'V4_ONLY';
    cluster.dns_refresh_rate = '60s';
    cluster.respect_dns_ttl = true;
    cluster.load_assignment = { cluster_name: name, endpoints };
  }
  const options: HttpProtocolOptions = {};
  const http2 = isHttp2Protocol(port.protocol) || policy?.connectionPool?.http?.h2UpgradePolicy === 'UPGRADE';
  if (http2 && policy?.connectionPool?.http?.h2UpgradePolicy !== 'DO_NOT_UPGRADE') options.http2 = true;
  // An undeclared port is sniffed, so the upstream speaks whatever the client spoke.
  if (port.protocol === 'Unsupported' && proxy.type === 'sidecar') options.useDownstream = true;
  applyConnectionPool(cluster, policy?.connectionPool, push.mesh.connectTimeout, options);
  applyOutlierDetection(cluster, policy?.outlierDetection);
  if (type === 'ORIGINAL_DST') cluster.lb_policy = 'CLUSTER_PROVIDED';
  else applyLoadBalancer(cluster, policy?.loadBalancer);
  if (localityWeighted) (cluster.common_lb_config as Json).locality_weighted_lb_config = {};
  applyUpstreamTls(cluster, {
    tls: policy?.tls,
    serviceAccounts: serviceAccounts(push, service, port.port),
    sni: mtlsSni(subset?.name, service.hostname, port.port),
    autoMtls: push.mesh.enableAutoMtls,
    meshExternal: service.meshExternal,
    serviceMtlsDisabled: push.policies.mtlsMode(service.namespace, {}, port.port) === 'DISABLE',
    http2: !!options.http2,
    gateway: proxy.type === 'router',
    originalDst: cluster.type === 'ORIGINAL_DST',
    anyIstioEndpoint: push.registry.endpoints(service, port.port).some((ep) => ep.workload.tlsMode === 'istio'),
  }, options);
  applyHttpProtocolOptions(cluster, options);
  const istio: Json = {
    services: [{ host: service.hostname, name: service.name, namespace: service.namespace }],
    default_original_port: port.port,
  };
  if (dr) istio.config = configPath(dr.meta);
  if (subset) istio.subset = subset.name;
  cluster.metadata = { filter_metadata: { istio } };
  return cluster;
}

function outboundClusters(proxy: Proxy, push: PushContext): Json[] {
  const out: Json[] = [];
  for (const service of push.servicesFor(proxy.namespace)) {
    const dr = push.destinationRule(proxy, service.hostname, service.namespace);
    for (const port of service.ports) {
      if (port.protocol === 'UDP') continue;
      const base = buildOutboundCluster({ proxy, push, service, port, dr });
      if (base) out.push(base);
      for (const subset of dr?.spec.subsets ?? []) {
        const c = buildOutboundCluster({ proxy, push, service, port, dr, subset });
        if (c) out.push(c);
      }
    }
  }
  return out;
}

function blackHoleCluster(push: PushContext): Json {
  return { name: BLACKHOLE_CLUSTER, type: 'STATIC', connect_timeout: protoDuration(push.mesh.connectTimeout) };
}

function passthroughCluster(push: PushContext, name: string): Json {
  const cluster: Json = {
    name,
    type: 'ORIGINAL_DST',
    connect_timeout: protoDuration(push.mesh.connectTimeout),
    lb_policy: 'CLUSTER_PROVIDED',
  };
  applyConnectionPool(cluster, undefined, push.mesh.connectTimeout, {});
  applyHttpProtocolOptions(cluster, { useDownstream: true });
  return cluster;
}

function inboundClusters(proxy: Proxy, push: PushContext): Json[] {
  return inboundPorts(proxy, push).map((p) => {
    const name = inboundClusterName(p.targetPort);
    const cluster: Json = {
      name,
      type: 'STATIC',
      common_lb_config: {},
      load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress('127.0.0.1', p.appPort) } }] }] },
    };
    // Connection pool limits set on the server side too, so the receiver can take the traffic
    // the DestinationRule lets clients send.
    const first = p.services[0]!;
    const dr = push.destinationRule(proxy, first.service.hostname, first.service.namespace);
    const options: HttpProtocolOptions = {};
    if (isHttp2Protocol(p.protocol)) options.http2 = true;
    applyConnectionPool(cluster, portTrafficPolicy(dr?.spec.trafficPolicy, first.port.port)?.connectionPool, push.mesh.connectTimeout, options);
    applyHttpProtocolOptions(cluster, options);
    const istio: Json = { services: p.services.map(({ service }) => ({ host: service.hostname, name: service.name, namespace: service.namespace })) };
    if (dr?.spec.trafficPolicy) istio.config = configPath(dr.meta);
    cluster.metadata = { filter_metadata: { istio } };
    return cluster;
  });
}

/** The proxy's clusters (CDS), in Istio's order. */
export function buildClusters(proxy: Proxy, push: PushContext): Json[] {
  const clusters = [...outboundClusters(proxy, push), blackHoleCluster(push)];
  if (proxy.type === 'sidecar') {
    clusters.push(passthroughCluster(push, PASSTHROUGH_CLUSTER));
    clusters.push(...inboundClusters(proxy, push));
    const inboundPassthrough = passthroughCluster(push, INBOUND_PASSTHROUGH_CLUSTER);
    // Istio binds to 127.0.0.6 so that its own forwarded traffic is not captured again.
    inboundPassthrough.upstream_bind_config = { source_address: { address: '127.0.0.6', port_value: 0 } };
    clusters.push(inboundPassthrough);
  }
  // Two services can produce the same cluster name (a hostname declared twice); the first wins.
  const seen = new Set<string>();
  return clusters.filter((c) => !seen.has(c.name as string) && !!seen.add(c.name as string));
}

