// `skiff x route` (also `x explain`): where one request goes, and why.
//   skiff x route --from productpage-v1 http://reviews:9080/reviews/0 -H 'end-user: jason'
//   skiff x route --gateway istio-ingressgateway http://bookinfo.example.com/productpage
// Against the running control plane (its /debug/route simulates the request through the config
// it generates for that proxy), or offline with -f: the manifests and Istio config in the files,
// nothing running. Exits 1 when the request matches no route.
import type { Command } from 'commander';
import { explainRoute, type RouteExplanation } from '../../control-plane/server/debug-route-explain.js';
import { parseRouteRequest } from '../../control-plane/server/debug-route-request.js';
import { resolveTarget } from '../../control-plane/server/debug-route-target.js';
import { action, collect, type CommandDeps } from '../command-support.js';
import { cliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { controlPlaneJson } from '../proxy-config/debug-http.js';
import { loadOfflineMesh } from '../proxy-config/offline-mesh.js';
import { printRoute } from '../proxy-config/route-printer.js';

interface RouteFlags {
  from?: string;
  gateway?: string;
  header: string[];
  request?: string;
  filename: string[];
  output?: string;
}

const UNROUTED = new Set(['no_listener', 'no_filter_chain', 'no_virtual_host', 'no_route']);

/** `skiff x`, created by whichever experimental verb registers first. */
export function experimentalCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'x')
    ?? program.command('x').alias('experimental').description('Experimental commands that may change');
}

export function registerXRoute(program: Command, deps: CommandDeps): void {
  experimentalCommand(program).command('route')
    .alias('explain')
    .description('Explain where a request goes: listener, virtual host, VirtualService rule, destinations, policies and endpoints')
    .argument('<url>', 'the request URL, e.g. http://reviews:9080/reviews/0')
    .option('--from <workload>', 'send from this workload\'s sidecar: a Deployment or pod (productpage-v1, deploy/NAME, pod/NAME)')
    .option('--gateway <name>', 'send into this gateway: its Deployment, pod or istio label (istio-ingressgateway, ingressgateway)')
    .option('-H, --header <header>', 'a request header, "name: value"; repeatable', collect, [])
    .option('-X, --request <method>', 'the request method (default GET)')
    .option('-f, --filename <path>', 'simulate offline from these manifests and Istio config (file or directory); repeatable', collect, [])
    .option('-o, --output <format>', 'text (default) or json')
    .action(action(deps, async (ctx, cmd) => runRoute(ctx, cmd.processedArgs[0] as string, cmd.opts<RouteFlags>())));
}

async function explainOnline(ctx: CommandContext, url: string, flags: RouteFlags): Promise<RouteExplanation> {
  const q = new URLSearchParams();
  if (flags.gateway !== undefined) q.set('gateway', flags.gateway);
  else q.set('from', flags.from!);
  q.set('url', url);
  if (flags.request !== undefined) q.set('method', flags.request);
  for (const h of flags.header) q.append('header', h);
  if (ctx.namespaceExplicit) q.set('namespace', ctx.namespace);
  return controlPlaneJson<RouteExplanation>(ctx.serverUrl(), `/debug/route?${q.toString()}`);
}

async function explainOffline(ctx: CommandContext, url: string, flags: RouteFlags): Promise<RouteExplanation> {
  // The request is checked before any file is read: a typo should not wait for a big directory.
  const request = parseRouteRequest(url, flags.request, flags.header);
  if (!request.ok) throw cliError(request.error);
  const mesh = await loadOfflineMesh(ctx, flags.filename);
  const target = resolveTarget(
    { role: flags.gateway !== undefined ? 'router' : 'sidecar', name: (flags.gateway ?? flags.from)!, namespace: ctx.namespace, namespaceExplicit: ctx.namespaceExplicit },
    mesh.pods,
    mesh.deployments,
  );
  if (!target.ok) throw cliError(target.error);
  const proxy = mesh.push.proxyFor(target.value.nodeId);
  return explainRoute({ proxy, push: mesh.push, request: request.value, sources: mesh.sources });
}

async function runRoute(ctx: CommandContext, url: string, flags: RouteFlags): Promise<number> {
  if (flags.output !== undefined && flags.output !== 'json' && flags.output !== 'text') throw cliError(`--output must be 'text' or 'json', not '${flags.output}'`);
  if ((flags.from === undefined) === (flags.gateway === undefined)) {
    throw cliError('give exactly one of --from WORKLOAD (a sidecar sends the request) or --gateway NAME (the request enters through a gateway)');
  }
  if (flags.filename.length === 0) {
    // Checked here too so a bad URL fails the same way online and offline.
    const request = parseRouteRequest(url, flags.request, flags.header);
    if (!request.ok) throw cliError(request.error);
  }
  const explanation = flags.filename.length > 0 ? await explainOffline(ctx, url, flags) : await explainOnline(ctx, url, flags);
  if (flags.output === 'json') ctx.io.stdout.write(`${JSON.stringify(explanation, null, 2)}\n`);
  else ctx.io.stdout.write(printRoute(explanation));
  if (!UNROUTED.has(explanation.outcome)) return 0;
  if (flags.output !== 'json') ctx.io.stderr.write(`error: ${explanation.message ?? 'the request matches no route'}\n`);
  return 1;
}
