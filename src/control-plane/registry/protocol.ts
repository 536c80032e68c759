// Which protocol a service port speaks, by Istio's rules (pkg/config/protocol and
// pkg/config/kube/conversion.go): `appProtocol` wins over the port name, a name counts by its
// prefix before the first `-`, and an unrecognised name leaves the port to protocol sniffing.

export type Protocol =
  | 'HTTP' | 'HTTP2' | 'HTTPS' | 'HTTP_PROXY' | 'GRPC' | 'GRPC-Web'
  | 'TCP' | 'TLS' | 'UDP' | 'Mongo' | 'MySQL' | 'Redis'
  /** Istio's "auto": no declared protocol, so the proxy sniffs it. */
  | 'Unsupported';

const BY_NAME: Record<string, Protocol> = {
  tcp: 'TCP', udp: 'UDP', grpc: 'GRPC', 'grpc-web': 'GRPC-Web', http: 'HTTP', http_proxy: 'HTTP_PROXY',
  http2: 'HTTP2', https: 'HTTPS', tls: 'TLS', mongo: 'Mongo', redis: 'Redis', mysql: 'MySQL',
};

// Ports whose protocol Istio takes as TCP when the name says nothing (SMTP, DNS, MySQL, MongoDB).
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);

/** Istio's protocol.Parse: a protocol name, case-insensitive. */
export function parseProtocol(name: string | undefined): Protocol {
  return (name && BY_NAME[name.toLowerCase()]) || 'Unsupported';
}

/** The protocol of a Kubernetes Service port, from `appProtocol`, else from the port name. */
export function kubePortProtocol(port: number, portName: string | undefined, l4: string | undefined, appProtocol: string | undefined): Protocol {
  if (l4 === 'UDP') return 'UDP';
  let name = portName ?? '';
  if (appProtocol !== undefined) {
    // Kubernetes' own standard appProtocol names.
    if (appProtocol === 'kubernetes.io/h2c') return 'HTTP2';
    if (appProtocol === 'kubernetes.io/ws') return 'HTTP';
    if (appProtocol === 'kubernetes.io/wss') return 'HTTPS';
    name = appProtocol;
  }
  // `grpc-web` contains the separator, so it is checked before the prefix is cut.
  if (name.toLowerCase().startsWith('grpc-web')) return 'GRPC-Web';
  const dash = name.indexOf('-');
  const p = parseProtocol(dash >= 0 ? name.slice(0, dash) : name);
  if (p === 'Unsupported' && WELL_KNOWN_TCP_PORTS.has(port)) return 'TCP';
  return p;
}

/** HTTP family: the listener runs an HTTP connection manager and routes by RDS. */
export function isHttpProtocol(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
}

/** Ports whose upstream connections speak HTTP/2. */
export function isHttp2Protocol(p: Protocol): boolean {
  return p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-Web';
}

/**
 * Istio sniffs "auto" ports; Skiff's local runtime has no protocol sniffing on outbound traffic
 * (apps reach the sidecar as an HTTP proxy), so an auto port is served as HTTP.
 */
export function isHttpOrSniffed(p: Protocol): boolean {
  return isHttpProtocol(p) || p === 'Unsupported';
}

export function isTlsProtocol(p: Protocol): boolean {
  return p === 'HTTPS' || p === 'TLS';
}
