// The Host header values a sidecar's virtual host answers for a service (Istio's
// generateVirtualHostDomains): the FQDN, the short forms that resolve from the proxy's namespace
// (`reviews`, `reviews.default`, `reviews.default.svc`), the VIPs, each with and without the port.
import type { Service } from '../registry/service.js';
import { domainName } from './names.js';

function withPort(host: string, port: number | undefined): string[] {
  const bare = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? [bare] : [bare, domainName(host, port)];
}

/**
 * Short forms of a Kubernetes service name from a proxy whose DNS domain is
 * `<ns>.svc.<cluster domain>`: `name` only from the same namespace, `name.ns` and `name.ns.svc`
 * from any.
 */
function kubeAltHosts(hostname: string, port: number | undefined, proxyDomain: string): string[] {
  const svcAt = proxyDomain.indexOf('.svc.');
  if (svcAt < 0) return [];
  const proxyNamespace = proxyDomain.slice(0, svcAt);
  const clusterSuffix = proxyDomain.slice(svcAt);
  if (!hostname.endsWith(clusterSuffix)) return [];
  const ih = hostname.indexOf('.svc.');
  const ns = hostname.indexOf('.');
  if (ih <= 0 || ns + 1 >= hostname.length || ns + 1 > ih) return [];
  const name = hostname.slice(0, ns);
  const nameNs = hostname.slice(0, ih);
  if (hostname.slice(ns + 1, ih) === proxyNamespace) {
    return [...withPort(name, port), ...withPort(`${nameNs}.svc`, port), ...withPort(nameNs, port)];
  }
  return [...withPort(nameNs, port), ...withPort(`${nameNs}.svc`, port)];
}

/** Domains for `service` reached on `port` from a proxy in DNS domain `proxyDomain`. */
export function virtualHostDomains(service: Service, port: number | undefined, proxyDomain: string): { domains: string[]; altHosts: string[] } {
  const altHosts = kubeAltHosts(service.hostname, port, proxyDomain);
  const domains = [...withPort(service.hostname, port), ...altHosts];
  // Headless services are reached at pod names under the service name.
  if (service.resolution === 'Passthrough' && service.registry === 'Kubernetes') domains.push(...domains.map((d) => `*.${d}`));
  for (const address of service.addresses) {
    if (address && address !== '0.0.0.0') domains.push(...withPort(address, port));
  }
  return { domains, altHosts };
}
