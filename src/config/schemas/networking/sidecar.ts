// Sidecar: narrows what a workload's sidecar listens on (ingress) and which services it can reach
// (egress hosts as `namespace/host`), and its outbound traffic policy.
import { z } from 'zod';
import { port as portNumber } from '../common.js';
import { enumOf, issue, list, str, strict, uint32 } from './fields.js';
import { destination } from './destination.js';
import { fqdnProblem, isDns1123Label, isIpAddress, namespacedHostProblem, UNIX_ADDRESS_PREFIX, unixAddressProblem } from './hosts.js';
import { isTlsProtocol, parseProtocol, protocolProblem } from './protocol.js';
import { serverTlsSettings } from './tls-settings.js';
import { connectionPoolSettings } from './traffic-policy.js';
import { labelsSelector } from './workload-selector.js';

export const CAPTURE_MODES = ['DEFAULT', 'IPTABLES', 'NONE'] as const;

export const sidecarPort = strict({
  number: uint32.optional(),
  protocol: str.optional(),
  name: str.optional(),
  targetPort: uint32.optional(),
});
export type SidecarPort = z.infer<typeof sidecarPort>;

/** Port name, protocol and number, when the listener binds an IP address (not a unix socket). */
function checkIpPort(p: SidecarPort, bind: string | undefined, ctx: z.RefinementCtx): void {
  if (p.name && !isDns1123Label(p.name)) issue(ctx, ['port', 'name'], `invalid port name "${p.name}": expected a DNS label`);
  const problem = protocolProblem(p.protocol ?? '');
  if (problem) issue(ctx, ['port', 'protocol'], problem);
  const res = portNumber.safeParse(p.number ?? 0);
  if (!res.success) issue(ctx, ['port', 'number'], res.error.issues[0]!.message);
  if (p.targetPort) issue(ctx, ['port', 'targetPort'], 'targetPort has no effect on Sidecars: remove it');
  if (bind && !isIpAddress(bind)) issue(ctx, ['bind'], `bind "${bind}" must be an IP address`);
}

const DEFAULT_ENDPOINT_HOSTS = ['', '127.0.0.1', '0.0.0.0', '::1', '::'];

function defaultEndpointProblem(endpoint: string): string | undefined {
  if (endpoint.startsWith(UNIX_ADDRESS_PREFIX)) return unixAddressProblem(endpoint.slice(UNIX_ADDRESS_PREFIX.length));
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(endpoint);
  const host = m?.[1] ?? m?.[2];
  if (!m || !DEFAULT_ENDPOINT_HOSTS.includes(host!)) return 'defaultEndpoint must be 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port>, :<port> or unix:///path';
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 ? undefined : `defaultEndpoint port ${port} must be between 1 and 65535`;
}

export const istioIngressListener = strict({
  port: sidecarPort,
  bind: str.optional(),
  captureMode: enumOf(CAPTURE_MODES).optional(),
  defaultEndpoint: str.optional(),
  tls: serverTlsSettings.optional(),
  connectionPool: connectionPoolSettings.optional(),
}).superRefine((l, ctx) => {
  checkIpPort(l.port, l.bind, ctx);
  if (l.defaultEndpoint) {
    const problem = defaultEndpointProblem(l.defaultEndpoint);
    if (problem) issue(ctx, ['defaultEndpoint'], problem);
  }
  if (l.tls) {
    const unsupported = { subjectAltNames: 'subjectAltNames', httpsRedirect: 'httpsRedirect', credentialName: 'credentialName', credentialNames: 'credentialNames', tlsCertificates: 'tlsCertificates' } as const;
    for (const field of Object.keys(unsupported) as (keyof typeof unsupported)[]) {
      const v = l.tls[field];
      if (v !== undefined && v !== false && v !== '' && !(Array.isArray(v) && v.length === 0)) issue(ctx, ['tls', field], `${field} is not supported in Sidecar ingress tls`);
    }
    if (l.tls.mode === 'ISTIO_MUTUAL' || l.tls.mode === 'AUTO_PASSTHROUGH') issue(ctx, ['tls', 'mode'], `mode ${l.tls.mode} cannot be used in Sidecar ingress tls`);
    if (!isTlsProtocol(parseProtocol(l.port.protocol ?? ''))) issue(ctx, ['tls'], 'tls settings need a port with protocol HTTPS or TLS');
  }
});
export type IstioIngressListener = z.infer<typeof istioIngressListener>;

