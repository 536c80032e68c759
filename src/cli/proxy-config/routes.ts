// `proxy-config route`: istioctl's verbose route table (NAME, VHOST NAME, DOMAINS, MATCH,
// VIRTUAL SERVICE), one row per route of each virtual host, passthrough routes left out, and
// `--name` to pick one route configuration.
import { describeManagement } from './clusters.js';
import { str, type Json } from './config-dump.js';
import { tabWrite } from './tab-writer.js';

export interface RouteFilter {
  readonly name?: string;
}

const PASSTHROUGH_CLUSTER = 'PassthroughCluster';

export function routeMatches(f: RouteFilter, route: Json): boolean {
  return !f.name || f.name === str(route.name);
}

/** Numeric names (sidecar port routes) in numeric order first, then the rest by name. */
export function sortRoutes(routes: readonly Json[]): Json[] {
  const num = (r: Json) => (/^\d+$/.test(str(r.name)) ? Number(r.name) : undefined);
  return [...routes].sort((a, b) => {
    const x = num(a);
    const y = num(b);
    if (x !== undefined && y !== undefined) return x - y;
    if (x !== undefined) return -1;
    if (y !== undefined) return 1;
    return str(a.name).localeCompare(str(b.name));
  });
}

/** Drops `reviews.default.svc.cluster.local` when `reviews.default.svc`'s short forms are listed too. */
function unexpandDomains(domains: readonly string[]): string[] {
  const unique = new Set(domains);
  const drop = new Set<string>();
  for (const h of domains) {
    const full = h.replace(/\.svc\.cluster\.local$/, '');
    if (full !== h && unique.has(full)) drop.add(h);
    const partial = h.replace(/\.svc$/, '');
    if (partial !== h && unique.has(partial)) drop.add(h);
  }
  return domains.filter((h) => !drop.has(h));
}

export function describeRouteDomains(domains: readonly string[]): string {
  if (domains.length === 0) return '';
  if (domains.length === 1) return domains[0]!;
  const withoutPort = unexpandDomains(domains.filter((d) => !d.includes(':') || ((d.match(/:/g) ?? []).length > 2 && d.endsWith(']'))));
  const max = 2;
  if (withoutPort.length > max) return `${withoutPort.slice(0, max).join(', ')} + ${withoutPort.length - max} more...`;
  return withoutPort.join(', ');
}

/** istioctl's match column: `/reviews*`, `/productpage`, `PathPrefix:/x`, `regex …` (headers left out). */
export function describeMatch(match: Json | undefined): string {
  const m = match ?? {};
  const conds: string[] = [];
  if (str(m.prefix) !== '') conds.push(`${m.prefix}*`);
  if (str(m.path_separated_prefix) !== '') conds.push(`PathPrefix:${m.path_separated_prefix}`);
  if (str(m.path) !== '') conds.push(str(m.path));
  if (m.safe_regex) conds.push(`regex ${str((m.safe_regex as Json).regex)}`);
  return conds.join(' ');
}

function isPassthrough(route: Json): boolean {
  return (route.route as Json | undefined)?.cluster === PASSTHROUGH_CLUSTER;
}

export function routeSummary(routes: readonly Json[], filter: RouteFilter): string {
  const rows: string[][] = [['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE']];
  for (const rc of sortRoutes(routes.filter((r) => routeMatches(filter, r)))) {
    for (const vh of (rc.virtual_hosts as Json[] | undefined) ?? []) {
      const domains = describeRouteDomains((vh.domains as string[] | undefined) ?? []);
      const vhRoutes = (vh.routes as Json[] | undefined) ?? [];
      for (const r of vhRoutes) {
        if (!isPassthrough(r)) rows.push([str(rc.name), str(vh.name), domains, describeMatch(r.match as Json | undefined), describeManagement(r.metadata)]);
      }
      if (vhRoutes.length === 0) rows.push([str(rc.name), str(vh.name), domains, '/*', '404']);
    }
  }
  return tabWrite(rows, 5);
}
