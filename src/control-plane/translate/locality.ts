// Locality-aware load balancing (Istio's loadbalancer package): `distribute` sets locality weights,
// otherwise, when outlier detection is on, endpoints are put in priorities by how close their
// locality is to the proxy's, so traffic fails over outward only when nearer ones are ejected.
import type { LocalityLbSetting } from '../model/api-types.js';

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subzone: string;
}

export function parseLocality(text: string | undefined): Locality {
  const [region = '', zone = '', subzone = ''] = (text ?? '').split('/');
  return { region, zone, subzone };
}

export function localityJson(l: Locality): Record<string, string> {
  const out: Record<string, string> = {};
  if (l.region) out.region = l.region;
  if (l.zone) out.zone = l.zone;
  if (l.subzone) out.sub_zone = l.subzone;
  return out;
}

/** `region/zone/*` style patterns from `distribute`, `*` matching any part. */
function localityMatches(pattern: string, l: Locality): boolean {
  const parts = pattern.split('/');
  const values = [l.region, l.zone, l.subzone];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === '*') return true;
    if (parts[i] !== values[i]) return false;
  }
  return true;
}

/**
 * Weights per locality group from `distribute`, or undefined when no rule applies to the proxy.
 * A `to` weight is shared equally among the groups it matches.
 */
export function distributeWeights(setting: LocalityLbSetting | undefined, proxy: Locality, groups: readonly Locality[]): number[] | undefined {
  const rule = setting?.distribute?.find((d) => d.from !== undefined && localityMatches(d.from, proxy));
  if (!rule?.to) return undefined;
  const weights = groups.map(() => 0);
  for (const [pattern, weight] of Object.entries(rule.to)) {
    const matching = groups.map((g, i) => (localityMatches(pattern, g) ? i : -1)).filter((i) => i >= 0);
    for (const i of matching) weights[i]! += weight / matching.length;
  }
  return weights.map((w) => Math.round(w));
}

/** Failover priority of an endpoint locality relative to the proxy's (before renumbering). */
export function failoverPriority(setting: LocalityLbSetting | undefined, proxy: Locality, ep: Locality): number {
  if (ep.region === proxy.region) {
    if (ep.zone === proxy.zone) return ep.subzone === proxy.subzone ? 0 : 1;
    return 2;
  }
  const failover = setting?.failover?.some((f) => f.from === proxy.region && f.to === ep.region);
  return failover ? 3 : 4;
}

/** Envoy wants priorities 0..n without gaps. */
export function renumberPriorities(priorities: readonly number[]): number[] {
  const distinct = [...new Set(priorities)].sort((a, b) => a - b);
  return priorities.map((p) => distinct.indexOf(p));
}
