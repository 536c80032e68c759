// Port protocols as Istio names them (pkg/config/protocol): parsed case-insensitively, from a
// port's `protocol` field or the prefix of its name (`http-web`, `grpc`).

export type Protocol = 'GRPC' | 'GRPC-Web' | 'HTTP' | 'HTTP_PROXY' | 'HTTP2' | 'HTTPS' | 'TCP' | 'TLS' | 'UDP' | 'Mongo' | 'Redis' | 'MySQL';

const BY_NAME: Record<string, Protocol> = {
  grpc: 'GRPC', 'grpc-web': 'GRPC-Web', http: 'HTTP', http_proxy: 'HTTP_PROXY', http2: 'HTTP2', https: 'HTTPS',
  tcp: 'TCP', tls: 'TLS', udp: 'UDP', mongo: 'Mongo', redis: 'Redis', mysql: 'MySQL',
};

export const SUPPORTED_PROTOCOLS = 'HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL, UDP, HTTP_PROXY';

/** The protocol a name stands for, or undefined when Istio does not know it. */
export function parseProtocol(name: string): Protocol | undefined {
  return BY_NAME[name.toLowerCase()];
}

export function isHttpProtocol(p: Protocol | undefined): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
}

export function isTlsProtocol(p: Protocol | undefined): boolean {
  return p === 'HTTPS' || p === 'TLS';
}

export function isTcpProtocol(p: Protocol | undefined): boolean {
  return p === 'TCP' || p === 'HTTPS' || p === 'TLS' || p === 'Mongo' || p === 'Redis' || p === 'MySQL';
}

/** An empty protocol is allowed where Istio sniffs it (ServiceEntry, Sidecar ports). */
export function protocolProblem(name: string): string | undefined {
  if (name === '' || parseProtocol(name)) return undefined;
  return `unknown protocol "${name}": expected one of ${SUPPORTED_PROTOCOLS}`;
}
