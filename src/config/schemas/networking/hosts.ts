// Host names, namespaces, IP addresses and subnets as Istio's validation reads them
// (pkg/config/validation/agent and pkg/config/host). Each check returns a problem or undefined, so
// a schema can place the message at the field it came from.
import { isIP } from 'node:net';

const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
// Istio lets the first label of a host be `*`, `*foo`, `*-foo` or a plain label.
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

/** A DNS-1123 label as Istio checks it (upper case is tolerated, at most 63 characters). */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

function preconditions(name: string): string | undefined {
  if (name.length === 0) return 'empty host name is not allowed';
  if (name.length > 255) return `host name "${name}" is too long (at most 255 characters)`;
  if (name.includes('://')) return `host "${name}" must be a host name, not a URL`;
  return undefined;
}

function labelsProblem(domain: string, whole: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1]!;
  if (/^\d+$/.test(tld)) return `host name "${whole}" is invalid: the top-level domain "${tld}" cannot be all digits`;
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i]!;
    // A trailing dot (`istio.io.`) is an unambiguous absolute name.
    if (i === parts.length - 1 && label === '') return undefined;
    if (!isDns1123Label(label)) return hostLabelProblem(whole, label);
  }
  return undefined;
}

function hostLabelProblem(whole: string, label: string): string {
  if (label.includes(':')) return `host "${whole}" must not include a port`;
  if (label.includes('/')) return `host "${whole}" must be a host name, not a URL or path`;
  if (label.includes('*')) return `host "${whole}" is invalid: a wildcard is only allowed as the first label, as in "*.example.com"`;
  return `host name "${whole}" is invalid: label "${label}" must be letters, digits and "-", starting and ending with a letter or digit`;
}

/** A fully qualified (or short) DNS name without wildcards. */
export function fqdnProblem(name: string): string | undefined {
  return preconditions(name) ?? labelsProblem(name, name);
}

/** A DNS name that may start with a wildcard label (`*`, `*.example.com`, `*-foo.example.com`). */
export function wildcardDomainProblem(name: string): string | undefined {
  const pre = preconditions(name);
  if (pre) return pre;
  const dot = name.indexOf('.');
  const first = dot < 0 ? name : name.slice(0, dot);
  if (first.length > 63 || !WILDCARD_LABEL.test(first)) return hostLabelProblem(name, first);
  return dot < 0 ? undefined : labelsProblem(name.slice(dot + 1), name);
}

/** Wildcards anywhere but a whole leading `*.` label (`*foo.com`, `foo.*.com`). */
export function partialWildcardProblem(name: string): string | undefined {
  if (name.includes('*') && name !== '*' && !(name.startsWith('*.') && !name.slice(2).includes('*'))) {
    return `partial wildcard "${name}" is not allowed: use "*" alone or a leading "*." label`;
  }
  return undefined;
}

export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

/** An IP address or a CIDR block (`10.0.0.0/8`, `2001:db8::/32`). */
export function ipSubnetProblem(value: string): string | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return isIpAddress(value) ? undefined : `"${value}" is not a valid IP address`;
  const addr = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  const family = isIP(addr);
  const max = family === 4 ? 32 : 128;
  if (family === 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > max) return `"${value}" is not a valid CIDR block`;
  return undefined;
}

export function isWildcarded(host: string): boolean {
  return host.startsWith('*');
}

