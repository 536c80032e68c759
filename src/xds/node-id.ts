// Istio's Envoy node id, `sidecar~10.1.2.3~reviews-v1-abc.default~default.svc.cluster.local`
// (type~IP~POD.NAMESPACE~DNS domain): written by whoever starts a proxy, read by the control plane
// (which config applies) and by the proxy (who it is in metrics). Part of the xDS Node, so it lives
// with the xDS code both sides import.

export type ProxyType = 'sidecar' | 'router';

export class ProxyIdError extends Error {
  constructor(readonly nodeId: string, message: string) {
    super(`invalid proxy node id "${nodeId}": ${message}`);
    this.name = 'ProxyIdError';
  }
}

export interface ParsedNodeId {
  readonly type: ProxyType;
  readonly ip: string;
  readonly podName: string;
  readonly namespace: string;
  readonly dnsDomain: string;
}

export function parseNodeId(id: string): ParsedNodeId {
  const parts = id.split('~');
  if (parts.length !== 4) throw new ProxyIdError(id, 'expected type~IP~POD.NAMESPACE~DOMAIN (4 parts separated by "~")');
  const [type, ip, podNs, dnsDomain] = parts as [string, string, string, string];
  if (type !== 'sidecar' && type !== 'router') throw new ProxyIdError(id, `unknown proxy type "${type}": expected "sidecar" or "router"`);
  if (ip === '') throw new ProxyIdError(id, 'the IP address part is empty');
  const dot = podNs.lastIndexOf('.');
  if (dot <= 0 || dot === podNs.length - 1) throw new ProxyIdError(id, `expected POD.NAMESPACE in the third part, got "${podNs}"`);
  return { type, ip, podName: podNs.slice(0, dot), namespace: podNs.slice(dot + 1), dnsDomain };
}

export function nodeId(type: ProxyType, ip: string, podName: string, namespace: string, clusterDomain = 'cluster.local'): string {
  return `${type}~${ip}~${podName}.${namespace}~${namespace}.svc.${clusterDomain}`;
}
