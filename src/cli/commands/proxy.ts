// `skiff proxy`: one data-plane proxy process, Envoy's role — a sidecar next to an app, or a gateway
// (`router`). The local runtime starts it for every injected pod and for the gateways; on
// Kubernetes it is the sidecar container's command. Config comes from the control plane over ADS.
//
// bin/skiff.js runs a plain `skiff proxy --flag value …` through the proxy's lean entry
// (src/proxy/cli-entry.ts) without loading this CLI; this definition is what parses everything
// else and prints `--help` and the argument errors. Both check the values and run the proxy with
// the same code (runProxyFlags).
import type { Command } from 'commander';
import { action, collect, type CommandDeps } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { cliError } from '../cli-error.js';
import { PROXY_FLAG_DEFAULTS, ProxyFlagError, runProxyFlags, type ProxyFlags } from '../../proxy/cli-entry.js';

export function registerProxy(program: Command, deps: CommandDeps): void {
  program.command('proxy')
    .description('Run a data-plane proxy (sidecar or gateway) driven by the control plane over xDS')
    .requiredOption('--role <role>', 'sidecar or router (a gateway)')
    .requiredOption('--node-id <id>', 'Istio node id, e.g. sidecar~127.0.0.1~reviews-v1-abc.default~default.svc.cluster.local')
    .option('--xds <host:port>', 'the control plane\'s ADS address', PROXY_FLAG_DEFAULTS.xds)
    .option('--admin-port <port>', 'admin server port on 127.0.0.1 (/ready, /stats/prometheus, /config_dump)')
    .option('--meta <key=value>', 'node metadata sent to the control plane (value may be JSON); repeatable', collect, [])
    .option('--drain-timeout <ms>', 'how long SIGTERM waits for requests in flight', PROXY_FLAG_DEFAULTS.drainTimeout)
    .action(action(deps, async (ctx, cmd) => runProxy(ctx, cmd.opts<ProxyFlags>())));
}

async function runProxy(ctx: CommandContext, flags: ProxyFlags): Promise<number> {
  try {
    return await runProxyFlags(flags, ctx.io.stderr);
  } catch (e) {
    if (e instanceof ProxyFlagError) throw cliError(e.message);
    throw e;
  }
}
