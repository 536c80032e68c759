// `proxy-config cluster`: istioctl's cluster table (SERVICE FQDN, PORT, SUBSET, DIRECTION, TYPE,
// DESTINATION RULE) and its filters (--fqdn, --port, --subset, --direction: substrings of the
// cluster name, as istioctl matches them).
import { str, type Json } from './config-dump.js';
import { tabWrite } from './tab-writer.js';

export interface ClusterFilter {
  readonly fqdn?: string;
  readonly port?: number;
  readonly subset?: string;
  readonly direction?: string;
}

interface SubsetKey {
  readonly direction: string;
  readonly subset: string;
  readonly fqdn: string;
  readonly port: number;
}

/** `outbound|9080|v1|reviews…` → its parts; other names are their own FQDN. */
export function parseSubsetKey(name: string): SubsetKey {
  const parts = name.split('|');
  if (parts.length > 3) return { direction: parts[0]!, port: Number(parts[1]) || 0, subset: parts[2]!, fqdn: parts.slice(3).join('|') };
  return { direction: '', subset: '', fqdn: name, port: 0 };
}

export function clusterMatches(f: ClusterFilter, cluster: Json): boolean {
  const name = str(cluster.name);
  if (f.fqdn && !name.includes(f.fqdn)) return false;
  if (f.direction && !name.includes(f.direction)) return false;
  if (f.subset && !name.includes(f.subset)) return false;
  if (f.port && !name.includes(`|${f.port}|`)) return false;
  return true;
}

/** By FQDN, subset, port, then direction, as istioctl sorts. */
export function sortClusters(clusters: readonly Json[]): Json[] {
  return [...clusters].sort((a, b) => {
    const x = parseSubsetKey(str(a.name));
    const y = parseSubsetKey(str(b.name));
    return x.fqdn.localeCompare(y.fqdn) || x.subset.localeCompare(y.subset) || x.port - y.port || x.direction.localeCompare(y.direction);
  });
}

/** `reviews.default` for a resource's `istio.config` metadata (`/apis/networking.istio.io/…`), as istioctl renders it. */
export function describeManagement(metadata: unknown): string {
  const config = (((metadata as Json | undefined)?.filter_metadata as Json | undefined)?.istio as Json | undefined)?.config;
  if (typeof config !== 'string') return '';
  if (!config.startsWith('/apis/networking.istio.io/')) return '<unknown>';
  const pieces = config.split('/');
  return pieces.length === 8 ? `${pieces[7]}.${pieces[5]}` : '';
}

export function clusterSummary(clusters: readonly Json[], filter: ClusterFilter): string {
  const rows: string[][] = [['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE']];
  for (const c of sortClusters(clusters.filter((c) => clusterMatches(filter, c)))) {
    const name = str(c.name);
    const type = str(c.type) || 'STATIC';
    if (name.split('|').length > 3) {
      const k = parseSubsetKey(name);
      rows.push([k.fqdn, String(k.port), k.subset || '-', k.direction, type, describeManagement(c.metadata)]);
    } else {
      rows.push([name, '-', '-', '-', type, describeManagement(c.metadata)]);
    }
  }
  return tabWrite(rows, 5);
}
