// The destinations a VirtualService sends traffic to, each with the field path it was written at.
import type { Entry } from './context.js';
import { at, list, num, record, str, strings } from './fields.js';

export interface RouteDestination {
  host: string;
  subset?: string;
  port?: number;
  /** Path of `destination.host`. */
  path: (string | number)[];
  /** True for http[].mirror and http[].mirrors[]: a copy of the traffic, not the traffic. */
  mirror: boolean;
}

function destination(v: unknown, path: (string | number)[], mirror: boolean): RouteDestination | undefined {
  const d = record(v);
  const host = str(d?.host);
  if (!d || !host) return undefined;
  return { host, subset: str(d.subset) || undefined, port: num(at(d, 'port', 'number')), path: [...path, 'host'], mirror };
}

/** Route destinations in Istio's order (tcp, tls, http), then http mirrors. */
export function routeDestinations(vs: Entry): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const rule of ['tcp', 'tls', 'http'] as const) {
    list(vs.spec[rule]).forEach((r, i) => {
      list(record(r)?.route).forEach((rd, j) => {
        const d = destination(record(rd)?.destination, ['spec', rule, i, 'route', j, 'destination'], false);
        if (d) out.push(d);
      });
    });
  }
  list(vs.spec.http).forEach((r, i) => {
    const m = destination(record(r)?.mirror, ['spec', 'http', i, 'mirror'], true);
    if (m) out.push(m);
    list(record(r)?.mirrors).forEach((mp, j) => {
      const d = destination(record(mp)?.destination, ['spec', 'http', i, 'mirrors', j, 'destination'], true);
      if (d) out.push(d);
    });
  });
  return out;
}

/** A VirtualService with no gateways applies to sidecars: the implicit `mesh` gateway. */
export function gatewaysOf(vs: Entry): string[] {
  const gws = strings(vs.spec.gateways);
  return gws.length === 0 ? ['mesh'] : gws;
}
