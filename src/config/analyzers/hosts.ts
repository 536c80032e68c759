// Host names as Istio's analyzers read them: short names, wildcards and exportTo visibility.

export const CLUSTER_DOMAIN = 'svc.cluster.local';

/**
 * Istio resolves a short name (no dots, no wildcard) in the namespace of the rule that wrote it,
 * not of the caller: `reviews` in a VirtualService in `default` is `reviews.default.svc.cluster.local`.
 * A name with a dot is taken as written (`reviews.default` is not expanded).
 */
export function toFqdn(host: string, namespace: string): string {
  return host.startsWith('*') || host.includes('.') ? host : `${host}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** `reviews.default.svc.cluster.local` → `{ name: 'reviews', namespace: 'default' }`. */
export function clusterLocalName(fqdn: string): { name: string; namespace: string } | undefined {
  const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(fqdn);
  return m ? { name: m[1]!, namespace: m[2]! } : undefined;
}

/**
 * Istio's host.Name.Matches: true when the two names can denote the same host. `*` matches all,
 * `*.example.com` matches `a.example.com` and `*.a.example.com`; two plain names must be equal.
 */
export function hostsMatch(a: string, b: string): boolean {
  const aWild = a.startsWith('*');
  const bWild = b.startsWith('*');
  if (aWild && bWild) return a.length <= b.length ? b.endsWith(a.slice(1)) : a.endsWith(b.slice(1));
  if (aWild) return b.endsWith(a.slice(1));
  if (bWild) return a.endsWith(b.slice(1));
  return a === b;
}

/** Whether `pattern` covers every name `host` can stand for (a wildcard DestinationRule host over a service). */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (!pattern.startsWith('*')) return false;
  const suffix = pattern.slice(1);
  return host.endsWith(suffix) && (host.startsWith('*') ? host.length > pattern.length : true);
}

/** How specific a host is, for picking the closest of several matching rules (exact beats wildcard). */
export function hostSpecificity(host: string): number {
  return host.startsWith('*') ? host.length : Number.MAX_SAFE_INTEGER;
}

/**
 * exportTo as Istio reads it: empty or `*` is every namespace, `.` the resource's own, `~` none,
 * anything else a namespace name.
 */
export function visibleFrom(exportTo: readonly string[], ownNamespace: string, fromNamespace: string): boolean {
  if (exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || (e === '.' ? ownNamespace === fromNamespace : e === fromNamespace));
}

/** Istio's `networking.istio.io/exportTo` annotation on a Service: comma separated. */
export function exportToAnnotation(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
