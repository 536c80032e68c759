// Host names as Pilot compares them (pkg/config/host): wildcard matching, "more specific" order,
// and the resolution of short names in the namespace of the rule that names them.
import { isIP } from 'node:net';

export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/** Istio's Name.Matches: either host's wildcard covers the other (the two overlap). */
export function hostMatches(a: string, b: string): boolean {
  const aw = isWildcard(a);
  const bw = isWildcard(b);
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** Istio's Name.SubsetOf: every name `a` matches is matched by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  const aw = isWildcard(a);
  const bw = isWildcard(b);
  if (aw) return bw && a.length >= b.length && a.slice(1).endsWith(b.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** Hosts both lists cover, each taken at its narrower form (Istio's Names.Intersection). */
export function hostIntersection(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  const add = (h: string) => { if (!out.includes(h)) out.push(h); };
  for (const x of a) {
    for (const y of b) {
      if (hostSubsetOf(x, y)) add(x);
      else if (hostSubsetOf(y, x)) add(y);
    }
  }
  return out;
}

/** Istio's MoreSpecific: a non-wildcard beats a wildcard; then the longer name wins. */
export function moreSpecific(a: string, b: string): boolean {
  const aw = isWildcard(a);
  const bw = isWildcard(b);
  if (aw !== bw) return !aw;
  return a.length > b.length;
}

/**
 * The entry of `hosts` that best covers `needle`: an exact match, else the most specific
 * wildcard that matches it (Istio's MostSpecificHostMatch).
 */
export function mostSpecificHostMatch(needle: string, hosts: Iterable<string>): string | undefined {
  let best: string | undefined;
  const bare = isWildcard(needle) ? needle.slice(1) : needle;
  for (const h of hosts) {
    if (h === needle) return h;
    if (!isWildcard(h) || !bare.endsWith(h.slice(1))) continue;
    if (best === undefined || moreSpecific(h, best)) best = h;
  }
  return best;
}

/**
 * A short name in a rule means a service in the rule's own namespace: `reviews` in a
 * VirtualService in `default` is `reviews.default.svc.cluster.local`. Names with a dot, `*` and IP
 * addresses are taken as written.
 */
export function resolveShortname(host: string, namespace: string, clusterDomain: string): string {
  if (host === '' || host === '*' || host.includes('.') || isIP(host) !== 0) return host;
  return `${host}.${namespace}.svc.${clusterDomain}`;
}

/**
 * A gateway reference as `namespace/name`: a bare name is in the rule's namespace, `./name` too,
 * and the legacy `name.namespace.svc.cluster.local` form names its namespace in its second label.
 */
export function resolveGatewayName(gateway: string, namespace: string): string {
  if (gateway === 'mesh') return gateway;
  const slash = gateway.indexOf('/');
  if (slash >= 0) return gateway.slice(0, slash) === '.' ? `${namespace}/${gateway.slice(slash + 1)}` : gateway;
  const dot = gateway.indexOf('.');
  if (dot < 0) return `${namespace}/${gateway}`;
  const rest = gateway.slice(dot + 1);
  const nsEnd = rest.indexOf('.');
  return `${nsEnd < 0 ? rest : rest.slice(0, nsEnd)}/${gateway.slice(0, dot)}`;
}
