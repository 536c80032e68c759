// `skiff proxy-config` (`pc`) cluster|listener|route|endpoint|secret|bootstrap|all POD[.NAMESPACE]:
// istioctl's view of one proxy's config, read from the proxy's own admin (/config_dump,
// /clusters) and, when that cannot be reached, from what the control plane last sent it. Tables as
// istioctl prints them (-o short, the default), or the Envoy resources (-o json|yaml).
import type { Command } from 'commander';
import { action, type CommandDeps } from '../command-support.js';
import { cliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { toYaml } from '../printers/object-printer.js';
import { clusterMatches, clusterSummary, sortClusters, type ClusterFilter } from '../proxy-config/clusters.js';
import { bootstrapOf, clustersOf, listenersOf, routesOf, secretsOf, str, type Json } from '../proxy-config/config-dump.js';
import { endpointSummary, filterClusterStatuses, type EndpointFilter } from '../proxy-config/endpoints.js';
import { listenerMatches, listenerSummary, type ListenerFilter } from '../proxy-config/listeners.js';
import { fetchClusterStatuses, fetchConfigDump } from '../proxy-config/proxy-source.js';
import { routeMatches, routeSummary, sortRoutes, type RouteFilter } from '../proxy-config/routes.js';
import { NO_SECRETS, secretSummary } from '../proxy-config/secrets.js';

type Format = 'short' | 'json' | 'yaml';

interface PcFlags {
  output?: string;
  fqdn?: string;
  port?: string;
  subset?: string;
  direction?: string;
  address?: string;
  type?: string;
  name?: string;
  cluster?: string;
  status?: string;
}

function format(flags: PcFlags, fallback: Format = 'short'): Format {
  const f = flags.output ?? fallback;
  if (f !== 'short' && f !== 'json' && f !== 'yaml') throw cliError(`unable to match a printer suitable for the output format ${f}, allowed formats are: json,yaml,short`);
  return f;
}

function portFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw cliError(`invalid argument "${text}" for "--port" flag: expected a port number`);
  return Number(text) || undefined;
}

function direction(text: string | undefined): string | undefined {
  if (text !== undefined && text !== 'inbound' && text !== 'outbound') throw cliError(`invalid argument "${text}" for "--direction" flag: expected inbound or outbound`);
  return text;
}

function clusterFilter(f: PcFlags): ClusterFilter {
  return { fqdn: f.fqdn, port: portFlag(f.port), subset: f.subset, direction: direction(f.direction) };
}

function listenerFilter(f: PcFlags): ListenerFilter {
  return { address: f.address, port: portFlag(f.port), type: f.type };
}

function endpointFilter(f: PcFlags): EndpointFilter {
  return { address: f.address, port: portFlag(f.port), cluster: f.cluster, status: f.status };
}

/** istioctl's -o json is the resources, 4-space indented, in proto field order. */
function printResources(ctx: CommandContext, value: unknown, fmt: Format): void {
  ctx.io.stdout.write(fmt === 'yaml' ? toYaml(value) : `${JSON.stringify(value, null, 4)}\n`);
}

type Kind = 'cluster' | 'listener' | 'route' | 'endpoint' | 'secret' | 'bootstrap' | 'all';

