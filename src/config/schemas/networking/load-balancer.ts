// LoadBalancerSettings of a DestinationRule: the simple policies, consistent hashing (ring hash or
// Maglev), locality-aware balancing and slow-start warmup.
import { z } from 'zod';
import { bool, durationOrZero, enumOf, expected, istioDuration, issue, list, map, str, strict, uint32 } from './fields.js';

export const SIMPLE_LB_POLICIES = ['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST'] as const;

const httpCookie = strict({
  name: str,
  path: str.optional(),
  ttl: durationOrZero.optional(),
  attributes: list(strict({ name: str, value: str.optional() })).optional(),
}).superRefine((c, ctx) => {
  if (c.name === '') issue(ctx, ['name'], 'a hash cookie needs a name');
  const seen = new Set<string>();
  (c.attributes ?? []).forEach((a, i) => {
    if (a.name === '') issue(ctx, ['attributes', i, 'name'], 'cookie attribute name must not be empty');
    else if (seen.has(a.name)) issue(ctx, ['attributes', i, 'name'], `duplicate cookie attribute "${a.name}"`);
    seen.add(a.name);
  });
});

// Envoy's own primality test decides which Maglev table sizes it accepts.
function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  for (let f = 3; f * f <= x; f += 2) if (x % f === 0) return false;
  return true;
}

const HASH_KEYS = ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'] as const;

export const consistentHashLB = strict({
  httpHeaderName: str.optional(),
  httpCookie: httpCookie.optional(),
  useSourceIp: bool.optional(),
  httpQueryParameterName: str.optional(),
  ringHash: strict({ minimumRingSize: uint32.optional() }).optional(),
  maglev: strict({ tableSize: uint32.optional() }).optional(),
  minimumRingSize: uint32.optional(),
}).superRefine((h, ctx) => {
  const keys = HASH_KEYS.filter((k) => h[k] !== undefined);
  if (keys.length !== 1) {
    issue(ctx, [], keys.length === 0
      ? 'consistentHash needs one hash key: httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName'
      : `consistentHash takes only one hash key, found ${keys.join(' and ')}`);
  }
  if (h.ringHash && h.maglev) issue(ctx, [], 'consistentHash takes only one of ringHash or maglev');
  if (h.minimumRingSize && (h.ringHash || h.maglev)) issue(ctx, ['minimumRingSize'], 'minimumRingSize (deprecated) cannot be combined with ringHash or maglev: use ringHash.minimumRingSize');
  if (h.maglev) {
    const size = h.maglev.tableSize ?? 0;
    if (size === 0) issue(ctx, ['maglev', 'tableSize'], 'maglev needs a tableSize (a prime number, e.g. 65537)');
    else if (size >= 5000011) issue(ctx, ['maglev', 'tableSize'], 'maglev tableSize must be less than 5000011');
    else if (!isPrime(size)) issue(ctx, ['maglev', 'tableSize'], `maglev tableSize must be a prime number (${size} is not)`);
  }
});
export type ConsistentHashLB = z.infer<typeof consistentHashLB>;

const TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

/** `region/zone/subzone` with an optional trailing `*`; none of the parts may be empty. */
function localityProblem(locality: string): string | undefined {
  const stars = locality.split('*').length - 1;
  if (stars > 1 || (stars === 1 && !locality.endsWith('*'))) return `locality "${locality}": a "*" wildcard may appear once, at the end`;
  if (locality.split('/', 3).some((part) => part === '')) return `locality "${locality}" must not have an empty region, zone or subzone`;
  return undefined;
}

const failover = strict({ from: str.optional(), to: str.optional() });

