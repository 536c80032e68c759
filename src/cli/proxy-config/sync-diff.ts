// `proxy-status POD`: what the proxy runs (its own config dump) against what the control plane
// would send it now, kind by kind, as istioctl's comparator prints it: `Clusters Match`, or
// `Clusters Don't Match` and a unified diff. Endpoints are left out, as istioctl does.
import { clustersOf, lastRouteUpdate, listenersOf, routesOf, str, type ConfigDump, type Json } from './config-dump.js';
import { unifiedDiff } from './line-diff.js';

function canonical(resources: readonly Json[]): string {
  const sorted = [...resources].sort((a, b) => str(a.name).localeCompare(str(b.name)));
  return `${JSON.stringify(sorted, null, 4)}\n`;
}

function section(title: string, istiod: readonly Json[], envoy: readonly Json[], suffix = ''): string {
  const diff = unifiedDiff(canonical(istiod), canonical(envoy), `Istiod ${title}`, `Envoy ${title}`);
  return diff === '' ? `${title} Match${suffix}\n` : `${title} Don't Match${suffix}\n${diff}\n`;
}

/** RFC 1123 in UTC, as Go prints a time with time.RFC1123. */
function rfc1123(d: Date): string {
  return d.toUTCString().replace(/GMT$/, 'UTC');
}

export function compareDumps(istiod: ConfigDump, envoy: ConfigDump): string {
  const loaded = lastRouteUpdate(envoy);
  return section('Clusters', clustersOf(istiod), clustersOf(envoy))
    + section('Listeners', listenersOf(istiod), listenersOf(envoy))
    + section('Routes', routesOf(istiod), routesOf(envoy), loaded ? ` (RDS last loaded at ${rfc1123(loaded)})` : '');
}
