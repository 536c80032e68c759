// A sidecar's inbound side (Istio's listener_inbound.go): for every port its workload serves,
// filter chains that accept Istio mTLS and/or plaintext as PeerAuthentication says, then hand
// HTTP to the local app through `inbound|<port>||` (an inline route) or proxy TCP to it.
// With capture (REDIRECT) the chains live in `virtualInbound` and match on the original
// destination port; without capture (Skiff's local runtime) each port gets its own listener on
// the address and port the runtime gave the workload.
import type { MtlsMode } from '../model/policies.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { isHttpOrSniffed } from '../registry/protocol.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { socketAddress, typed, type Json } from './envoy-common.js';
import { inboundMtlsTransportSocket } from './downstream-tls.js';
import { httpConnectionManager, tcpProxy } from './http-connection-manager.js';
import { inboundPorts, type InboundPort } from './inbound-ports.js';
import { BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, VIRTUAL_INBOUND_LISTENER, inboundClusterName, listenerName } from './names.js';

/** ALPN values a client sidecar sends over Istio mTLS. */
const ISTIO_MTLS_ALPNS = ['istio', 'istio-peer-exchange', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2'];

function inboundRouteConfig(port: InboundPort): Json {
  const cluster = inboundClusterName(port.targetPort);
  const first = port.services[0]!;
  return {
    name: cluster,
    virtual_hosts: [{
      name: `inbound|http|${port.targetPort}`,
      domains: ['*'],
      routes: [{
        name: 'default',
        match: { prefix: '/' },
        route: {
          cluster,
          timeout: '0s',
          // A request reset before it reached the app was never processed: safe to retry.
          retry_policy: { retry_on: 'reset-before-request', num_retries: 2 },
          max_stream_duration: { max_stream_duration: '0s', grpc_timeout_header_max: '0s' },
        },
        decorator: { operation: `${first.service.hostname}:${first.port.port}/*` },
      }],
    }],
    validate_clusters: false,
  };
}

interface ChainOption {
  readonly tls: boolean;
  readonly transportProtocol: 'tls' | 'raw_buffer';
  readonly alpn?: readonly string[];
}

/**
 * Istio's filter chain match options by mTLS mode (filterchain_options.go). A workload whose
 * sidecar does not declare Istio mTLS (`tlsMode`) accepts plaintext only, unless STRICT demands mTLS.
 */
function chainOptions(mode: MtlsMode, http: boolean, acceptsMtls: boolean): ChainOption[] {
  if (mode === 'STRICT') return [{ tls: true, transportProtocol: 'tls' }];
  if (mode === 'DISABLE' || !acceptsMtls) return [{ tls: false, transportProtocol: 'raw_buffer' }];
  if (http) return [{ tls: true, transportProtocol: 'tls', alpn: ISTIO_MTLS_ALPNS }, { tls: false, transportProtocol: 'raw_buffer' }];
  return [
    { tls: true, transportProtocol: 'tls', alpn: ISTIO_MTLS_ALPNS },
    // TLS that is not Istio's (the app's own HTTPS) passes through untouched.
    { tls: false, transportProtocol: 'tls' },
    { tls: false, transportProtocol: 'raw_buffer' },
  ];
}

function portChains(proxy: Proxy, push: PushContext, port: InboundPort, matchDestinationPort: boolean): Json[] {
  const http = isHttpOrSniffed(port.protocol);
  const mode = push.policies.mtlsMode(proxy.namespace, proxy.labels, port.targetPort);
  const name = listenerName('0.0.0.0', port.targetPort);
  return chainOptions(mode, http, proxy.workload?.tlsMode === 'istio').map((opt) => {
    const match: Json = {};
    if (matchDestinationPort) match.destination_port = port.targetPort;
    match.transport_protocol = opt.transportProtocol;
    if (opt.alpn) match.application_protocols = [...opt.alpn];
    const filters = http
      ? [httpConnectionManager({ statPrefix: `inbound_${name}`, listenerClass: 'sidecar-inbound', routeConfig: inboundRouteConfig(port) })]
      : [tcpProxy(inboundClusterName(port.targetPort), { cluster: inboundClusterName(port.targetPort) })];
    const chain: Json = { filter_chain_match: match, filters };
    if (opt.tls) chain.transport_socket = inboundMtlsTransportSocket(http);
    chain.name = name;
    return chain;
  });
}

function listenerFilters(): Json[] {
  return [
    { name: 'envoy.filters.listener.tls_inspector', typed_config: typed(TYPE_URL.TLS_INSPECTOR) },
  ];
}

/** `virtualInbound`: the capture listener holding every inbound port's chains. */
function virtualInbound(proxy: Proxy, push: PushContext): Json {
  const chains: Json[] = [
    // Traffic addressed to the capture port itself would loop.
    { filter_chain_match: { destination_port: push.mesh.proxyInboundListenPort }, filters: [tcpProxy(BLACKHOLE_CLUSTER, { cluster: BLACKHOLE_CLUSTER })], name: `${VIRTUAL_INBOUND_LISTENER}-blackhole` },
    ...inboundPorts(proxy, push).flatMap((p) => portChains(proxy, push, p, true)),
    // Ports no service declares still reach the app, as plain TCP.
    { filters: [tcpProxy(INBOUND_PASSTHROUGH_CLUSTER, { cluster: INBOUND_PASSTHROUGH_CLUSTER })], name: VIRTUAL_INBOUND_LISTENER },
  ];
  return {
    name: VIRTUAL_INBOUND_LISTENER,
    address: socketAddress('0.0.0.0', push.mesh.proxyInboundListenPort),
    filter_chains: chains,
    listener_filters: [{ name: 'envoy.filters.listener.original_dst', typed_config: typed(TYPE_URL.ORIGINAL_DST) }, ...listenerFilters()],
    traffic_direction: 'INBOUND',
    continue_on_listener_filters_timeout: true,
  };
}

/** Without capture: one bound listener per inbound port, at the workload's endpoint address. */
function boundInboundListeners(proxy: Proxy, push: PushContext): Json[] {
  const workload = proxy.workload!;
  return inboundPorts(proxy, push).map((p) => {
    const endpointPort = workload.ports.find((wp) => wp.port === p.targetPort)?.endpointPort ?? p.targetPort;
    return {
      name: listenerName(workload.address, endpointPort),
      address: socketAddress(workload.address, endpointPort),
      filter_chains: portChains(proxy, push, p, false),
      listener_filters: listenerFilters(),
      traffic_direction: 'INBOUND',
      continue_on_listener_filters_timeout: true,
    };
  });
}

export function sidecarInboundListeners(proxy: Proxy, push: PushContext): Json[] {
  if (proxy.metadata.interceptionMode === 'NONE') return proxy.workload ? boundInboundListeners(proxy, push) : [];
  return [virtualInbound(proxy, push)];
}