async function runKind(ctx: CommandContext, kind: Kind, pod: string, flags: PcFlags): Promise<number> {
  const fmt = format(flags, kind === 'bootstrap' ? 'json' : 'short');
  if (kind === 'endpoint') {
    const filter = endpointFilter(flags);
    const { statuses } = await fetchClusterStatuses(ctx, pod);
    if (fmt === 'short') ctx.io.stdout.write(endpointSummary(statuses, filter));
    else printResources(ctx, filterClusterStatuses(statuses, filter), fmt);
    return 0;
  }
  // Filters are checked before anything is fetched.
  const cf = kind === 'cluster' || kind === 'all' ? clusterFilter(flags) : {};
  const lf = kind === 'listener' || kind === 'all' ? listenerFilter(flags) : {};
  const rf: RouteFilter = { name: flags.name };
  const { dump } = await fetchConfigDump(ctx, pod);
  switch (kind) {
    case 'cluster': {
      const clusters = clustersOf(dump);
      if (clusters.length === 0) throw cliError('no clusters found');
      if (fmt === 'short') ctx.io.stdout.write(clusterSummary(clusters, cf));
      else printResources(ctx, sortClusters(clusters.filter((c) => clusterMatches(cf, c))), fmt);
      return 0;
    }
    case 'listener': {
      const listeners = listenersOf(dump);
      if (fmt === 'short') ctx.io.stdout.write(listenerSummary(listeners, lf));
      else printResources(ctx, listeners.filter((l) => listenerMatches(lf, l)), fmt);
      return 0;
    }
    case 'route': {
      const routes = routesOf(dump);
      if (routes.length === 0) throw cliError('no routes found');
      if (fmt === 'short') ctx.io.stdout.write(routeSummary(routes, rf));
      else printResources(ctx, sortRoutes(routes.filter((r) => routeMatches(rf, r))), fmt);
      return 0;
    }
    case 'secret': {
      const secrets = secretsOf(dump);
      if (fmt !== 'short') {
        printResources(ctx, secrets ?? {}, fmt);
        return 0;
      }
      const text = secretSummary(secrets);
      ctx.io.stdout.write(text);
      if (text.startsWith(NO_SECRETS)) ctx.io.stderr.write('note: Skiff\'s control plane serves no SDS yet: proxies hold no certificates\n');
      return 0;
    }
    case 'bootstrap': {
      const bootstrap = bootstrapOf(dump);
      if (!bootstrap) throw cliError('the config dump has no bootstrap');
      if (fmt !== 'short') {
        printResources(ctx, bootstrap, fmt);
        return 0;
      }
      const node = ((bootstrap.bootstrap as Json | undefined)?.node ?? {}) as Json;
      const meta = (node.metadata ?? {}) as Json;
      const lines = [`Node ID: ${str(node.id)}`];
      if (str(meta.ISTIO_VERSION)) lines.push(`Istio Version: ${str(meta.ISTIO_VERSION)}`);
      if (str(node.user_agent_name)) lines.push(`Proxy: ${str(node.user_agent_name)}${str(node.user_agent_version) ? ` ${str(node.user_agent_version)}` : ''}`);
      ctx.io.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    }
    case 'all': {
      if (fmt !== 'short') {
        printResources(ctx, dump, fmt);
        return 0;
      }
      const { statuses } = await fetchClusterStatuses(ctx, pod);
      ctx.io.stdout.write([
        clusterSummary(clustersOf(dump), cf),
        listenerSummary(listenersOf(dump), lf),
        routeSummary(routesOf(dump), rf),
        endpointSummary(statuses, {}),
      ].join('\n'));
      return 0;
    }
  }
}

const KINDS: readonly { kind: Kind; aliases: string[]; what: string; options: (c: Command) => Command }[] = [
  {
    kind: 'cluster', aliases: ['clusters', 'c'], what: 'cluster configuration',
    options: (c) => c.option('--fqdn <fqdn>', 'filter clusters by substring of Service FQDN field')
      .option('--port <port>', 'filter clusters by Port field')
      .option('--subset <subset>', 'filter clusters by substring of Subset field')
      .option('--direction <direction>', 'filter clusters by Direction field (inbound|outbound)'),
  },
  {
    kind: 'listener', aliases: ['listeners', 'l'], what: 'listener configuration',
    options: (c) => c.option('--address <address>', 'filter listeners by address field')
      .option('--port <port>', 'filter listeners by Port field')
      .option('--type <type>', 'filter listeners by type field (HTTP, TCP, HTTP+TCP)'),
  },
  { kind: 'route', aliases: ['routes', 'r'], what: 'route configuration', options: (c) => c.option('--name <name>', 'filter routes by route name field') },
  {
    kind: 'endpoint', aliases: ['endpoints', 'ep'], what: 'endpoint configuration',
    options: (c) => c.option('--address <address>', 'filter endpoints by address field')
      .option('--port <port>', 'filter endpoints by Port field')
      .option('--cluster <cluster>', 'filter endpoints by cluster name field')
      .option('--status <status>', 'filter endpoints by status field (HEALTHY, UNHEALTHY, …)'),
  },
  { kind: 'secret', aliases: ['secrets', 's'], what: 'secret configuration', options: (c) => c },
  { kind: 'bootstrap', aliases: ['b'], what: 'bootstrap configuration', options: (c) => c },
  {
    kind: 'all', aliases: ['a'], what: 'configuration of every kind',
    options: (c) => c.option('--fqdn <fqdn>', 'filter clusters by substring of Service FQDN field')
      .option('--port <port>', 'filter clusters and listeners by Port field')
      .option('--subset <subset>', 'filter clusters by substring of Subset field')
      .option('--direction <direction>', 'filter clusters by Direction field')
      .option('--address <address>', 'filter listeners by address field')
      .option('--type <type>', 'filter listeners by type field')
      .option('--name <name>', 'filter routes by route name field'),
  },
];

export function registerProxyConfig(program: Command, deps: CommandDeps): void {
  const pc = program.command('proxy-config')
    .alias('pc')
    .description('Retrieve information about a proxy\'s configuration (from its admin, else from the control plane)');
  for (const k of KINDS) {
    const sub = pc.command(k.kind)
      .aliases(k.aliases)
      .description(`Retrieve ${k.what} for the proxy in the specified pod`)
      .argument('<pod>', 'POD[.NAMESPACE], pod/POD or deploy/NAME')
      .option('-o, --output <format>', `output format: one of json|yaml|short (default ${k.kind === 'bootstrap' ? 'json' : 'short'})`);
    k.options(sub).action(action(deps, async (ctx, cmd) => runKind(ctx, k.kind, cmd.processedArgs[0] as string, cmd.opts<PcFlags>())));
  }
}
