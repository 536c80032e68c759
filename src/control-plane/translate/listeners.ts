// LDS: a proxy's listeners. Sidecars: outbound listeners per service port, the explicit HTTP
// proxy listener when configured, the capture listeners (`virtualOutbound`, `virtualInbound`) or,
// without capture, one bound inbound listener per port. Gateways: a listener per server port.
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { socketAddress, type Json } from './envoy-common.js';
import { httpConnectionManager, tcpProxy } from './http-connection-manager.js';
import { gatewayListeners } from './listeners-gateway.js';
import { sidecarInboundListeners } from './listeners-inbound.js';
import { sidecarOutboundListeners } from './listeners-outbound.js';
import { BLACKHOLE_CLUSTER, HTTP_PROXY_ROUTE, PASSTHROUGH_CLUSTER, VIRTUAL_OUTBOUND_LISTENER, listenerName } from './names.js';
import type { TranslationProblem } from './route-policies.js';
import { httpProxyPort } from './routes.js';
import { withAccessLogs } from './access-log.js';

/** `virtualOutbound`: captured traffic to unknown destinations goes to Passthrough or BlackHole. */
function virtualOutbound(push: PushContext): Json {
  const catchAll = push.mesh.outboundTrafficPolicy.mode === 'REGISTRY_ONLY' ? BLACKHOLE_CLUSTER : PASSTHROUGH_CLUSTER;
  return {
    name: VIRTUAL_OUTBOUND_LISTENER,
    address: socketAddress('0.0.0.0', push.mesh.proxyListenPort),
    filter_chains: [
      { filter_chain_match: { destination_port: push.mesh.proxyListenPort }, filters: [tcpProxy(BLACKHOLE_CLUSTER, { cluster: BLACKHOLE_CLUSTER })], name: `${VIRTUAL_OUTBOUND_LISTENER}-blackhole` },
      { filters: [tcpProxy(catchAll, { cluster: catchAll })], name: `${VIRTUAL_OUTBOUND_LISTENER}-catchall-tcp` },
    ],
    use_original_dst: true,
    traffic_direction: 'OUTBOUND',
  };
}

/** The sidecar's explicit HTTP proxy (apps' HTTP_PROXY), routing by RDS `http_proxy`. */
function httpProxyListener(port: number): Json {
  const name = listenerName('127.0.0.1', port);
  return {
    name,
    address: socketAddress('127.0.0.1', port),
    filter_chains: [{ filters: [httpConnectionManager({ statPrefix: `outbound_${name}`, listenerClass: 'http-proxy', rds: HTTP_PROXY_ROUTE })] }],
    traffic_direction: 'OUTBOUND',
  };
}

/** The proxy's listeners (LDS). Problems with individual config are added to `problems`. */
export function buildListeners(proxy: Proxy, push: PushContext, problems: TranslationProblem[] = []): Json[] {
  return withAccessLogs(proxyListeners(proxy, push, problems), push.mesh);
}

function proxyListeners(proxy: Proxy, push: PushContext, problems: TranslationProblem[]): Json[] {
  if (proxy.type === 'router') return gatewayListeners(proxy, push, problems);
  const listeners = sidecarOutboundListeners(proxy, push, problems);
  const proxyPort = httpProxyPort(proxy, push);
  if (proxyPort) listeners.push(httpProxyListener(proxyPort));
  if (proxy.metadata.interceptionMode !== 'NONE') listeners.push(virtualOutbound(push));
  listeners.push(...sidecarInboundListeners(proxy, push));
  return listeners;
}