/** Istio's host.Name.Matches: the two hosts overlap (either one's wildcard covers the other). */
export function hostsOverlap(a: string, b: string): boolean {
  const aw = isWildcarded(a);
  const bw = isWildcarded(b);
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** Istio's host.Name.SubsetOf: every name `a` matches is also matched by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  if (isWildcarded(a)) return isWildcarded(b) && a.slice(1).endsWith(b.slice(1));
  if (isWildcarded(b)) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * A `namespace/host` entry of a Gateway server or a Sidecar egress listener. Gateways also accept a
 * bare host (the namespace then defaults to `*`); hosts there must be FQDNs, as short names would
 * be resolved against no particular namespace.
 */
export function namespacedHostProblem(entry: string, where: 'gateway' | 'sidecar'): string | undefined {
  const slash = entry.indexOf('/');
  if (slash < 0) {
    if (where === 'sidecar') return `host "${entry}" must be of the form namespace/host, e.g. "istio-system/*" or "./reviews.default.svc.cluster.local"`;
    return hostPartProblem(entry, true);
  }
  const ns = entry.slice(0, slash);
  const name = entry.slice(slash + 1);
  if (ns === '' || name === '') return `host "${entry}": the namespace and the host name must both be set`;
  if (where === 'sidecar') {
    const bare = ns.startsWith('~') ? ns.slice(1) : ns;
    if (bare !== '' && bare !== '*' && bare !== '.' && !isDns1123Label(bare)) return `invalid namespace "${ns}" in host "${entry}": expected "*", ".", "~" or a namespace name`;
  } else if (ns !== '*' && ns !== '.' && !isDns1123Label(ns)) {
    return `invalid namespace "${ns}" in host "${entry}": expected "*", "." or a namespace name`;
  }
  return hostPartProblem(name, where === 'gateway');
}

function hostPartProblem(host: string, isGateway: boolean): string | undefined {
  if (host !== '*' && !host.includes('.')) return `short host name "${host}" is not allowed here: use a fully qualified name such as "${host}.default.svc.cluster.local"`;
  const partial = partialWildcardProblem(host);
  if (partial) return partial;
  const problem = wildcardDomainProblem(host);
  // Gateways may also name an IP address as the host.
  if (problem && !(isGateway && isIpAddress(host))) return problem;
  return undefined;
}

/**
 * The namespaces a resource is exported to: `.` (its own), `*` (all), a namespace name, and for
 * ServiceEntry `~` (none). Returns a problem per offending index.
 */
export function exportToProblems(exportTo: readonly string[], isServiceEntry: boolean): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  const seen = new Set<string>();
  exportTo.forEach((e, index) => {
    if (seen.has(e)) out.push({ index, message: `duplicate entry "${e}" in exportTo` });
    else if (e === '~' && !isServiceEntry) out.push({ index, message: 'exportTo "~" (visible to no namespace) is only allowed on ServiceEntry' });
    else if (e !== '.' && e !== '*' && e !== '~' && !isDns1123Label(e)) out.push({ index, message: `invalid exportTo "${e}": expected ".", "*" or a namespace name` });
    seen.add(e);
  });
  if (exportTo.length > 1 && seen.has('*')) out.push({ index: exportTo.indexOf('*'), message: 'exportTo "*" (all namespaces) cannot be combined with other entries' });
  if (exportTo.length > 1 && seen.has('~')) out.push({ index: exportTo.indexOf('~'), message: 'exportTo "~" (no namespace) cannot be combined with other entries' });
  return out;
}

/**
 * A Gateway reference in a VirtualService: `mesh` (the sidecars), `namespace/name`, or a bare name
 * in the VirtualService's own namespace.
 */
export function gatewayNameProblem(name: string): string | undefined {
  const slash = name.indexOf('/');
  if (slash < 0) {
    return fqdnProblem(name) ? `invalid gateway "${name}": expected "mesh", a gateway name or "namespace/name"` : undefined;
  }
  const ns = name.slice(0, slash);
  const gw = name.slice(slash + 1);
  if (ns === '' || gw === '') return `invalid gateway "${name}": the namespace and the gateway name must both be set`;
  if (!isDns1123Label(ns)) return `invalid namespace "${ns}" in gateway "${name}": expected a namespace name`;
  if (!isDns1123Label(gw)) return `invalid gateway name "${gw}" in "${name}": expected a DNS label`;
  return undefined;
}

export const UNIX_ADDRESS_PREFIX = 'unix://';

/** A unix domain socket path: absolute, not a directory, or an abstract socket (`@name`). */
export function unixAddressProblem(path: string): string | undefined {
  if (path === '') return 'unix socket address must not be empty';
  if (path.startsWith('@')) return undefined;
  if (!path.startsWith('/') || path.endsWith('/')) return `unix socket "${path}" must be an absolute path to a file`;
  return undefined;
}
