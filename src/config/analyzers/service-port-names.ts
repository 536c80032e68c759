// IST0118: a Service port whose name (or appProtocol) names no protocol Istio knows. Istio then
// sniffs the protocol, which breaks server-first protocols and loses HTTP routing on some ports.
// Protocol selection follows Istio's ConvertProtocol: UDP ports are UDP; appProtocol wins over the
// name; a name is `<protocol>` or `<protocol>-<suffix>`; a few well-known ports default to TCP.
import type { Analyzer } from './context.js';
import { PortNameIsNotUnderNamingConvention } from './messages.js';
import { meshServices } from './registry.js';

const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
// SMTP, DNS, MySQL, MongoDB: sniffing would break these server-first protocols, so Istio treats them as TCP.
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);
// Kubernetes' standard appProtocol values (KEP-3726).
const KUBERNETES_APP_PROTOCOLS = new Set(['kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss']);

/** Whether Istio can tell this port's protocol without sniffing. */
export function portProtocolKnown(port: number, name: string | undefined, protocol: string | undefined, appProtocol: string | undefined): boolean {
  if (protocol?.toUpperCase() === 'UDP') return true;
  const label = (appProtocol ?? name ?? '').toLowerCase();
  if (appProtocol !== undefined && KUBERNETES_APP_PROTOCOLS.has(label)) return true;
  if (label.startsWith('grpc-web')) return true;
  const dash = label.indexOf('-');
  const prefix = dash >= 0 ? label.slice(0, dash) : label;
  return PROTOCOLS.has(prefix) || WELL_KNOWN_TCP_PORTS.has(port);
}

export const servicePortNamesAnalyzer: Analyzer = {
  name: 'service.PortNameAnalyzer',
  analyze(ctx) {
    for (const svc of meshServices(ctx)) {
      if (svc.kind !== 'Service') continue;
      const labels = svc.entry.labels;
      // Istio's own control-plane Services are exempt.
      if ('istio' in labels || labels.release === 'istio') continue;
      for (const p of svc.ports) {
        if (portProtocolKnown(p.number, p.name, p.protocol, p.appProtocol)) continue;
        // Kubernetes defaults targetPort to the port; show what the Service will really use.
        const target = String(p.targetPort ?? p.number);
        ctx.report(svc.entry, PortNameIsNotUnderNamingConvention, [p.name ?? '', p.number, target], ['spec', 'ports', p.index, 'port']);
      }
    }
  },
};
