// IST0145: Gateways that select the same gateway workload and declare the same port with
// overlapping hosts. Only one server can own a host on a port, so the other is silently ignored.
import { NETWORKING, type AnalysisContext, type Analyzer, type Entry } from './context.js';
import { at, labelsMatch, list, num, record, selectorString, str, stringMap, strings } from './fields.js';
import { hostsMatch } from './hosts.js';
import { ConflictingGateways } from './messages.js';
import { workloads } from './registry.js';

interface Server {
  port: number;
  bind: string;
  hosts: string[];
}

interface GatewayInfo {
  entry: Entry;
  selector: Record<string, string>;
  selectorText: string;
  servers: Server[];
}

function gatewayInfo(e: Entry): GatewayInfo {
  const selector = stringMap(e.spec.selector);
  const servers: Server[] = [];
  for (const s of list(e.spec.servers)) {
    const port = num(at(s, 'port', 'number'));
    if (port !== undefined) servers.push({ port, bind: str(record(s)?.bind) ?? '', hosts: strings(record(s)?.hosts) });
  }
  return { entry: e, selector, selectorText: selectorString(selector), servers };
}

/** Same selector, or selectors that both pick at least one running gateway workload. */
function sameWorkload(ctx: AnalysisContext, a: GatewayInfo, b: GatewayInfo): boolean {
  if (a.selectorText === b.selectorText) return true;
  if (!a.selectorText.includes(b.selectorText) && !b.selectorText.includes(a.selectorText)) return false;
  return workloads(ctx).some((w) => labelsMatch(a.selector, w.labels) && labelsMatch(b.selector, w.labels));
}

/** `namespace/host` server hosts: the namespace parts must agree (`*` agrees with all), then the hosts overlap. */
function serverHostsOverlap(a: string, b: string): boolean {
  const split = (h: string) => {
    const i = h.indexOf('/');
    return i < 0 ? { ns: '*', host: h } : { ns: h.slice(0, i), host: h.slice(i + 1) };
  };
  const x = split(a);
  const y = split(b);
  if (x.ns !== '*' && y.ns !== '*' && x.ns !== y.ns) return false;
  return hostsMatch(x.host, y.host);
}

export const conflictingGatewaysAnalyzer: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  analyze(ctx) {
    const gateways = ctx.of(NETWORKING, 'Gateway').map(gatewayInfo);
    for (const gw of gateways) {
      const peers = gateways.filter((o) => o !== gw && sameWorkload(ctx, gw, o));
      gw.servers.forEach((server, i) => {
        const conflicting = peers.filter((o) => o.servers.some((os) =>
          os.port === server.port && os.bind === server.bind && server.hosts.some((h) => os.hosts.some((oh) => serverHostsOverlap(h, oh)))));
        if (conflicting.length === 0) return;
        const names = conflicting.map((o) => o.entry.fullName).sort().join(',');
        ctx.report(gw.entry, ConflictingGateways, [names, gw.selectorText, String(server.port), server.hosts.join(',')], ['spec', 'servers', i]);
      });
    }
  },
};