export const localityLoadBalancerSetting = strict({
  distribute: list(strict({ from: str.optional(), to: map(uint32).optional() })).optional(),
  failover: list(failover).optional(),
  failoverPriority: list(str).optional(),
  enabled: bool.optional(),
}).superRefine((l, ctx) => {
  if (l.distribute?.length && l.failover?.length) {
    issue(ctx, [], 'localityLbSetting takes only one of "distribute" or "failover"');
    return;
  }
  if (l.failover?.length) {
    (l.failoverPriority ?? []).forEach((label, i) => {
      if (TOPOLOGY_LABELS.includes(label)) issue(ctx, ['failoverPriority', i], `failoverPriority cannot use topology label "${label}" together with "failover"`);
    });
  }
  (l.distribute ?? []).forEach((d, i) => {
    if (d.from !== undefined) {
      const problem = localityProblem(d.from);
      if (problem) issue(ctx, ['distribute', i, 'from'], problem);
    }
    let total = 0;
    for (const [loc, w] of Object.entries(d.to ?? {})) {
      if (w < 1 || w > 100) issue(ctx, ['distribute', i, 'to', loc], 'expected a locality weight between 1 and 100');
      total += w;
      const problem = localityProblem(loc);
      if (problem) issue(ctx, ['distribute', i, 'to', loc], problem);
    }
    if (total !== 100) issue(ctx, ['distribute', i, 'to'], `locality weights must add up to 100 (they add up to ${total})`);
  });
  checkFailover(l.failover, ctx, 'locality');
});
export type LocalityLoadBalancerSetting = z.infer<typeof localityLoadBalancerSetting>;

function checkFailover(list: readonly { from?: string; to?: string }[] | undefined, ctx: z.RefinementCtx, what: string): void {
  (list ?? []).forEach((f, i) => {
    const from = f.from ?? '';
    const to = f.to ?? '';
    if (from === to) issue(ctx, ['failover', i], `${what} failover must go from one region to a different region`);
    if (from.includes('/') || to.includes('/')) issue(ctx, ['failover', i], `${what} failover names regions only (no "/zone")`);
    if (from.includes('*') || to.includes('*')) issue(ctx, ['failover', i], `${what} failover regions cannot contain "*"`);
  });
}

export const zoneAwareLoadBalancerSetting = strict({
  enabled: bool.optional(),
  failover: list(failover).optional(),
  failoverPriority: list(str).optional(),
  minClusterSize: uint32.optional(),
}).superRefine((z, ctx) => {
  (z.failoverPriority ?? []).forEach((label, i) => {
    if (TOPOLOGY_LABELS.includes(label)) issue(ctx, ['failoverPriority', i], `failoverPriority for zone-aware balancing cannot use topology label "${label}": region and zone are handled automatically`);
  });
  checkFailover(z.failover, ctx, 'zone-aware');
});
export type ZoneAwareLoadBalancerSetting = z.infer<typeof zoneAwareLoadBalancerSetting>;

export const warmupConfiguration = strict({
  duration: istioDuration,
  minimumPercent: z.number({ error: expected('a number between 0 and 100') }).optional(),
  aggression: z.number({ error: expected('a number greater than 0') }).optional(),
}).superRefine((w, ctx) => {
  if (w.minimumPercent !== undefined && (w.minimumPercent < 0 || w.minimumPercent > 100)) issue(ctx, ['minimumPercent'], 'expected a number between 0 and 100');
  if (w.aggression !== undefined && w.aggression <= 0) issue(ctx, ['aggression'], 'expected a number greater than 0');
});
export type WarmupConfiguration = z.infer<typeof warmupConfiguration>;

export const loadBalancerSettings = strict({
  simple: enumOf(SIMPLE_LB_POLICIES).optional(),
  consistentHash: consistentHashLB.optional(),
  localityLbSetting: localityLoadBalancerSetting.optional(),
  zoneAwareLbSetting: zoneAwareLoadBalancerSetting.optional(),
  warmupDurationSecs: istioDuration.optional(),
  warmup: warmupConfiguration.optional(),
}).superRefine((lb, ctx) => {
  if (lb.simple !== undefined && lb.consistentHash !== undefined) issue(ctx, [], 'loadBalancer takes only one of "simple" or "consistentHash"');
  if (lb.localityLbSetting && lb.zoneAwareLbSetting) issue(ctx, [], 'loadBalancer takes only one of "localityLbSetting" or "zoneAwareLbSetting"');
  if (lb.warmupDurationSecs !== undefined && lb.warmup !== undefined) issue(ctx, [], 'loadBalancer takes only one of "warmupDurationSecs" or "warmup"');
});
export type LoadBalancerSettings = z.infer<typeof loadBalancerSettings>;