export const istioEgressListener = strict({
  port: sidecarPort.optional(),
  bind: str.optional(),
  captureMode: enumOf(CAPTURE_MODES).optional(),
  hosts: list(str),
}).superRefine((l, ctx) => {
  if (l.port) {
    if (!l.port.number) {
      // Port 0 means the listener is a unix domain socket named by bind.
      if (l.port.name && !isDns1123Label(l.port.name)) issue(ctx, ['port', 'name'], `invalid port name "${l.port.name}": expected a DNS label`);
      const problem = protocolProblem(l.port.protocol ?? '');
      if (problem) issue(ctx, ['port', 'protocol'], problem);
      if (!l.bind?.startsWith(UNIX_ADDRESS_PREFIX)) issue(ctx, ['bind'], 'an egress listener with port 0 must bind a unix domain socket (unix:///path)');
      else {
        const uds = unixAddressProblem(l.bind.slice(UNIX_ADDRESS_PREFIX.length));
        if (uds) issue(ctx, ['bind'], uds);
      }
      if (l.captureMode && l.captureMode !== 'DEFAULT' && l.captureMode !== 'NONE') issue(ctx, ['captureMode'], 'captureMode must be DEFAULT or NONE for a unix domain socket listener');
    } else {
      checkIpPort(l.port, l.bind, ctx);
    }
  }
  if (l.hosts.length === 0) issue(ctx, ['hosts'], 'an egress listener needs at least one host, e.g. "./*" or "istio-system/*"');
  l.hosts.forEach((h, i) => {
    const problem = namespacedHostProblem(h, 'sidecar');
    if (problem) issue(ctx, ['hosts', i], problem);
  });
});
export type IstioEgressListener = z.infer<typeof istioEgressListener>;

export const outboundTrafficPolicy = strict({
  mode: enumOf(['REGISTRY_ONLY', 'ALLOW_ANY']).optional(),
  egressProxy: destination.optional(),
}).superRefine((p, ctx) => {
  if (!p.egressProxy) return;
  if (p.mode !== 'ALLOW_ANY') issue(ctx, ['egressProxy'], 'egressProxy needs mode ALLOW_ANY');
  const problem = fqdnProblem(p.egressProxy.host);
  if (problem) issue(ctx, ['egressProxy', 'host'], problem);
  if (!p.egressProxy.port) issue(ctx, ['egressProxy', 'port'], 'egressProxy needs a port');
});
export type OutboundTrafficPolicy = z.infer<typeof outboundTrafficPolicy>;

export const sidecarSpec = strict({
  workloadSelector: labelsSelector.optional(),
  ingress: list(istioIngressListener).optional(),
  egress: list(istioEgressListener).optional(),
  inboundConnectionPool: connectionPoolSettings.optional(),
  outboundTrafficPolicy: outboundTrafficPolicy.optional(),
}).superRefine((s, ctx) => {
  if (!s.ingress?.length && !s.egress?.length && !s.outboundTrafficPolicy && !s.inboundConnectionPool) {
    issue(ctx, [], 'a Sidecar needs at least one of ingress, egress, outboundTrafficPolicy or inboundConnectionPool');
  }
  const ingressPorts = new Set<number>();
  (s.ingress ?? []).forEach((l, i) => {
    const n = l.port.number ?? 0;
    if (ingressPorts.has(n)) issue(ctx, ['ingress', i, 'port', 'number'], `port ${n} is already used by another ingress listener`);
    ingressPorts.add(n);
  });
  const egress = s.egress ?? [];
  const egressPorts = new Set<number>();
  const sockets = new Set<string>();
  egress.forEach((l, i) => {
    if (!l.port) {
      // The catch-all listener (no port) must be the single, last one.
      if (i !== egress.length - 1) issue(ctx, ['egress', i, 'port'], 'only the last egress listener may leave out the port (it catches all other traffic)');
      return;
    }
    if (!l.port.number) {
      if (l.bind && sockets.has(l.bind)) issue(ctx, ['egress', i, 'bind'], `unix socket ${l.bind} is already used by another egress listener`);
      if (l.bind) sockets.add(l.bind);
    } else {
      if (egressPorts.has(l.port.number)) issue(ctx, ['egress', i, 'port', 'number'], `port ${l.port.number} is already used by another egress listener`);
      egressPorts.add(l.port.number);
    }
  });
});
export type SidecarSpec = z.infer<typeof sidecarSpec>;

export const sidecarBody = strict({ spec: sidecarSpec, status: z.unknown().optional() });
